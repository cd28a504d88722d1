/**
 * Integer money arithmetic and its rounding rules. Every division here names the side it rounds
 * to; the rule throughout is that a charge (fee, penalty, margin requirement) rounds against the
 * account and a credit (rebate) rounds in the venue's favour too, so the venue never pays out a
 * fraction it did not receive and money is conserved exactly.
 */
import { MAX_SAFE, mulDivCeil, mulDivFloor, PPM } from "../protocol/units.js";

/**
 * The fee on `notional` at `feePpm` (a rebate when negative): what the account pays, signed.
 * A fee rounds up (the account pays the fraction); a rebate rounds down (the account receives
 * only whole units). Either way the fee pot receives exactly what the account pays.
 */
export function feeOf(notional: number, feePpm: number): number {
  if (feePpm >= 0) return mulDivCeil(notional, feePpm, PPM);
  return -mulDivFloor(notional, -feePpm, PPM);
}

/** floor(a / b) for safe a ≥ 0, b > 0, exactly (a − a % b is a multiple of b: its quotient is exact). */
export function floorDiv(a: number, b: number): number {
  return (a - (a % b)) / b;
}

/** ceil(a / b) for safe a ≥ 0, b > 0, exactly. */
export function ceilDiv(a: number, b: number): number {
  const r = a % b;
  return (a - r) / b + (r === 0 ? 0 : 1);
}

/**
 * equity / mm in ppm, rounded down (health rounds against the account), for any sign of equity;
 * clamped to the safe range so it always prints as an integer.
 */
export function healthPpmOf(equity: number, mm: number): number {
  const direct = equity * PPM;
  if (Number.isSafeInteger(direct)) return Math.floor(direct / mm);
  const big = BigInt(equity) * BigInt(PPM);
  const bm = BigInt(mm);
  let q = big / bm;
  if (big % bm !== 0n && big < 0n) q -= 1n; // BigInt division truncates; floor it
  if (q > BigInt(MAX_SAFE)) return MAX_SAFE;
  if (q < -BigInt(MAX_SAFE)) return -MAX_SAFE;
  return Number(q);
}
