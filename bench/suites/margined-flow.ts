/**
 * What margining every order costs: one generated flow in which every limit order carries an
 * account (and enough collateral that nothing is refused), and the same flow with the accounts
 * taken off, both through the exported `Engine` (margin layer composed in), in one process.
 * Each round runs the two on fresh engines in lockstep, a chunk at a time, so a busy machine slows
 * both alike; the ratio is of the medians of the rounds, and paired chunk by chunk.
 */
import { Engine } from "../../exchange.js";
import type { Command } from "../../protocol/commands.js";
import type { EngineEvent } from "../../protocol/events.js";
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

/** Commands the engines take in turn: the unit of the paired comparison. */
export const CHUNK = 25_000;

/** What a side needs of an engine (tools/paired-builds.mjs passes other builds' engines). */
export interface FlowEngine {
  apply(command: Command): void;
  stateHash(): string;
}
export type EngineFactory = (onEvent: (e: EngineEvent) => void) => FlowEngine;

export interface Side {
  name: string;
  flow: readonly Command[];
  /** The engine each round starts from (default: this build's exported `Engine`). */
  make?: EngineFactory;
  /** Each round's time: the sum of its chunks. */
  ms: number[];
  /** The time of each paired chunk (CHUNK commands, after the set-up) of each timed round, round after round. */
  chunkMs: number[];
  events: number;
  rejects: number;
  stateHash: string;
}

const exportedEngine: EngineFactory = (onEvent) => new Engine({ onEvent });

/**
 * The deposits a flow opens with (the generator funds every account first): set-up, not load. A
 * side applies them untimed before its first chunk, so chunk k of a margined flow holds the same
 * orders as chunk k of its bare copy (which has none), and its rate counts the orders alone.
 */
export function setupLength(flow: readonly Command[]): number {
  let n = 0;
  while (n < flow.length && (flow[n] as Command).type === "deposit") n++;
  return n;
}

/** The commands of a side that are timed: its flow after the set-up. */
export function timedCommands(side: Side): number {
  return side.flow.length - setupLength(side.flow);
}

/** A side's engine for one round, counting its events. */
class SideRun {
  events = 0;
  rejects = 0;
  readonly engine: FlowEngine;

  constructor(make: EngineFactory) {
    this.engine = make((e) => {
      this.events++;
      if (e.type === "rejected") this.rejects++;
    });
  }
}

/**
 * One round: a fresh engine a side, the sides stepping through their flows in lockstep, CHUNK
 * commands at a time, which goes first rotating by chunk and round. The machine's slow spells
 * (this one's shared caches swing the same build up to 2x) then fall on every side alike.
 */
export function lockstepRound(sides: readonly Side[], round: number, timed: boolean): void {
  const runs = sides.map((side) => new SideRun(side.make ?? exportedEngine));
  const starts = sides.map((side) => setupLength(side.flow));
  sides.forEach((side, at) => {
    const engine = (runs[at] as SideRun).engine;
    for (let i = 0; i < (starts[at] as number); i++) engine.apply(side.flow[i] as Command);
  });
  const lengths = sides.map((side, at) => side.flow.length - (starts[at] as number));
  const n = Math.max(...lengths);
  // Paired chunks: the full ones every side has, the same count every round, so that the k-th
  // entry of each side's chunkMs is the same round's same chunk.
  const paired = Math.floor(Math.min(...lengths) / CHUNK);
  const total = sides.map(() => 0);
  for (let from = 0, k = 0; from < n; from += CHUNK, k++) {
    for (let j = 0; j < sides.length; j++) {
      const at = (j + k + round) % sides.length;
      const side = sides[at] as Side;
      const engine = (runs[at] as SideRun).engine;
      const flow = side.flow;
      const start = starts[at] as number;
      const to = Math.min(flow.length, start + from + CHUNK);
      const started = performance.now();
      for (let i = start + from; i < to; i++) engine.apply(flow[i] as Command);
      const spent = performance.now() - started;
      total[at] = (total[at] as number) + spent;
      if (timed && k < paired) side.chunkMs.push(spent);
    }
  }
  sides.forEach((side, at) => {
    const run = runs[at] as SideRun;
    if (timed) side.ms.push(total[at] as number);
    side.events = run.events;
    side.rejects = run.rejects;
    side.stateHash = run.engine.stateHash();
  });
}

/** The median over the timed full chunks of x's time ÷ y's for the same chunk of the same round. */
export function pairedRatio(x: Side, y: Side): number {
  const ratios: number[] = [];
  const n = Math.min(x.chunkMs.length, y.chunkMs.length);
  for (let i = 0; i < n; i++) ratios.push((x.chunkMs[i] as number) / (y.chunkMs[i] as number));
  return median(ratios);
}

/** The suite's second flow: its orders spread over this many accounts (the first: the generator's 20). */
export const MANY_ACCOUNTS = 10_000;

/** A side before its first round (`make`: its engine, default this build's exported `Engine`). */
export function newSide(name: string, flow: readonly Command[], make?: EngineFactory): Side {
  return { name, flow, ...(make ? { make } : {}), ms: [], chunkMs: [], events: 0, rejects: 0, stateHash: "" };
}

export async function measureMarginedFlow(ctx: BenchContext): Promise<SuiteResult> {
  const n = ctx.flowSize;
  const rounds = ctx.quick ? 3 : 7;
  ctx.log(`margined flow: generating ${formatCount(n)} commands (seed ${FLOW_SEED}, every limit order margined)`);
  const margined = generateFlow({ commands: n, seed: FLOW_SEED, accountPpm: 1_000_000 });
  // With thousands of accounts an account's figures are no longer in cache between its orders:
  // the venue's case, and a flow of its own (its deposits and self-trade draws differ), so a bare side of its own.
  const marginedMany = generateFlow({ commands: n, seed: FLOW_SEED, accountPpm: 1_000_000, accounts: MANY_ACCOUNTS });
  const many = formatCount(MANY_ACCOUNTS);
  // Each margined side with the bare copy of its own flow, its ratios' denominator.
  type Pair = readonly [bare: Side, margined: Side];
  const few: Pair = [
    newSide("bare: no order margined", withoutAccounts(margined)),
    newSide("every limit order margined (20 accounts)", margined),
  ];
  const manyPair: Pair = [
    newSide(`bare: the ${many}-account flow without its accounts`, withoutAccounts(marginedMany)),
    newSide(`every limit order margined (${many} accounts)`, marginedMany),
  ];
  const pairs = [few, manyPair];
  const sides = pairs.flat();
  lockstepRound(sides, 0, false); // JIT
  for (let r = 1; r <= rounds; r++) {
    lockstepRound(sides, r, true);
    ctx.log(`margined flow: round ${r}/${rounds}`);
  }
  const rate = (side: Side): number => (timedCommands(side) * 1000) / median(side.ms);
  const best = (side: Side): number => (timedCommands(side) * 1000) / Math.min(...side.ms);
  const ratio = ([bare, marg]: Pair): number => rate(marg) / rate(bare);
  const paired = ([bare, marg]: Pair): number => pairedRatio(bare, marg);
  const row = (side: Side, ratioText: string, pairedText: string): string[] => [
    side.name,
    formatRate(rate(side)),
    formatRate(best(side)),
    ratioText,
    pairedText,
    String(side.events),
    String(side.rejects),
  ];
  const table: Table = {
    title: `Margined flow in process: ${formatCount(n)} commands, seed ${FLOW_SEED}, ${rounds} rounds in lockstep`,
    head: ["flow", "commands/s (median)", "best", "ratio to bare", "ratio, paired chunks", "events", "rejects"],
    rows: pairs.flatMap((pair) => [
      row(pair[0], "1", "1"),
      row(pair[1], ratio(pair).toFixed(2), paired(pair).toFixed(2)),
    ]),
  };
  return {
    name: "margined",
    title: "Throughput: the flow bare and fully margined",
    tables: [table],
    notes: [
      "All through the exported Engine (margin layer composed in); a bare flow is its margined one without accounts, self-trade modes and deposits. The deposits that open a margined flow are applied untimed before its first chunk and not counted in its rate.",
      "Margined: pre-trade risk on every limit order, open-order aggregates, positions and fees on every fill, a breach check of every account that traded.",
      `The ${many}-account flow is the same generator's with its orders spread over ${many} accounts: each margined order then reaches an account whose figures have left the cache; each margined row's ratio is to the bare row above it.`,
      `Each round: a fresh engine a side, the four in lockstep ${formatCount(CHUNK)} commands at a time, which goes first rotating. The ratio to bare is of the medians of the rounds; paired: the median over every chunk of bare ÷ margined time for the same commands at nearly the same moment (the same build swings up to 2x between moments here).`,
    ],
    data: {
      commands: n,
      seed: FLOW_SEED,
      rounds,
      bare: sideData(few[0]),
      margined: sideData(few[1]),
      ratio: round(ratio(few), 3),
      chunkCommands: CHUNK,
      pairedRatio: round(paired(few), 3),
      manyAccounts: {
        accounts: MANY_ACCOUNTS,
        bare: sideData(manyPair[0]),
        margined: sideData(manyPair[1]),
        ratio: round(ratio(manyPair), 3),
        pairedRatio: round(paired(manyPair), 3),
      },
    },
  };
}

function sideData(side: Side): Record<string, unknown> {
  return {
    commands: side.flow.length,
    timedCommands: timedCommands(side),
    commandsPerSec: Math.round((timedCommands(side) * 1000) / median(side.ms)),
    bestPerSec: Math.round((timedCommands(side) * 1000) / Math.min(...side.ms)),
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
