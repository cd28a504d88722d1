/**
 * The primitives, each on a book of the same shape every iteration: add a resting order, cancel,
 * a taker matching across levels, modify keeping priority (quantity down) and losing it (price).
 * Each tinybench iteration applies a batch of commands; set-up and clean-up commands run in the
 * untimed hooks so the book never drifts. The peer runs the same commands, adapted.
 */
import { Engine } from "../../engine/engine.js";
import type { Command, LimitCommand } from "../../protocol/commands.js";
import type { BenchContext, Suite } from "../context.js";
import {
  applyPeerOp,
  loadPeer,
  PEER_MISSING,
  type PeerBook,
  type PeerOp,
  toPeerOp,
} from "../peers/nodejs-order-book.js";
import { formatNs, formatRate, formatRatio, round, type SuiteResult, type Table } from "../report.js";
import { runTiny, type TinyTask } from "../tiny.js";

const MID = 100_000;
const BATCH = 1_000;
/** The resting book every primitive starts from: 100 levels a side, 50 orders a level. */
const BASE_LEVELS = 100;
const BASE_PER_LEVEL = 50;

export interface Primitive {
  name: string;
  /** What one operation is. */
  op: string;
  opsPerIteration: number;
  before: Command[];
  timed: Command[];
  after: Command[];
}

function limit(
  id: number,
  side: "buy" | "sell",
  price: number,
  qty: number,
  tif: LimitCommand["tif"] = "GTC",
): Command {
  return tif === "GTC" ? { type: "limit", id, side, price, qty } : { type: "limit", id, side, price, qty, tif };
}

/** Bids from MID-200 down, asks from MID+200 up: out of the way of the primitives' own prices. */
export function baseBook(): Command[] {
  const out: Command[] = [];
  let id = 1;
  for (let level = 0; level < BASE_LEVELS; level++) {
    for (let k = 0; k < BASE_PER_LEVEL; k++) {
      out.push(limit(id++, "buy", MID - 200 - level, 10));
      out.push(limit(id++, "sell", MID + 200 + level, 10));
    }
  }
  return out;
}

/** Passive orders on bid levels MID-1 … MID-100 (round robin), ids from 1e6. */
function passiveBatch(qty: number): Command[] {
  const out: Command[] = [];
  for (let i = 0; i < BATCH; i++) out.push(limit(1_000_000 + i, "buy", MID - 1 - (i % 100), qty));
  return out;
}

function cancelsOf(adds: readonly Command[], order: "same" | "shuffled"): Command[] {
  const ids = adds.map((c) => (c as LimitCommand).id);
  if (order === "shuffled") {
    // A fixed permutation (LCG), so cancels hit the front, middle and back of levels alike.
    let state = 12345;
    for (let i = ids.length - 1; i > 0; i--) {
      state = (state * 1103515245 + 12345) & 0x7fffffff;
      const j = state % (i + 1);
      const t = ids[i] as number | string;
      ids[i] = ids[j] as number | string;
      ids[j] = t;
    }
  }
  return ids.map((id) => ({ type: "cancel", id }));
}

export function primitives(): Primitive[] {
  const adds = passiveBatch(100);
  const takers = 50;
  const makers: Command[] = [];
  const sweeps: Command[] = [];
  let id = 2_000_000;
  for (let t = 0; t < takers; t++) {
    for (let level = 0; level < 3; level++) {
      const price = MID + 1 + t * 3 + level;
      makers.push(limit(id++, "sell", price, 5), limit(id++, "sell", price, 5));
    }
    sweeps.push(limit(3_000_000 + t, "buy", MID + 3 + t * 3, 30, "IOC"));
  }
  const qtyDown = adds.map((c): Command => ({ type: "modify", id: (c as LimitCommand).id, qty: 50 }));
  const priceMove = adds.map(
    (c): Command => ({ type: "modify", id: (c as LimitCommand).id, price: (c as LimitCommand).price - 1 }),
  );
  return [
    {
      name: "add resting order",
      op: "one passive limit",
      opsPerIteration: BATCH,
      before: [],
      timed: adds,
      after: cancelsOf(adds, "same"),
    },
    {
      name: "cancel",
      op: "one cancel, random queue position",
      opsPerIteration: BATCH,
      before: adds,
      timed: cancelsOf(adds, "shuffled"),
      after: [],
    },
    {
      name: "match across 3 levels",
      op: "one IOC taker: 3 levels, 6 fills",
      opsPerIteration: takers,
      before: makers,
      timed: sweeps,
      after: [],
    },
    {
      name: "modify: qty down (keeps priority)",
      op: "one modify",
      opsPerIteration: BATCH,
      before: adds,
      timed: qtyDown,
      after: cancelsOf(adds, "same"),
    },
    {
      name: "modify: price (loses priority)",
      op: "one modify",
      opsPerIteration: BATCH,
      before: adds,
      timed: priceMove,
      after: cancelsOf(adds, "same"),
    },
  ];
}

interface Driver {
  name: string;
  tasks(p: Primitive, base: Command[]): TinyTask;
}

const softliqDriver: Driver = {
  name: "softliq",
  tasks(p, base) {
    let engine = new Engine();
    const run = (commands: readonly Command[]): void => {
      for (let i = 0; i < commands.length; i++) engine.apply(commands[i]);
    };
    return {
      name: `softliq: ${p.name}`,
      fn: () => run(p.timed),
      options: {
        beforeAll: () => {
          engine = new Engine({ onEvent: () => {} });
          run(base);
        },
        beforeEach: () => run(p.before),
        afterEach: () => run(p.after),
      },
    };
  },
};

function peerDriver(create: () => PeerBook): Driver {
  return {
    name: "peer",
    tasks(p, base) {
      let book = create();
      const adapt = (commands: readonly Command[]): PeerOp[] => commands.map(toPeerOp);
      const [baseOps, before, timed, after] = [adapt(base), adapt(p.before), adapt(p.timed), adapt(p.after)];
      const run = (ops: readonly PeerOp[]): void => {
        for (let i = 0; i < ops.length; i++) applyPeerOp(book, ops[i] as PeerOp);
      };
      return {
        name: `peer: ${p.name}`,
        fn: () => run(timed),
        options: {
          beforeAll: () => {
            book = create();
            run(baseOps);
          },
          beforeEach: () => run(before),
          afterEach: () => run(after),
        },
      };
    },
  };
}

export async function measurePrimitives(ctx: BenchContext): Promise<SuiteResult> {
  const base = baseBook();
  const list = primitives();
  const peer = await loadPeer();
  const drivers: Driver[] = [softliqDriver];
  if (peer !== null) drivers.push(peerDriver(peer.create));
  const options = { time: ctx.quick ? 50 : 400, iterations: 10, warmupIterations: ctx.quick ? 5 : 20 };
  const rows: string[][] = [];
  const data: Record<string, unknown>[] = [];
  for (const p of list) {
    ctx.log(`primitives: ${p.name}`);
    const results = await runTiny(
      drivers.map((d) => d.tasks(p, base)),
      options,
    );
    const perOp = results.map((r) => (r.medianMs * 1e6) / p.opsPerIteration);
    const ours = perOp[0] as number;
    const theirs = perOp[1];
    rows.push([
      p.name,
      p.op,
      formatNs(ours),
      formatRate(1e9 / ours),
      theirs === undefined ? PEER_MISSING : formatNs(theirs),
      theirs === undefined ? "–" : formatRatio(theirs, ours),
      String(results[0]?.iterations ?? 0),
    ]);
    data.push({
      name: p.name,
      op: p.op,
      softliqNsPerOp: round(ours),
      softliqRme: round(results[0]?.rme ?? 0, 2),
      peerNsPerOp: theirs === undefined ? null : round(theirs),
      ratio: theirs === undefined ? null : round(theirs / ours, 2),
    });
  }
  const table: Table = {
    title: `Primitives on a book of ${BASE_LEVELS * BASE_PER_LEVEL * 2} resting orders (${BASE_LEVELS} levels a side), median of tinybench iterations`,
    head: [
      "primitive",
      "operation",
      "softliq / op",
      "softliq ops/s",
      `${peer === null ? "nodejs-order-book" : `${peer.name}@${peer.version}`} / op`,
      "ratio",
      "iterations",
    ],
    rows,
  };
  return {
    name: "primitives",
    title: "Primitives (tinybench)",
    tables: [table],
    notes: [
      `Each iteration is a batch (${BATCH} commands, or 50 takers) through Engine.apply, validation included; the per-op figure is the batch time divided by its size.`,
      "Set-up (adding the orders a cancel or modify needs, the makers a taker sweeps) and clean-up run in untimed hooks.",
    ],
    data: {
      baseOrders: base.length,
      batch: BATCH,
      primitives: data,
      peer: peer === null ? "not installed" : `${peer.name}@${peer.version}`,
    },
  };
}

export const primitivesSuite: Suite = {
  name: "primitives",
  title: "Primitives (tinybench)",
  inDefault: true,
  run: measurePrimitives,
};
