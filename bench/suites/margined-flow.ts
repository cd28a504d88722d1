/**
 * What margining every order costs: one generated flow in which every limit order carries an
 * account (and enough collateral that nothing is refused), and the same flow with the accounts
 * taken off, both through the exported `Engine` (margin layer composed in), in one process.
 * Rounds alternate bare and margined, each on a fresh engine, so a busy machine slows both alike;
 * the ratio is of the medians.
 */
import { Engine } from "../../exchange.js";
import type { Command } from "../../protocol/commands.js";
import { generateFlow } from "../../sim/flow-generator.js";
import type { BenchContext, Suite } from "../context.js";
import { FLOW_SEED } from "../flows.js";
import { formatCount, formatRate, median, round, type SuiteResult, type Table } from "../report.js";

/** The flow without its margin: no account (and so no self-trade mode, which needs one), no deposits. */
export function withoutAccounts(flow: readonly Command[]): Command[] {
  const out: Command[] = [];
  for (const command of flow) {
    if (command.type === "deposit" || command.type === "withdraw") continue;
    // A fresh literal with the fields in their order, not a copy with fields deleted: a delete
    // would leave the record in dictionary mode and slow the bare side down.
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(command)) if (key !== "account" && key !== "stp") copy[key] = value;
    out.push(copy as unknown as Command);
  }
  return out;
}

/** Commands per timed chunk: each chunk's least time over the rounds is the noise-robust figure. */
const CHUNK = 50_000;

interface Side {
  name: string;
  flow: readonly Command[];
  ms: number[];
  /** Each chunk's least time (ms) over the timed rounds. */
  chunkMin: number[];
  events: number;
  rejects: number;
  stateHash: string;
}

/** Applies the flow to a fresh engine; `timed` rounds keep each chunk's least time. */
function runOnce(side: Side, timed = true): number {
  let events = 0;
  let rejects = 0;
  const engine = new Engine({
    onEvent: (e) => {
      events++;
      if (e.type === "rejected") rejects++;
    },
  });
  const flow = side.flow;
  const n = flow.length;
  const started = performance.now();
  let chunkStart = started;
  for (let from = 0, k = 0; from < n; from += CHUNK, k++) {
    const to = Math.min(n, from + CHUNK);
    for (let i = from; i < to; i++) engine.apply(flow[i]);
    const now = performance.now();
    const spent = now - chunkStart;
    if (timed && spent < (side.chunkMin[k] ?? Number.POSITIVE_INFINITY)) side.chunkMin[k] = spent;
    chunkStart = now;
  }
  const ms = chunkStart - started;
  side.events = events;
  side.rejects = rejects;
  side.stateHash = engine.stateHash();
  return ms;
}

export async function measureMarginedFlow(ctx: BenchContext): Promise<SuiteResult> {
  const n = ctx.flowSize;
  const rounds = ctx.quick ? 3 : 7;
  ctx.log(`margined flow: generating ${formatCount(n)} commands (seed ${FLOW_SEED}, every limit order margined)`);
  const margined = generateFlow({ commands: n, seed: FLOW_SEED, accountPpm: 1_000_000 });
  const bare = withoutAccounts(margined);
  const sides: Side[] = [
    { name: "bare: no order margined", flow: bare, ms: [], chunkMin: [], events: 0, rejects: 0, stateHash: "" },
    { name: "every limit order margined", flow: margined, ms: [], chunkMin: [], events: 0, rejects: 0, stateHash: "" },
  ];
  // One untimed round each (JIT), then the timed rounds, alternating which side goes first.
  for (const side of sides) runOnce(side, false);
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? sides : [sides[1] as Side, sides[0] as Side];
    for (const side of order) side.ms.push(runOnce(side));
    ctx.log(`margined flow: round ${r + 1}/${rounds}`);
  }
  const [bareSide, marginedSide] = sides as [Side, Side];
  const rate = (side: Side): number => (side.flow.length * 1000) / median(side.ms);
  const best = (side: Side): number => (side.flow.length * 1000) / Math.min(...side.ms);
  const ratio = rate(marginedSide) / rate(bareSide);
  // Σ of each chunk's least time: a round's slow stretches (this machine's shared caches) drop out.
  const floorMs = (side: Side): number => side.chunkMin.reduce((sum, ms) => sum + ms, 0);
  const floorRate = (side: Side): number => (side.flow.length * 1000) / floorMs(side);
  const floorRatio = floorRate(marginedSide) / floorRate(bareSide);
  const table: Table = {
    title: `Margined flow in process: ${formatCount(n)} commands, seed ${FLOW_SEED}, ${rounds} rounds alternating`,
    head: [
      "flow",
      "commands/s (median)",
      "best",
      "ratio to bare",
      "Σ chunk minima",
      "ratio (chunk minima)",
      "events",
      "rejects",
    ],
    rows: sides.map((side) => [
      side.name,
      formatRate(rate(side)),
      formatRate(best(side)),
      side === bareSide ? "1" : ratio.toFixed(2),
      formatRate(floorRate(side)),
      side === bareSide ? "1" : floorRatio.toFixed(2),
      String(side.events),
      String(side.rejects),
    ]),
  };
  return {
    name: "margined",
    title: "Throughput: the flow bare and fully margined",
    tables: [table],
    notes: [
      "Both through the exported Engine (margin layer composed in); the bare flow is the margined one without accounts, self-trade modes and deposits.",
      "Margined: pre-trade risk on every limit order, open-order aggregates, positions and fees on every fill, a breach check of every account that traded.",
      "The ratio is of the medians of one run; each round applies the whole flow to a fresh engine.",
      `Σ chunk minima: each ${formatCount(CHUNK)}-command stretch's least time over the rounds, summed (the same build swings up to 2x between rounds and processes here).`,
    ],
    data: {
      commands: n,
      seed: FLOW_SEED,
      rounds,
      bare: sideData(bareSide),
      margined: sideData(marginedSide),
      ratio: round(ratio, 3),
      chunkCommands: CHUNK,
      ratioOfChunkMinima: round(floorRatio, 3),
    },
  };
}

function sideData(side: Side): Record<string, unknown> {
  return {
    commands: side.flow.length,
    commandsPerSec: Math.round((side.flow.length * 1000) / median(side.ms)),
    bestPerSec: Math.round((side.flow.length * 1000) / Math.min(...side.ms)),
    roundsMs: side.ms.map((ms) => round(ms, 1)),
    events: side.events,
    rejects: side.rejects,
    stateHash: side.stateHash,
  };
}

export const marginedFlowSuite: Suite = {
  name: "margined",
  title: "Throughput: the flow bare and fully margined",
  inDefault: true,
  run: measureMarginedFlow,
};
