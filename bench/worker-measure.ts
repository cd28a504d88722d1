/**
 * The engine behind the thread boundary, measured (not a test: figures vary with the machine); run
 * by `softliq bench --suite worker` and by `node dist/bench/worker.bench.js`.
 * 1. throughput of a generated flow through the worker (ring, batched) as a ratio to in process:
 *    one engine in process and one worker, both the exported `Engine` (matching plus the margin
 *    layer: the flow has margined accounts), each fed the same rounds (a warm-up flow, then the timed
 *    flow, each round on symbols and ids of its own), best round of each. Both sides keep their
 *    JIT warmth and their state from round to round, so the worker is not measured cold against
 *    a warm in-process engine (a fresh worker per round read ~1.5-2.5x slow on its first flow);
 * 2. single-command round trip (submit → events) p50/p99 through the ring and through postMessage;
 * 3. the journal's cost per command under each fsync policy, on warm workers fed interleaved rounds.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../exchange.js";
import type { Command } from "../protocol/commands.js";
import { generateFlow } from "../sim/flow-generator.js";
import { EngineClient, type EngineClientOptions } from "../worker/engine-client.js";
import { mainAndBusiest, threadCpuMs } from "./thread-cpu.js";

export interface WorkerBenchArgs {
  commands: number;
  seed: number;
  rounds: number;
  /** Only the throughput part (quick before/after comparisons, profiling). */
  throughputOnly: boolean;
}

/** A flow on an instrument of its own (its ids are moved clear of the timed flow's per round): JIT warm-up. */
function warmupFlow(commands: number, seed: number): Command[] {
  return [{ type: "instrument", symbol: "W" }, ...generateFlow({ commands, seed, symbol: "W", timestamps: false })];
}

function maxIdOf(flow: readonly Command[]): number {
  let max = 0;
  for (const c of flow) if ("id" in c && typeof c.id === "number" && c.id > max) max = c.id;
  return max;
}

/**
 * Round `r`'s copy of a flow: on symbol `symbol` (declared first), ids moved by `idOffset`,
 * timestamps moved past the previous rounds'.
 */
function shifted(flow: readonly Command[], symbol: string, idOffset: number, tsOffset: number): Command[] {
  const out: Command[] = [{ type: "instrument", symbol }];
  for (const c of flow) {
    const copy = { ...c, symbol } as Record<string, unknown>;
    if (typeof copy.id === "number") copy.id += idOffset;
    if (typeof copy.ts === "number") copy.ts += tsOffset;
    out.push(copy as unknown as Command);
  }
  return out;
}

interface Round {
  warm: Command[];
  flow: Command[];
}

/**
 * Ids stay packed (each round's flow, then its warm-up, then the next round): below 2^30 they are
 * small integers to V8 on both sides. Ids above that are heap numbers, which cost the worker's
 * receiving side a heap number per decoded id field and the in-process engine one per order.
 */
function roundsOf(flow: readonly Command[], warm: readonly Command[], n: number): Round[] {
  let maxTs = 0;
  for (const c of flow) if ("ts" in c && typeof c.ts === "number" && c.ts > maxTs) maxTs = c.ts;
  const flowIds = maxIdOf(flow);
  const stride = flowIds + maxIdOf(warm);
  const rounds: Round[] = [];
  for (let r = 0; r < n; r++) {
    rounds.push({
      warm: shifted(warm, `W${r}`, stride * r + flowIds, (maxTs + 1) * r),
      flow: shifted(flow, `R${r}`, stride * r, (maxTs + 1) * r),
    });
  }
  return rounds;
}

/** A flow's timed run: ms and events counted. */
interface Timed {
  ms: number[];
  events: number[];
  /** CPU ms of the main thread and of the busiest other thread (the engine worker) per round. */
  cpu: { main: number; other: number }[];
}

/**
 * Every round on one in-process engine and through one worker (streamed with enqueue/ready),
 * alternating, so a load spike on this shared machine hits both sides alike.
 */
async function rounds(
  list: readonly Round[],
  worker: EngineClientOptions | null,
): Promise<{ local: Timed; ring: Timed; message: Timed | null }> {
  let events = 0;
  const count = (): void => {
    events++;
  };
  const engine = new Engine({ onEvent: count });
  const ringClient = new EngineClient({ onEvent: count });
  const messageClient = worker === null ? null : new EngineClient({ ...worker, onEvent: count });
  await ringClient.start();
  await messageClient?.start();
  const local = newTimed();
  const ring = newTimed();
  const message = newTimed();
  const viaClient = async (client: EngineClient, commands: readonly Command[], out: Timed | null): Promise<void> => {
    events = 0;
    await streamThrough(client, commands, out, () => events);
  };
  for (const { warm, flow } of list) {
    for (let i = 0; i < warm.length; i++) engine.apply(warm[i]);
    events = 0;
    const cpu = threadCpuMs();
    const start = performance.now();
    for (let i = 0; i < flow.length; i++) engine.apply(flow[i]);
    local.ms.push(performance.now() - start);
    local.events.push(events);
    local.cpu.push(mainAndBusiest(cpu, threadCpuMs()));
    await viaClient(ringClient, warm, null);
    await viaClient(ringClient, flow, ring);
    if (messageClient !== null) {
      await viaClient(messageClient, warm, null);
      await viaClient(messageClient, flow, message);
    }
  }
  // Same commands, same engine: the in-process and worker states must agree.
  for (const client of messageClient === null ? [ringClient] : [ringClient, messageClient]) {
    const summary = await client.snapshot();
    if (summary.stateHash !== engine.stateHash()) throw new Error("worker and in-process states differ");
  }
  await ringClient.close();
  await messageClient?.close();
  return { local, ring, message: messageClient === null ? null : message };
}

/** Streams `commands` through `client` (enqueue, wait when the ring is full), timed into `out`. */
async function streamThrough(
  client: EngineClient,
  commands: readonly Command[],
  out: Timed | null,
  eventsSeen: () => number,
): Promise<void> {
  const cpu = threadCpuMs();
  const start = performance.now();
  for (let i = 0; i < commands.length; i++) if (!client.enqueue(commands[i])) await client.ready();
  await client.drain();
  out?.ms.push(performance.now() - start);
  out?.events.push(eventsSeen());
  out?.cpu.push(mainAndBusiest(cpu, threadCpuMs()));
}

/**
 * The journal's cost under each fsync policy: one warm worker per policy and one without a
 * journal, all fed the same rounds in turn (so a load spike hits them alike), best round each.
 * A fresh worker per measurement read noisier than the cost itself (some runs came out negative).
 */
async function journalCosts(
  list: readonly Round[],
  policies: readonly string[],
): Promise<{ baseMs: number; byPolicy: Record<string, number> }> {
  let events = 0;
  const onEvent = (): void => {
    events++;
  };
  const dirs: string[] = [];
  const sides = [{ name: "none", client: new EngineClient({ onEvent }), timed: newTimed() }];
  for (const fsync of policies) {
    const dir = mkdtempSync(join(tmpdir(), "softliq-bench-journal-"));
    dirs.push(dir);
    const client = new EngineClient({ onEvent, journal: { dir, fsync, snapshotEvery: 0 } });
    sides.push({ name: fsync, client, timed: newTimed() });
  }
  try {
    for (const side of sides) await side.client.start();
    for (const { warm, flow } of list) {
      for (const side of sides) {
        await streamThrough(side.client, warm, null, () => events);
        events = 0;
        await streamThrough(side.client, flow, side.timed, () => events);
      }
    }
    for (const side of sides) await side.client.close();
  } finally {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
  const byPolicy: Record<string, number> = {};
  for (const side of sides) byPolicy[side.name] = Math.min(...side.timed.ms);
  return { baseMs: byPolicy.none as number, byPolicy };
}

function newTimed(): Timed {
  return { ms: [], events: [], cpu: [] };
}

function sameCounts(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

async function roundTrips(transport: "ring" | "message", n: number, seed: number): Promise<RoundTrip> {
  const flow = generateFlow({ commands: n + 2_000, seed });
  const client = new EngineClient({ transport });
  await client.start();
  for (const c of flow.slice(0, 2_000)) await client.submit(c); // warm-up
  const us: number[] = [];
  for (const c of flow.slice(2_000)) {
    const t = process.hrtime.bigint();
    await client.submit(c);
    us.push(Number(process.hrtime.bigint() - t) / 1000);
  }
  await client.close();
  us.sort((a, b) => a - b);
  return { p50: percentile(us, 50), p99: percentile(us, 99) };
}

export interface WorkerBenchResult {
  commands: number;
  rounds: number;
  throughput: {
    inProcessPerSec: number;
    ringPerSec: number;
    messagePerSec: number | null;
    ringRatio: number;
    messageRatio: number | null;
  };
  /** CPU ms per thread in the least disturbed round. */
  threadCpuMs: { inProcess: number; ringMain: number; ringWorker: number; ratioByBusiestThread: number } | null;
  roundTripUs: { ring: RoundTrip; message: RoundTrip } | null;
  journal: Record<string, { perSec: number; costNsPerCommand: number }> | null;
  /** Submit → events of one command at a time with fsync per batch (each command its own batch). */
  journalSingleUs: RoundTrip | null;
}

export interface RoundTrip {
  p50: number;
  p99: number;
}

/** Runs the worker benchmark; `log` gets the progress lines (the standalone script prints them). */
export async function measureWorker(args: WorkerBenchArgs, log: (line: string) => void): Promise<WorkerBenchResult> {
  const flow = generateFlow({ commands: args.commands, seed: args.seed });
  const warm = warmupFlow(Math.min(args.commands, 100_000), args.seed + 1);
  log(`flow: ${args.commands} commands (seed ${args.seed}), warm-up ${warm.length}`);

  const measured = await rounds(
    roundsOf(flow, warm, args.rounds),
    args.throughputOnly ? null : { transport: "message" },
  );
  const local = measured.local;
  const ringRounds = measured.ring;
  const messageRounds = measured.message ?? ringRounds;
  if (!sameCounts(ringRounds.events, local.events) || !sameCounts(messageRounds.events, local.events)) {
    throw new Error("event counts differ");
  }
  const fastest = (ms: readonly number[]): number => Math.min(...ms);
  const localMs = fastest(local.ms);
  const ringMs = fastest(ringRounds.ms);
  const messageMs = fastest(messageRounds.ms);
  const rate = (ms: number): number => Math.round((args.commands * 1000) / ms);
  const withMessage = measured.message !== null;
  const throughput = {
    inProcessPerSec: rate(localMs),
    ringPerSec: rate(ringMs),
    messagePerSec: withMessage ? rate(messageMs) : null,
    ringRatio: Math.round((localMs / ringMs) * 1000) / 1000,
    messageRatio: withMessage ? Math.round((localMs / messageMs) * 1000) / 1000 : null,
  };
  const each = (ms: readonly number[]): string => ms.map((m) => rate(m)).join(" ");
  log(`throughput (commands/s, events counted by a listener; best of ${args.rounds} rounds):`);
  log(`  in process         ${throughput.inProcessPerSec}   (rounds: ${each(local.ms)})`);
  log(
    `  worker, ring       ${throughput.ringPerSec}   ratio ${throughput.ringRatio}   (rounds: ${each(ringRounds.ms)})`,
  );
  // CPU time per thread, least disturbed round: what an idle two-core machine would see.
  const cpuOf = (t: Timed): { main: number; other: number } =>
    t.cpu.reduce((a, b) => (Math.max(b.main, b.other) < Math.max(a.main, a.other) ? b : a));
  const lc = cpuOf(local);
  const rc = cpuOf(ringRounds);
  const cpuRatio = Math.round((lc.main / Math.max(rc.main, rc.other)) * 1000) / 1000;
  const threadCpu =
    lc.main > 0
      ? { inProcess: lc.main, ringMain: rc.main, ringWorker: rc.other, ratioByBusiestThread: cpuRatio }
      : null;
  if (lc.main > 0) {
    log(
      `  thread CPU ms (least round): in process ${lc.main.toFixed(0)}; ring: main ${rc.main.toFixed(0)}, worker ${rc.other.toFixed(0)}; ratio by busiest thread ${cpuRatio}`,
    );
  }
  const result: WorkerBenchResult = {
    commands: args.commands,
    rounds: args.rounds,
    throughput,
    threadCpuMs: threadCpu,
    roundTripUs: null,
    journal: null,
    journalSingleUs: null,
  };
  if (args.throughputOnly) return result;
  log(
    `  worker, message    ${throughput.messagePerSec}   ratio ${throughput.messageRatio}   (rounds: ${each(messageRounds.ms)})`,
  );

  const ringRt = await roundTrips("ring", 5_000, args.seed + 2);
  const messageRt = await roundTrips("message", 5_000, args.seed + 2);
  log("single-command round trip, submit → events (µs):");
  log(`  ring       p50 ${ringRt.p50.toFixed(1)}   p99 ${ringRt.p99.toFixed(1)}`);
  log(`  message    p50 ${messageRt.p50.toFixed(1)}   p99 ${messageRt.p99.toFixed(1)}`);

  const journalFlow = flow.slice(0, Math.min(flow.length, 100_000));
  const policies = ["off", "10ms", "batch"];
  const costs = await journalCosts(roundsOf(journalFlow, warm.slice(0, 20_000), args.rounds), policies);
  const journal: Record<string, { perSec: number; costNsPerCommand: number }> = {};
  const perSec = (ms: number): number => Math.round((journalFlow.length * 1000) / ms);
  log(
    `journal cost (warm workers, streamed batches, ${journalFlow.length} commands, best of ${args.rounds} rounds; no journal: ${perSec(costs.baseMs)}/s):`,
  );
  for (const fsync of policies) {
    const ms = costs.byPolicy[fsync] as number;
    const cost = Math.round(((ms - costs.baseMs) * 1e6) / journalFlow.length);
    journal[fsync] = { perSec: perSec(ms), costNsPerCommand: cost };
    log(`  fsync ${fsync.padEnd(6)} ${journal[fsync].perSec}/s   +${cost} ns/command`);
  }
  const dir = mkdtempSync(join(tmpdir(), "softliq-bench-journal-"));
  try {
    const client = new EngineClient({ journal: { dir, fsync: "batch", snapshotEvery: 0 } });
    await client.start();
    const us: number[] = [];
    for (const c of generateFlow({ commands: 500, seed: args.seed + 3 })) {
      const t = process.hrtime.bigint();
      await client.submit(c);
      us.push(Number(process.hrtime.bigint() - t) / 1000);
    }
    await client.close();
    us.sort((a, b) => a - b);
    result.journalSingleUs = { p50: percentile(us, 50), p99: percentile(us, 99) };
    log(
      `  fsync batch, one command a batch: round trip p50 ${percentile(us, 50).toFixed(0)} µs, p99 ${percentile(us, 99).toFixed(0)} µs`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  result.roundTripUs = { ring: ringRt, message: messageRt };
  result.journal = journal;
  return result;
}
