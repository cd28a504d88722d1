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

/**
 * Iterations of `spin` per ns, measured on calls as short as the waits' last steps (call overhead
 * included) after the loop is optimized; the median of 21 rounds, not the fastest, so a blind
 * spin errs neither way on average.
 */
function calibrateSpin(): number {
  for (let r = 0; r < 20_000; r++) spin(200); // let the JIT optimize spin() as it will run
  const rates: number[] = [];
  for (let r = 0; r < 21; r++) {
    const start = nowNs();
    for (let k = 0; k < 3000; k++) spin(300);
    rates.push((3000 * 300) / Math.max(nowNs() - start, 1));
  }
  rates.sort((a, b) => a - b);
  return rates[10] as number;
}

/**
 * Returns the clock (ns) once it has reached `targetNs`; `nowNsHint` is the clock as the caller
 * last read it. A long gap is spun half blind, then looked at again; a short one (under 400 ns) is
 * spun to its end blind: two or three clock reads a wait, each a 16 B heap number on Node 20, and
 * the overshoot is bounded by the calibration error of the last, short step (~10%: tens of ns).
 */
export function spinUntil(targetNs: number, nowNsHint = nowNs()): number {
  if (spinsPerNs === 0) spinsPerNs = calibrateSpin();
  let t = nowNsHint;
  while (t < targetNs) {
    const gap = targetNs - t;
    spin(Math.floor((gap > 400 ? gap * 0.5 : gap) * spinsPerNs));
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
