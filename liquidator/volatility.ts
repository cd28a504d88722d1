/**
 * The pre-emptive stage's volatility: an exponentially weighted moving average of the variance of
 * oracle returns, per unit of time, in integers. At each oracle update whose `ts` is later than
 * the last one folded, the return since then, r = (p − p₀) / p₀ in ppm, gives a sample of
 * r² / Δt (ppm² per second), weighed in with w = 2^(−Δt / halfLife):
 *   variance ← w × variance + (1 − w) × r² / Δt.
 * Updates at the same `ts` fold together (their combined return is the next sample), so a flow
 * without times estimates nothing: the stage needs `ts`. The σ over a horizon h is
 * √(variance × h), and the adverse move the stage guards against is `sigmas` × σ (ppm of the
 * oracle). 2^(−x) is a table of 64ths interpolated linearly: deterministic, within 0.01%.
 */
import { PPM } from "../protocol/units.js";

const NS_PER_SECOND = 1_000_000_000n;

/** 2^(−k/64) in ppm, k = 0…64. */
const HALVING = Array.from({ length: 65 }, (_, k) => Math.round(PPM * 2 ** (-k / 64)));

/** 2^(−dt / halfLife) in ppm, in integers (dt, halfLife > 0). */
export function decayPpm(dt: number, halfLife: number): number {
  const halvings = Math.floor(dt / halfLife);
  if (halvings >= 40) return 0;
  const rest = dt - halvings * halfLife; // [0, halfLife)
  const at = Math.floor((rest * 64) / halfLife);
  const lo = HALVING[at] as number;
  const hi = HALVING[at + 1] as number;
  const within = rest * 64 - at * halfLife; // [0, halfLife)
  const fraction = lo - Math.floor(((lo - hi) * within) / halfLife);
  return Math.floor(fraction / 2 ** halvings);
}

/** ⌊√n⌋ of a non-negative BigInt. */
export function isqrt(n: bigint): bigint {
  if (n < 2n) return n;
  let x = BigInt(Math.floor(Math.sqrt(Number(n))));
  while (x * x > n) x--;
  while ((x + 1n) * (x + 1n) <= n) x++;
  return x;
}

export class VolEstimate {
  /** The oracle price and time last folded in (0: none yet). */
  price = 0;
  ts = 0;
  /** EWMA of r² / Δt, in ppm² per second. */
  variance = 0;

  /** Folds in an oracle update at engine time `ts`. */
  observe(price: number, ts: number, halfLifeNs: number): void {
    if (this.price === 0) {
      this.price = price;
      this.ts = ts;
      return;
    }
    const dt = ts - this.ts;
    if (dt <= 0) return; // same time: folds into the next sample
    const r = (BigInt(price - this.price) * BigInt(PPM)) / BigInt(this.price);
    const sample = (r * r * NS_PER_SECOND) / BigInt(dt);
    const w = BigInt(decayPpm(dt, halfLifeNs));
    const next = (w * BigInt(this.variance) + (BigInt(PPM) - w) * sample) / BigInt(PPM);
    this.variance = next > BigInt(Number.MAX_SAFE_INTEGER) ? Number.MAX_SAFE_INTEGER : Number(next);
    this.price = price;
    this.ts = ts;
  }

  /** `sigmas` × σ over `horizonNs`, in ppm of the oracle, below 100%. */
  shockPpm(horizonNs: number, sigmas: number): number {
    const sigma = isqrt((BigInt(this.variance) * BigInt(horizonNs)) / NS_PER_SECOND);
    const shock = sigma * BigInt(sigmas);
    return shock >= BigInt(PPM) ? PPM - 1 : Number(shock);
  }
}
