/**
 * The collections inside the open loop: `node dist/bench/open-loop-gc.bench.js [--runs N]`. At each
 * rate, one warmed open-loop run of the latency suite's flow (the last ~1.5 s worth of commands,
 * at most its second half) for the engine and for the no-op floor, with the garbage collections
 * counted by a PerformanceObserver: how many, how long, beside the run's p99. What bench/README.md
 * ("Constant service time") reads the tail's flips from.
 */
import { type PerformanceEntry, PerformanceObserver } from "node:perf_hooks";
import { Engine } from "../engine/engine.js";
import type { Command } from "../protocol/commands.js";
import { categoriesOf, mixedFlow } from "./flows.js";
import { type CommandSink, openLoop } from "./suites/latency.js";

const RATES = [125_000, 500_000, 1_000_000];
const runsAt = process.argv.indexOf("--runs");
const runs = runsAt >= 0 ? Number(process.argv[runsAt + 1]) : 2;

const flow = mixedFlow(1_000_000);
const categories = categoriesOf(flow);
let collections: PerformanceEntry[] = [];
const observer = new PerformanceObserver((list) => {
  for (const e of list.getEntries()) collections.push(e);
});
observer.observe({ entryTypes: ["gc"] });

function engineAt(from: number): Engine {
  const engine = new Engine({ onEvent: () => {} });
  for (let i = 0; i < from; i++) engine.apply(flow[i] as Command);
  return engine;
}

const settle = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 50));

for (let run = 1; run <= runs; run++) {
  for (const rate of RATES) {
    const count = Math.min(flow.length >> 1, Math.round(rate * 1.5));
    const from = flow.length - count;
    const sinks: [string, () => CommandSink][] = [
      ["softliq", () => engineAt(from)],
      ["no-op", () => ({ apply() {} })],
    ];
    for (const [name, make] of sinks) {
      openLoop(make(), flow, categories, from, Math.min(count, 100_000), 1_000_000); // warm
      const sink = make();
      await settle();
      collections = [];
      const p = openLoop(sink, flow, categories, from, count, rate).samples.summarize().all;
      await settle(); // the observer reports asynchronously
      const total = collections.reduce((sum, e) => sum + e.duration, 0);
      const longest = collections.reduce((most, e) => Math.max(most, e.duration), 0);
      console.log(
        `run ${run} ${rate / 1000}k/s ${name}: p99 ${((p?.p99 ?? 0) / 1000).toFixed(1)} µs, ${collections.length} collections, ${total.toFixed(1)} ms in all, longest ${longest.toFixed(2)} ms, over ${count} commands`,
      );
    }
  }
}
observer.disconnect();
