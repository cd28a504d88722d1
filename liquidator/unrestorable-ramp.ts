/**
 * The unrestorable ramp: a position of an account that no partial close restores to its target
 * is not dumped at the worst moment. The lots closed since the soft liquidator first found it so
 * (in this liquidation) may reach `participationPpm` of what it held then, growing linearly to all
 * of it over `unrestorableRampNs` (the shape of drift's ramp, drift-policy.ts). Measured on the
 * crowded scenario (issue 14): closing such positions whole, paced only by the book, wiped out
 * accounts that the price's rebound would have restored; so did backstops taking them whole.
 */
import { mulDivCeil, mulDivFloor, PPM } from "../protocol/units.js";
import type { Position } from "./account.js";

/** The lots of `p` the ramp lets go now (starting its clock on the first call of the liquidation). */
export function rampAllowance(p: Position, now: number): number {
  const held = Math.abs(p.qty);
  const rampNs = p.instrument.liquidation.unrestorableRampNs;
  if (rampNs === 0) return held;
  if (p.rampSince < 0) {
    p.rampSince = now;
    p.rampQty = held;
  }
  const elapsed = Math.max(0, now - p.rampSince);
  const initial = p.instrument.liquidation.participationPpm;
  const share = elapsed >= rampNs ? PPM : Math.min(PPM, initial + mulDivFloor(elapsed, PPM, rampNs));
  const closed = Math.max(0, p.rampQty - held);
  return Math.min(held, Math.max(0, mulDivCeil(p.rampQty, share, PPM) - closed));
}
