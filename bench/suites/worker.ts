/**
 * The engine in a worker thread: throughput through the shared-memory rings and through the
 * postMessage fallback as ratios to in process, single-command round trips, and the journal's
 * cost per fsync policy (bench/worker-measure.ts does the measuring).
 */
import type { BenchContext, Suite } from "../context.js";
import { formatCount, formatNs, formatRate, round, type SuiteResult, type Table } from "../report.js";
import { measureWorker, type RoundTrip } from "../worker-measure.js";

const us = (rt: RoundTrip): string[] => [formatNs(rt.p50 * 1000), formatNs(rt.p99 * 1000)];

export async function measureWorkerSuite(ctx: BenchContext): Promise<SuiteResult> {
  const commands = ctx.quick ? 50_000 : 200_000;
  const rounds = ctx.quick ? 2 : 8;
  const r = await measureWorker({ commands, seed: 1, rounds, throughputOnly: false }, (line) =>
    ctx.log(`worker: ${line.trim()}`),
  );
  const t = r.throughput;
  const throughput: Table = {
    title: `Through a worker thread: ${formatCount(commands)} generated commands, best of ${rounds} interleaved rounds`,
    head: ["path", "commands/s", "ratio to in process"],
    rows: [
      ["in process (same engine, listener counts events)", formatRate(t.inProcessPerSec), "1"],
      ["worker, SharedArrayBuffer rings, batched", formatRate(t.ringPerSec), t.ringRatio.toFixed(2)],
      [
        "worker, postMessage fallback, batched",
        formatRate(t.messagePerSec ?? 0),
        t.messageRatio === null ? "–" : t.messageRatio.toFixed(2),
      ],
    ],
  };
  const tables = [throughput];
  if (r.roundTripUs !== null) {
    const rows = [
      ["ring", ...us(r.roundTripUs.ring)],
      ["postMessage", ...us(r.roundTripUs.message)],
    ];
    if (r.journalSingleUs !== null) rows.push(["ring, journal fsync per batch", ...us(r.journalSingleUs)]);
    tables.push({ title: "One command at a time: submit → its events", head: ["path", "p50", "p99"], rows });
  }
  if (r.journal !== null) {
    tables.push({
      title: `The journal's cost, streamed batches (${formatCount(Math.min(commands, 100_000))} commands), warm workers`,
      head: ["fsync policy", "commands/s", "cost per command"],
      rows: Object.entries(r.journal).map(([policy, j]) => [
        policy,
        formatRate(j.perSec),
        formatNs(j.costNsPerCommand),
      ]),
    });
  }
  const cpu = r.threadCpuMs;
  return {
    name: "worker",
    title: "The engine in a worker thread",
    tables,
    notes: [
      "Both sides run the margin-composed engine on the same rounds (a warm-up flow, then the timed flow, each round on symbols and ids of its own), alternating, so a load spike hits both alike.",
      cpu === null
        ? "Thread CPU times are unavailable on this platform."
        : `Thread CPU ms in the least disturbed round: in process ${round(cpu.inProcess)}; through the ring, main ${round(cpu.ringMain)} and worker ${round(cpu.ringWorker)} (ratio by the busiest thread ${cpu.ratioByBusiestThread}).`,
      "Journal cost = the same streamed rounds with a journal minus without, on workers that stay warm.",
    ],
    data: { ...r },
  };
}

export const workerSuite: Suite = {
  name: "worker",
  title: "The engine in a worker thread",
  inDefault: true,
  run: measureWorkerSuite,
};
