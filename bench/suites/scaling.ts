/**
 * How cost grows with the book: throughput and tail latency on books of 1k … 1M resting orders
 * over 10 … 100k levels, and one deep level (100k orders at one price) where a cancel must cost
 * the same at the front, the middle and the back of the queue.
 */
import { Engine } from "../../engine/engine.js";
import type { Command } from "../../protocol/commands.js";
import { SeededRandom } from "../../sim/random.js";
import { type BookShape, buildBook, levelPrice, MID, RESTING_QTY } from "../book-builder.js";
import { nowNs } from "../clock.js";
import type { BenchContext, Suite } from "../context.js";
import { categoriesOf } from "../flows.js";
import { LatencySamples, type Percentiles } from "../latency-samples.js";
import {
  applyPeerOp,
  loadPeer,
  PEER_MISSING,
  type PeerBook,
  type PeerOp,
  toPeerOp,
} from "../peers/nodejs-order-book.js";
import { formatCount, formatNs, formatRate, formatRatio, round, type SuiteResult, type Table } from "../report.js";
import { closedLoop } from "./latency.js";

const FULL_SHAPES: BookShape[] = [
  { orders: 1_000, levels: 10 },
  { orders: 1_000, levels: 1_000 },
  { orders: 100_000, levels: 10 },
  { orders: 100_000, levels: 1_000 },
  { orders: 100_000, levels: 100_000 },
  { orders: 1_000_000, levels: 10 },
  { orders: 1_000_000, levels: 1_000 },
  { orders: 1_000_000, levels: 100_000 },
];

const QUICK_SHAPES: BookShape[] = [
  { orders: 1_000, levels: 10 },
  { orders: 1_000, levels: 1_000 },
  { orders: 100_000, levels: 1_000 },
  { orders: 100_000, levels: 100_000 },
];

/**
 * A steady-state workload that keeps the book's size and shape: 40% adds at a random existing
 * level, 40% cancels of a random live order, 10% quantity decreases, 10% one-lot IOC takers at
 * the touch. Takers never exhaust an order (RESTING_QTY), so the live set is known exactly
 * without simulating the book.
 */
export function steadyWorkload(shape: BookShape, firstId: number, count: number, seed: number): Command[] {
  const random = new SeededRandom(seed);
  const live: number[] = [];
  for (let id = 1; id < firstId; id++) live.push(id);
  let nextId = firstId;
  const out: Command[] = [];
  for (let i = 0; i < count; i++) {
    const roll = random.below(100);
    if (roll < 40 || live.length === 0) {
      const level = levelPrice(random.below(shape.levels));
      out.push({ type: "limit", id: nextId, side: level.side, price: level.price, qty: RESTING_QTY });
      live.push(nextId++);
    } else if (roll < 80) {
      const at = random.below(live.length);
      const id = live[at] as number;
      live[at] = live[live.length - 1] as number;
      live.pop();
      out.push({ type: "cancel", id });
    } else if (roll < 90) {
      out.push({
        type: "modify",
        id: live[random.below(live.length)] as number,
        qty: RESTING_QTY / 2 - random.below(1000),
      });
    } else {
      const buy = random.chance(500_000);
      out.push({
        type: "limit",
        id: nextId++,
        side: buy ? "buy" : "sell",
        price: buy ? MID + 1 : MID - 1,
        qty: 1,
        tif: "IOC",
      });
    }
  }
  return out;
}

interface ShapeResult {
  shape: BookShape;
  commandsPerSec: number;
  latency: Percentiles;
  buildMs: number;
}

function measureShape(shape: BookShape, workload: number): ShapeResult {
  const engine = new Engine({ onEvent: () => {} });
  const buildStart = nowNs();
  const firstId = buildBook(engine, shape);
  const buildMs = (nowNs() - buildStart) / 1e6;
  // Half the workload timed as a whole (throughput), the other half command by command (latency).
  const commands = steadyWorkload(shape, firstId, workload * 2, shape.orders + shape.levels);
  const throughputPart = commands.slice(0, workload);
  const latencyPart = commands.slice(workload);
  const start = nowNs();
  for (let i = 0; i < throughputPart.length; i++) engine.apply(throughputPart[i]);
  const commandsPerSec = (workload * 1e9) / (nowNs() - start);
  const samples: LatencySamples = closedLoop(engine, latencyPart, categoriesOf(latencyPart));
  return { shape, commandsPerSec, latency: samples.summarize().all as Percentiles, buildMs };
}

interface DeepResult {
  position: string;
  softliq: Percentiles;
  peer: Percentiles | null;
}

const DEEP_ORDERS = 100_000;

/** Cancel cost at the front, middle and back of one level holding 100k orders. */
async function measureDeepLevel(cancels: number, peerCancels: number): Promise<DeepResult[]> {
  const positions: [string, (k: number) => number][] = [
    ["front", (k) => 1 + k],
    ["middle", (k) => DEEP_ORDERS / 2 + k],
    ["back", (k) => DEEP_ORDERS - k],
  ];
  const peer = await loadPeer();
  const results: DeepResult[] = [];
  for (const [position, idAt] of positions) {
    const engine = new Engine({ onEvent: () => {} });
    buildBook(engine, { orders: DEEP_ORDERS, levels: 1 });
    const commands: Command[] = [];
    for (let k = 0; k < cancels; k++) commands.push({ type: "cancel", id: idAt(k) });
    const softliq = closedLoop(engine, commands, categoriesOf(commands)).summarize().all as Percentiles;
    let peerLatency: Percentiles | null = null;
    if (peer !== null) {
      const book: PeerBook = peer.create();
      for (let id = 1; id <= DEEP_ORDERS; id++) {
        book.limit({
          id: String(id),
          side: "buy",
          size: RESTING_QTY,
          price: MID - 1,
          timeInForce: "GTC",
          postOnly: false,
        });
      }
      const ops: PeerOp[] = commands.slice(0, peerCancels).map(toPeerOp);
      const samples = new LatencySamples(ops.length);
      let prev = nowNs();
      for (let i = 0; i < ops.length; i++) {
        applyPeerOp(book, ops[i] as PeerOp);
        const t = nowNs();
        samples.ns[i] = t - prev;
        prev = t;
      }
      samples.count = ops.length;
      peerLatency = samples.summarize().all as Percentiles;
    }
    results.push({ position, softliq, peer: peerLatency });
  }
  return results;
}

export async function measureScaling(ctx: BenchContext): Promise<SuiteResult> {
  const shapes = ctx.quick ? QUICK_SHAPES : FULL_SHAPES;
  const workload = ctx.quick ? 20_000 : 100_000;
  // Warm the JIT on a small book before the first measured shape.
  measureShape({ orders: 10_000, levels: 100 }, workload);
  const results: ShapeResult[] = [];
  for (const shape of shapes) {
    ctx.log(`scaling: ${formatCount(shape.orders)} orders on ${formatCount(shape.levels)} levels`);
    results.push(measureShape(shape, workload));
  }
  const shapeTable: Table = {
    title: `Steady-state workload (${formatCount(workload)} commands timed as a whole, ${formatCount(workload)} one by one): 40% add, 40% cancel, 10% modify, 10% IOC`,
    head: ["resting orders", "levels", "commands/s", "p50", "p99", "p99.9", "max", "book built in"],
    rows: results.map((r) => [
      formatCount(r.shape.orders),
      formatCount(r.shape.levels),
      formatRate(r.commandsPerSec),
      formatNs(r.latency.p50),
      formatNs(r.latency.p99),
      formatNs(r.latency.p999),
      formatNs(r.latency.max),
      `${r.buildMs.toFixed(0)} ms`,
    ]),
  };

  ctx.log(`scaling: one level of ${formatCount(DEEP_ORDERS)} orders, cancels at front/middle/back`);
  const cancels = ctx.quick ? 2_000 : 10_000;
  const peerCancels = ctx.quick ? 50 : 200;
  const deep = await measureDeepLevel(cancels, peerCancels);
  const peerMissing = deep.every((d) => d.peer === null);
  const deepTable: Table = {
    title: `One level of ${formatCount(DEEP_ORDERS)} orders: cancel latency by queue position (softliq: ${formatCount(cancels)} cancels each; peer: ${peerCancels})`,
    head: ["position", "softliq p50", "softliq p99", "softliq max", "peer p50", "peer p99", "ratio (p50)"],
    rows: deep.map((d) => [
      d.position,
      formatNs(d.softliq.p50),
      formatNs(d.softliq.p99),
      formatNs(d.softliq.max),
      d.peer === null ? PEER_MISSING : formatNs(d.peer.p50),
      d.peer === null ? "–" : formatNs(d.peer.p99),
      d.peer === null ? "–" : formatRatio(d.peer.p50, d.softliq.p50),
    ]),
  };
  return {
    name: "scaling",
    title: "Scaling: book size, level count, one deep level",
    tables: [shapeTable, deepTable],
    notes: [
      "Orders are spread round robin over the levels, alternating bid and ask; the workload adds at existing levels, so the shape holds.",
      "Latency is closed loop (completion to completion), timer cost included.",
      peerMissing
        ? ""
        : "The peer's cancel rewrites its level's index (O(orders at the level)), hence its deep-level figures.",
    ].filter((note) => note !== ""),
    data: {
      workload,
      shapes: results.map((r) => ({
        orders: r.shape.orders,
        levels: r.shape.levels,
        commandsPerSec: Math.round(r.commandsPerSec),
        latencyNs: {
          p50: r.latency.p50,
          p90: r.latency.p90,
          p99: r.latency.p99,
          p999: r.latency.p999,
          max: r.latency.max,
          mean: round(r.latency.mean),
        },
        buildMs: round(r.buildMs),
      })),
      deepLevel: {
        orders: DEEP_ORDERS,
        cancels,
        peerCancels,
        positions: deep.map((d) => ({
          position: d.position,
          softliqNs: { p50: d.softliq.p50, p99: d.softliq.p99, max: d.softliq.max, mean: round(d.softliq.mean) },
          peerNs:
            d.peer === null ? null : { p50: d.peer.p50, p99: d.peer.p99, max: d.peer.max, mean: round(d.peer.mean) },
        })),
      },
    },
  };
}

export const scalingSuite: Suite = {
  name: "scaling",
  title: "Scaling: book size, level count, one deep level",
  inDefault: true,
  run: measureScaling,
};
