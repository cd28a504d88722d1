import { readdirSync, readFileSync } from "node:fs";

/**
 * CPU time (ms) each thread of this process has run, from /proc (Linux; empty elsewhere). On a
 * shared machine wall time mixes in other processes' load; a thread's own CPU time does not.
 */
export function threadCpuMs(): Map<number, number> {
  const out = new Map<number, number>();
  let tasks: string[];
  try {
    tasks = readdirSync("/proc/self/task");
  } catch {
    return out;
  }
  for (const t of tasks) {
    try {
      // schedstat: ns on CPU, ns waiting on a run queue, timeslices.
      const ns = Number(readFileSync(`/proc/self/task/${t}/schedstat`, "utf8").split(" ")[0]);
      out.set(Number(t), ns / 1e6);
    } catch {
      // the thread ended meanwhile
    }
  }
  return out;
}

/** The CPU ms of the process's main thread and of its busiest other thread between two readings. */
export function mainAndBusiest(
  before: Map<number, number>,
  after: Map<number, number>,
): { main: number; other: number } {
  let main = 0;
  let other = 0;
  for (const [tid, ms] of after) {
    const d = ms - (before.get(tid) ?? 0);
    if (tid === process.pid) main = d;
    else if (d > other) other = d;
  }
  return { main, other };
}
