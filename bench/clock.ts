import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";

/**
 * Monotonic time in ns, as a double. Node's performance.now() is hrtime-based (sub-µs resolution)
 * and, unlike process.hrtime.bigint(), allocates nothing.
 */
export function nowNs(): number {
  return performance.now() * 1e6;
}

/** The median cost of one nowNs() call on this machine, in ns: the floor under every latency. */
export function timerOverheadNs(): number {
  const rounds = 21;
  const calls = 100_000;
  const costs: number[] = [];
  let sink = 0;
  for (let r = 0; r < rounds; r++) {
    const start = nowNs();
    for (let i = 0; i < calls; i++) sink += nowNs();
    costs.push((nowNs() - start) / calls);
  }
  if (sink === 42) costs.push(0); // keeps the loop alive
  costs.sort((a, b) => a - b);
  return costs[rounds >> 1] as number;
}

/**
 * performance.now() allocates a heap number per call on Node 20: a loop spinning on it until an
 * arrival time allocated ~300 MB/s, and the scavenges that caused were then measured as the
 * engine's latency tails. spinUntil waits in calibrated empty loops instead and reads the clock
 * only a few times per wait.
 */
let spinsPerNs = 0;
let spinSink = 0;

function spin(iterations: number): void {
  let x = spinSink;
  for (let i = 0; i < iterations; i++) x = (x + i) | 0;
  spinSink = x;
}

/** Iterations of `spin` per ns, measured on short spins after the loop is optimized. */
function calibrateSpin(): number {
  for (let r = 0; r < 20_000; r++) spin(200); // let the JIT optimize spin() as it will run
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r < 20; r++) {
    const start = nowNs();
    for (let k = 0; k < 1000; k++) spin(1000);
    best = Math.min(best, nowNs() - start);
  }
  return 1_000_000 / Math.max(best, 1);
}

/**
 * Returns the clock (ns) once it has reached `targetNs`; `nowNsHint` is the clock as the caller
 * last read it. Spins half the remaining gap blind, then looks again: a handful of clock reads per
 * wait, and the overshoot is bounded by the calibration error of the last, short step.
 */
export function spinUntil(targetNs: number, nowNsHint = nowNs()): number {
  if (spinsPerNs === 0) spinsPerNs = calibrateSpin();
  let t = nowNsHint;
  while (t < targetNs) {
    const gap = targetNs - t;
    if (gap > 200) spin(Math.floor(gap * 0.5 * spinsPerNs));
    t = nowNs();
  }
  return t;
}

let collect: (() => void) | null = null;

/** A full garbage collection now, without needing node --expose-gc on the command line. */
export function fullGc(): void {
  if (collect === null) {
    setFlagsFromString("--expose-gc");
    collect = runInNewContext("gc") as () => void;
  }
  collect();
}
