/**
 * Per-command latency on the mixed flow, closed-loop and open-loop.
 *
 * Closed loop: commands back to back; a command's latency is the time from the previous command's
 * completion to its own (one clock read per command, so loop and timer costs are included).
 *
 * Open loop: arrivals are scheduled on a clock of their own, command i at start + i / rate, never
 * waiting for the engine. The loop spins until a command's arrival time if the engine is ahead,
 * starts it at once if the engine is behind, and measures its latency from the *scheduled* arrival
 * to completion: service time plus the time it queued behind earlier commands. A stall therefore
 * shows in every command that arrived during it (no coordinated omission).
 */
import { Engine } from "../../engine/engine.js";
import type { Command } from "../../protocol/commands.js";
import { fullGc, nowNs, spinUntil, timerOverheadNs } from "../clock.js";
import type { BenchContext, Suite } from "../context.js";
import { EXCHANGE_CORE_LATENCY, EXCHANGE_CORE_SOURCE } from "../exchange-core-latency.js";
import { CATEGORY_NAMES, categoriesOf, FLOW_SEED, mixedFlow } from "../flows.js";
import { LatencySamples, PERCENTILE_HEAD, type Percentiles, percentileCells } from "../latency-samples.js";
import { formatCount, formatNs, formatRate, round, type SuiteResult, type Table } from "../report.js";

export const OFFERED_RATES = [125_000, 250_000, 500_000, 1_000_000, 2_000_000] as const;

/** Applies flow[0, from) untimed: the book the measured commands meet. */
function engineAt(flow: readonly Command[], from: number): Engine {
  const engine = new Engine({ onEvent: () => {} });
  for (let i = 0; i < from; i++) engine.apply(flow[i]);
  return engine;
}

export function closedLoop(engine: Engine, flow: readonly Command[], categories: Uint8Array): LatencySamples {
  const n = flow.length;
  const samples = new LatencySamples(n);
  const ns = samples.ns;
  let prev = nowNs();
  for (let i = 0; i < n; i++) {
    engine.apply(flow[i]);
    const t = nowNs();
    ns[i] = t - prev;
    prev = t;
  }
  samples.category.set(categories);
  samples.count = n;
  return samples;
}

interface OpenLoopRun {
  samples: LatencySamples;
  /** Commands completed per second of wall time. */
  achieved: number;
  /** How far behind schedule the last command finished (ns). */
  finalLagNs: number;
}

/**
 * Commands per call of the timed loop. Small calls get the loop optimized by call count, in the
 * background, and keep it optimized: one long loop was compiled by on-stack replacement on the
 * main thread, deoptimized at its exit, and ran unoptimized (boxing every double) at the next
 * rate's start — stalls and scavenges that were then read as the engine's latency.
 */
const OPEN_LOOP_CHUNK = 1024;

/**
 * Applies flow[from + k] for k in [k0, k1), each no earlier than start + k·interval (ns), and
 * records its completion minus that arrival time in `ns[k]`. `t` is the clock now; returns the
 * clock after the last command. Only the clock reads allocate (a heap number each).
 */
function openLoopChunk(
  engine: CommandSink,
  flow: readonly Command[],
  from: number,
  k0: number,
  k1: number,
  start: number,
  interval: number,
  ns: Float64Array,
  t: number,
): number {
  let now = t;
  for (let k = k0; k < k1; k++) {
    const scheduled = start + k * interval;
    if (now < scheduled) now = spinUntil(scheduled, now);
    engine.apply(flow[from + k]);
    now = nowNs();
    ns[k] = now - scheduled;
  }
  return now;
}

/** What the open loop drives: the engine, or the Map floor (the machine's own jitter, measured). */
export interface CommandSink {
  apply(command: Command): void;
}

export function openLoop(
  engine: CommandSink,
  flow: readonly Command[],
  categories: Uint8Array,
  from: number,
  count: number,
  rate: number,
): OpenLoopRun {
  const samples = new LatencySamples(count);
  const ns = samples.ns;
  const interval = 1e9 / rate;
  const start = nowNs() + 10_000;
  let t = nowNs();
  for (let k = 0; k < count; k += OPEN_LOOP_CHUNK) {
    t = openLoopChunk(engine, flow, from, k, Math.min(count, k + OPEN_LOOP_CHUNK), start, interval, ns, t);
  }
  samples.category.set(categories.subarray(from, from + count));
  samples.count = count;
  const last = start + (count - 1) * interval;
  return { samples, achieved: (count * 1e9) / (t - start), finalLagNs: t - last };
}

/** A command that costs nothing: what the open loop measures when there is no engine at all. */
class NoOpSink implements CommandSink {
  applied = 0;

  apply(): void {
    this.applied++;
  }
}

/**
 * A command that takes a fixed time and allocates nothing: an engine that is all service time,
 * with no tail of its own (no allocation, no deoptimization, no data-dependent work). Driven by
 * the same open loop at the engine's mean service time, its tail is what queueing behind this
 * machine's own stalls alone makes of that utilization.
 */
class ConstantSink implements CommandSink {
  state = 1;

  constructor(private readonly iterations: number) {}

  apply(): void {
    let x = this.state;
    for (let i = 0; i < this.iterations; i++) x = (Math.imul(x, 1_103_515_245) + 12_345) | 0;
    this.state = x;
  }
}

/** Iterations of ConstantSink's loop that take about `ns` here (the least of five timings). */
function constantIterationsFor(ns: number): number {
  const probe = new ConstantSink(10_000);
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 5; round++) {
    const t0 = nowNs();
    for (let i = 0; i < 200; i++) probe.apply();
    best = Math.min(best, (nowNs() - t0) / 2_000_000);
  }
  return Math.max(1, Math.round(ns / best));
}

/**
 * The same open loop driving a no-op: what this machine's clock, scheduler and hypervisor alone do
 * to the arrivals. No engine's tail can be below it.
 */
function floorOpenLoop(
  flow: readonly Command[],
  categories: Uint8Array,
  from: number,
  count: number,
  rate: number,
): Percentiles {
  return openLoop(new NoOpSink(), flow, categories, from, count, rate).samples.summarize().all as Percentiles;
}

/**
 * Collects the garbage of earlier runs (the books built for them) before a measured run, so old
 * space is not marked incrementally inside it (steps of up to 12 ms were seen), then warms the
 * loop again in case the collection dropped optimized code.
 */
function settleHeap(flow: readonly Command[], categories: Uint8Array, constant: ConstantSink | null = null): void {
  fullGc();
  warmOpenLoop(flow, categories, constant);
}

/** Runs the open loop briefly on a scratch book, so the measured runs start with optimized code. */
function warmOpenLoop(flow: readonly Command[], categories: Uint8Array, constant: ConstantSink | null = null): void {
  const count = Math.min(flow.length, 100_000);
  openLoop(new Engine({ onEvent: () => {} }), flow, categories, 0, count, 1_000_000);
  openLoop(new NoOpSink(), flow, categories, 0, count, 1_000_000);
  if (constant !== null) openLoop(constant, flow, categories, 0, count, 1_000_000);
}

function roundPercentiles(p: Percentiles): Record<string, number> {
  return {
    count: p.count,
    mean: round(p.mean),
    p50: p.p50,
    p90: p.p90,
    p99: p.p99,
    p999: p.p999,
    p9999: p.p9999,
    max: p.max,
  };
}

function roundAll(summary: Record<string, Percentiles>): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const [name, p] of Object.entries(summary)) out[name] = roundPercentiles(p);
  return out;
}

export async function measureLatency(ctx: BenchContext): Promise<SuiteResult> {
  const flow = mixedFlow(ctx.flowSize);
  const categories = categoriesOf(flow);
  const overhead = timerOverheadNs();
  ctx.log(`latency: warm-up, then closed loop over ${formatCount(flow.length)} commands`);
  engineAt(flow, flow.length); // JIT warm-up on the same flow
  const closed = closedLoop(new Engine({ onEvent: () => {} }), flow, categories).summarize();

  const closedTable: Table = {
    title: `Closed loop, ${formatCount(flow.length)} mixed commands (seed ${FLOW_SEED}), per command type`,
    head: ["command", "count", "mean", ...PERCENTILE_HEAD],
    rows: Object.entries(closed).map(([name, p]) => [
      name,
      String(p.count),
      formatNs(p.mean),
      ...percentileCells(p, formatNs),
    ]),
  };

  // Each rate runs for about this long: the tail of the flow, after its head built the book.
  const seconds = ctx.quick ? 0.25 : 1.5;
  // The engine's mean service time: the closed loop's mean less the clock read inside it.
  const serviceNs = Math.max(1, (closed.all as Percentiles).mean - overhead);
  const constant = new ConstantSink(constantIterationsFor(serviceNs));
  warmOpenLoop(flow, categories, constant);
  const open: Record<string, unknown>[] = [];
  const openRows: string[][] = [];
  const perTypeRows: string[][] = [];
  for (const rate of OFFERED_RATES) {
    // At most the flow's second half: the first builds the book, so every rate meets a book in
    // steady state (from an empty one the order map's rehashes as it grows read as stalls).
    const count = Math.min(flow.length >> 1, Math.round(rate * seconds));
    const from = flow.length - count;
    ctx.log(`latency: open loop at ${formatRate(rate)} offered, ${formatCount(count)} commands`);
    const engine = engineAt(flow, from);
    settleHeap(flow, categories);
    const run = openLoop(engine, flow, categories, from, count, rate);
    const summary = run.samples.summarize();
    const all = summary.all as Percentiles;
    const saturated = run.achieved < rate * 0.95;
    open.push({
      offered: rate,
      commands: count,
      achieved: Math.round(run.achieved),
      saturated,
      finalLagNs: Math.round(run.finalLagNs),
      latencyNs: roundAll(summary),
    });
    settleHeap(flow, categories);
    const floor = floorOpenLoop(flow, categories, from, count, rate);
    open.push({ offered: rate, engine: "floor: no-op command", latencyNs: roundPercentiles(floor) });
    openRows.push([formatRate(rate), `softliq${saturated ? " (saturated)" : ""}`, ...percentileCells(all, formatNs)]);
    openRows.push(["", "floor: no-op command, same loop", ...percentileCells(floor, formatNs)]);
    settleHeap(flow, categories, constant);
    const fixed = openLoop(constant, flow, categories, from, count, rate).samples.summarize().all as Percentiles;
    open.push({
      offered: rate,
      engine: "constant service time",
      serviceNs: round(serviceNs),
      latencyNs: roundPercentiles(fixed),
    });
    openRows.push([
      "",
      `constant ${formatNs(serviceNs)} a command, allocating nothing`,
      ...percentileCells(fixed, formatNs),
    ]);
    const theirs = EXCHANGE_CORE_LATENCY.find((r) => r.rate === rate);
    if (theirs !== undefined) {
      openRows.push([
        "",
        "exchange-core (published)",
        ...[theirs.p50, theirs.p90, theirs.p99, theirs.p999, theirs.p9999, theirs.max].map(formatNs),
      ]);
    }
    perTypeRows.push([
      formatRate(rate),
      formatRate(run.achieved),
      ...CATEGORY_NAMES.slice(0, 5).map((name) => {
        const p = summary[name];
        return p === undefined ? "–" : `${formatNs(p.p99)} / ${formatNs(p.p999)}`;
      }),
    ]);
  }

  const openTable: Table = {
    title: "Open loop (latency from scheduled arrival: service + queueing), all commands, beside exchange-core",
    head: ["offered", "engine", ...PERCENTILE_HEAD],
    rows: openRows,
  };
  const perTypeTable: Table = {
    title: "Open loop per command type: p99 / p99.9",
    head: ["offered", "achieved", ...CATEGORY_NAMES.slice(0, 5)],
    rows: perTypeRows,
  };
  return {
    name: "latency",
    title: "Latency: per command, closed loop and open loop",
    tables: [closedTable, openTable, perTypeTable],
    notes: [
      `Clock: performance.now(); one read costs ~${overhead.toFixed(0)} ns here and is inside every figure.`,
      `Open loop: each rate runs the last ~${seconds} s worth of the flow (at most its second half) on a book built by the flow's head; arrivals at a constant interval.`,
      `"constant … a command": the same loop driving a command that spins for the engine's closed-loop mean service time (${formatNs(serviceNs)}) and allocates nothing: the tail queueing alone makes of the engine's utilization on this machine.`,
      `exchange-core figures: ${EXCHANGE_CORE_SOURCE}. A different machine, language and mix: context, not a like-for-like race.`,
    ],
    data: {
      commands: flow.length,
      seed: FLOW_SEED,
      timerOverheadNs: round(overhead),
      closedLoopNs: roundAll(closed),
      openLoop: open,
      exchangeCore: { source: EXCHANGE_CORE_SOURCE, latencyNs: EXCHANGE_CORE_LATENCY },
    },
  };
}

export const latencySuite: Suite = {
  name: "latency",
  title: "Latency: per command, closed loop and open loop",
  inDefault: true,
  run: measureLatency,
};
