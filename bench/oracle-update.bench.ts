/**
 * The margin layer's costs. `node dist/bench/oracle-update.bench.js [--sizes 10000,100000,1000000] [--json]`
 *
 * 1. Oracle updates with N accounts holding positions (half long, half short, leverage 5x–100x):
 *    an update that crosses no trigger should cost the same at 10k, 100k and 1M accounts (two
 *    tree extremes: O(log n)); an update that crosses some costs O(log n) per crossed account.
 * 2. The index structure: the lazy-deletion heap the index uses against a bintrees RBTree, 200k entries.
 * 3. Matching throughput on a generated flow whose limit orders all carry accounts: the bare
 *    matching engine (no money) against the composed engine (pre-trade risk, positions, fees,
 *    at-risk index upkeep).
 */
import { RBTree } from "bintrees";
import { Engine as MatchingEngine } from "../engine/engine.js";
import { Engine } from "../exchange.js";
import type { Trigger } from "../liquidator/account.js";
import { TriggerHeap } from "../liquidator/trigger-heap.js";
import type { Command } from "../protocol/commands.js";
import { generateFlow } from "../sim/flow-generator.js";

const PRICE = 10_000_000; // BTC at 100,000.00 with a 0.01 tick

function argValue(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

function ms(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e6;
}

/** A tiny deterministic PRNG (xorshift32) so runs are comparable. */
function rng(seed: number): () => number {
  let x = seed | 0 || 1;
  return () => {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return (x >>> 0) / 4294967296;
  };
}

interface OracleResult {
  accounts: number;
  setupMs: number;
  heapMb: number;
  quietUpdates: number;
  nsPerQuietUpdate: number;
  /** Ten successive falls of 0.02% from −0.72% (after one warm-up fall), each crossing the next band of longs. */
  crossingMoves: { toPrice: number; rechecks: number; breaches: number; ms: number; nsPerRecheck: number };
}

function oracleBench(accounts: number): OracleResult {
  let breaches = 0;
  const engine = new Engine({
    // The monitoring alone: the index and the exact re-checks (the liquidator would trade as well).
    liquidation: "off",
    onEvent(e) {
      if (e.type === "liquidation_stage") breaches++;
    },
  });
  const margin = engine.marginEngine;
  if (margin === null) throw new Error("margin engine missing");
  const random = rng(42);
  const t0 = process.hrtime.bigint();
  engine.apply({ type: "oracle", price: PRICE });
  // Unmargined liquidity both sides: every margined order below fills at once and rests nothing.
  engine.apply({ type: "limit", id: "ask", side: "sell", price: PRICE, qty: 100_000_000 });
  engine.apply({ type: "limit", id: "bid", side: "buy", price: PRICE - 1, qty: 100_000_000 });
  for (let i = 0; i < accounts; i++) {
    const account = `u${i}`;
    const qty = 1 + Math.floor(random() * 100); // up to 0.01 BTC
    const notional = qty * PRICE;
    const marginPpm = 10_000 + Math.floor(random() * 190_000); // 1%–20% of notional: 100x–5x
    engine.apply({ type: "deposit", account, amount: Math.floor((notional * marginPpm) / 1_000_000) });
    const long = (i & 1) === 0;
    engine.apply({
      type: "limit",
      id: i + 1,
      side: long ? "buy" : "sell",
      price: long ? PRICE : PRICE - 1,
      qty,
      account,
      tif: "IOC",
    });
  }
  const setupMs = ms(t0);
  globalThis.gc?.();
  const heapMb = process.memoryUsage().heapUsed / 1e6;

  // Quiet updates: ±1 tick around the entry price crosses nobody's trigger.
  const rechecksBefore = margin.crossedCount;
  const quiet = 200_000;
  const warm = { type: "oracle" as const, price: PRICE };
  for (let i = 0; i < 10_000; i++) engine.apply({ ...warm, price: PRICE + (i & 1) });
  const up: Command = { type: "oracle", price: PRICE + 1 };
  const down: Command = { type: "oracle", price: PRICE };
  const t1 = process.hrtime.bigint();
  for (let i = 0; i < quiet; i++) engine.apply((i & 1) === 0 ? up : down);
  const quietNs = (ms(t1) * 1e6) / quiet;
  if (margin.crossedCount !== rechecksBefore) throw new Error("a quiet update re-checked an account");

  // Falls past the triggers of the most leveraged longs only (the first one warms the path up).
  engine.apply({ type: "oracle", price: Math.floor(PRICE * 0.993) });
  const r0 = margin.crossedCount;
  const b0 = breaches;
  let toPrice = 0;
  const t2 = process.hrtime.bigint();
  for (let k = 1; k <= 10; k++) {
    toPrice = Math.floor(PRICE * (0.993 - 0.0002 * k));
    engine.apply({ type: "oracle", price: toPrice });
  }
  const crossMs = ms(t2);
  const rechecks = margin.crossedCount - r0;
  return {
    accounts,
    setupMs: Math.round(setupMs),
    heapMb: Math.round(heapMb),
    quietUpdates: quiet,
    nsPerQuietUpdate: Math.round(quietNs),
    crossingMoves: {
      toPrice,
      rechecks,
      breaches: breaches - b0,
      ms: Math.round(crossMs * 1000) / 1000,
      nsPerRecheck: rechecks === 0 ? 0 : Math.round((crossMs * 1e6) / rechecks),
    },
  };
}

interface StructureResult {
  entries: number;
  heap: { popUs: number; removeUs: number; pushUs: number };
  rbtree: { popUs: number; removeUs: number; insertUs: number };
}

/** µs per operation over `count` operations. */
function timeOps(count: number, op: (i: number) => void): number {
  const t = process.hrtime.bigint();
  for (let i = 0; i < count; i++) op(i);
  return Math.round((ms(t) * 1000 * 100) / count) / 100;
}

function structureBench(entries: number): StructureResult {
  const random = rng(7);
  const fake = (): Trigger =>
    ({ price: 9_000_000 + Math.floor(random() * 1_000_000), indexed: false, stamp: 0 }) as Trigger;
  const items = Array.from({ length: entries }, fake);
  const k = entries / 10;
  const heap = new TriggerHeap();
  for (const t of items) heap.push(t, -t.price);
  const heapPop = timeOps(k, () => {
    heap.peekKey();
    heap.pop();
  });
  const heapRemove = timeOps(k, (i) => heap.remove(items[k + i] as Trigger));
  const heapPush = timeOps(2 * k, (i) => heap.push(items[i] as Trigger, -(items[i] as Trigger).price));
  const seq = new Map(items.map((t, i) => [t, i]));
  const tree = new RBTree<Trigger>((a, b) =>
    a.price !== b.price ? (a.price < b.price ? -1 : 1) : (seq.get(a) as number) - (seq.get(b) as number),
  );
  for (const t of items) tree.insert(t);
  const treePop = timeOps(k, () => tree.remove(tree.max() as Trigger));
  const treeRemove = timeOps(k, (i) => tree.remove(items[k + i] as Trigger));
  const treeInsert = timeOps(2 * k, (i) => tree.insert(items[i] as Trigger));
  return {
    entries,
    heap: { popUs: heapPop, removeUs: heapRemove, pushUs: heapPush },
    rbtree: { popUs: treePop, removeUs: treeRemove, insertUs: treeInsert },
  };
}

interface ThroughputResult {
  commands: number;
  offPerSec: number;
  onPerSec: number;
  overheadPct: number;
}

function replay(engine: { apply(c: unknown): void }, flow: readonly Command[]): number {
  const t = process.hrtime.bigint();
  for (const c of flow) engine.apply(c);
  return ms(t);
}

function throughputBench(commands: number, accountPpm: number): ThroughputResult {
  const flow = generateFlow({ commands, seed: 7, accountPpm, accounts: 1000 });
  // Warm both paths, then take the best of three runs each (the machine is shared).
  let off = Number.POSITIVE_INFINITY;
  let on = Number.POSITIVE_INFINITY;
  replay(new MatchingEngine(), flow);
  replay(new Engine(), flow);
  for (let i = 0; i < 3; i++) {
    off = Math.min(off, replay(new MatchingEngine(), flow));
    on = Math.min(on, replay(new Engine(), flow));
  }
  return {
    commands,
    offPerSec: Math.round((commands * 1000) / off),
    onPerSec: Math.round((commands * 1000) / on),
    overheadPct: Math.round(((on - off) / off) * 1000) / 10,
  };
}

function main(): void {
  const sizes = (argValue("sizes") ?? "10000,100000,1000000").split(",").map(Number);
  const json = process.argv.includes("--json");
  const oracle = sizes.map((n) => {
    const r = oracleBench(n);
    if (!json) {
      console.log(
        `oracle update, ${n} accounts: ${r.nsPerQuietUpdate} ns per update crossing nobody ` +
          `(setup ${r.setupMs} ms, heap ${r.heapMb} MB); ten falls to ${r.crossingMoves.toPrice} re-checked ` +
          `${r.crossingMoves.rechecks} accounts (${r.crossingMoves.breaches} in breach) in ${r.crossingMoves.ms} ms, ` +
          `${r.crossingMoves.nsPerRecheck} ns per re-checked account`,
      );
    }
    return r;
  });
  const structure = structureBench(200_000);
  if (!json) {
    const { heap, rbtree } = structure;
    console.log(
      `index structure, ${structure.entries} entries, µs/op: heap pop ${heap.popUs}, remove ${heap.removeUs}, ` +
        `push ${heap.pushUs} | RBTree pop-max ${rbtree.popUs}, remove ${rbtree.removeUs}, insert ${rbtree.insertUs}`,
    );
  }
  const throughput = [1_000_000, 100_000].map((accountPpm) => {
    const r = throughputBench(200_000, accountPpm);
    if (!json) {
      console.log(
        `matching, ${accountPpm / 10_000}% of limit orders margined: ${r.offPerSec} commands/s without risk checks, ` +
          `${r.onPerSec} with (${r.overheadPct}% more time)`,
      );
    }
    return { accountPpm, ...r };
  });
  if (json) console.log(JSON.stringify({ oracle, structure, throughput }));
}

main();
