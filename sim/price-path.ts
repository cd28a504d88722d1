/**
 * Exogenous (fair) price paths: what the rest of the world trades at. A path is keyframes of the
 * fall below the start price (ppm) joined linearly, plus a seeded bounded random walk, all in
 * integers, so a seed gives the same path on every platform.
 */
import { PPM } from "../protocol/units.js";
import type { SeededRandom } from "./random.js";

/** [step, ppm below the start price]: steps ascending; before the first and after the last, flat. */
export type Keyframe = readonly [number, number];

/** The fall below the start at `step` (ppm), interpolated between keyframes (floor). */
export function dropAt(frames: readonly Keyframe[], step: number): number {
  const first = frames[0];
  if (first === undefined || step <= first[0]) return first?.[1] ?? 0;
  for (let i = 1; i < frames.length; i++) {
    const [s1, d1] = frames[i] as Keyframe;
    if (step > s1) continue;
    const [s0, d0] = frames[i - 1] as Keyframe;
    return d0 + Math.floor(((d1 - d0) * (step - s0)) / (s1 - s0));
  }
  return (frames[frames.length - 1] as Keyframe)[1];
}

/**
 * `steps` fair prices from `start`: the keyframes' fall plus noise, a walk of steps up to
 * `noisePpm` kept within four of them. `scalePpm` scales the fall (one shape, several instruments).
 */
export function pricePath(
  start: number,
  frames: readonly Keyframe[],
  steps: number,
  noisePpm: number,
  random: SeededRandom,
  scalePpm = PPM,
): number[] {
  const path: number[] = [];
  let noise = 0;
  for (let t = 0; t < steps; t++) {
    const drop = Math.floor((dropAt(frames, t) * scalePpm) / PPM);
    noise += random.below(2 * noisePpm + 1) - noisePpm;
    noise = Math.max(-noisePpm * 4, Math.min(noisePpm * 4, noise));
    path.push(Math.max(1, Math.floor((start * (PPM - drop + noise)) / PPM)));
  }
  return path;
}
