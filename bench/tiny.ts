/**
 * A thin layer over tinybench: run tasks, read back the per-iteration time (ms) as median, best
 * and mean. Hooks (beforeEach/afterEach) run outside the timed window, which is how the primitive
 * suites keep each iteration's book the same size.
 */
import { Bench, type FnOptions } from "tinybench";

export interface TinyTask {
  name: string;
  fn: () => void;
  options?: FnOptions;
}

export interface TinyResult {
  name: string;
  iterations: number;
  meanMs: number;
  medianMs: number;
  minMs: number;
  p99Ms: number;
  rme: number;
}

export interface TinyOptions {
  /** Time budget per task (ms); 0 with `iterations` for a fixed count. */
  time: number;
  iterations: number;
  warmupIterations: number;
}

export async function runTiny(tasks: readonly TinyTask[], options: TinyOptions): Promise<TinyResult[]> {
  const bench = new Bench({
    time: options.time,
    iterations: options.iterations,
    warmup: options.warmupIterations > 0,
    warmupIterations: options.warmupIterations,
    warmupTime: 0,
  });
  // async: false skips tinybench's detection call, which would run fn once outside the hooks.
  for (const task of tasks) bench.add(task.name, task.fn, { ...task.options, async: false });
  await bench.run();
  return bench.tasks.map((task) => {
    const r = task.result;
    if (r.state === "errored") throw r.error;
    if (r.state !== "completed") throw new Error(`tinybench task ${task.name} did not complete (${r.state})`);
    return {
      name: task.name,
      iterations: r.latency.samplesCount,
      meanMs: r.latency.mean,
      medianMs: r.latency.p50,
      minMs: r.latency.min,
      p99Ms: r.latency.p99,
      rme: r.latency.rme,
    };
  });
}
