/**
 * The soft liquidator's penalty: charged on the notional a slice actually closed, but never so
 * much that the slice leaves the account's health lower than it found it.
 *
 * A slice that closes lots for a gain g against the oracle (signed: slippage less the fees it
 * paid) and releases ΔM of maintenance margin takes an account from E / M to
 * (E + g − penalty) / (M − ΔM). That is at least E / M exactly while
 *   penalty ≤ room = g + E · ΔM / M,
 * the slice's health-neutral room. The penalty is the nominal rate on the notional closed (rounded down), at
 * most `gainSharePpm` of that room, and nothing when the room is not positive (the slice lowered
 * health by itself). So every penalised slice raises health and keeps the rest of its gain.
 *
 * Why: a fixed penalty larger than the account's equity per unit of notional (health × the tier's
 * maintenance rate: 0.4% × health on the default first tier, against a 0.5% penalty) lowers health
 * with every lot closed, the "toxic liquidation spiral" of lending markets, and a soft liquidator
 * would slice the account down to nothing for penalties. The form follows Drift v2's clamp of its
 * insurance-fund fee (programs/drift/src/math/liquidation.rs, calculate_perp_if_fee):
 * 95% × (margin ratio − liquidator fee − shortage / notional), where margin ratio − shortage /
 * notional is the account's equity per unit of notional; here the slice's real slippage and fees
 * take the liquidator fee's place and the share is a parameter.
 */
import { mulDivCeil, mulDivFloor, PPM } from "../protocol/units.js";

/**
 * The penalty on a slice that closed `notional` (quote units, at its fill prices) and released
 * `released` of maintenance margin, for an account at `equity` over `mm` before it, the slice
 * having gained `gain` against the oracle after its fees.
 */
export function slicePenalty(
  penaltyPpm: number,
  gainSharePpm: number,
  notional: number,
  equity: number,
  mm: number,
  gain: number,
  released: number,
): number {
  if (penaltyPpm === 0 || gainSharePpm === 0) return 0;
  const room = penaltyRoom(equity, mm, gain, released);
  if (room <= 0) return 0;
  // Rounded down, unlike other charges: a position closed in many slices pays no more in rounding than one close.
  return Math.min(mulDivFloor(notional, penaltyPpm, PPM), mulDivFloor(room, gainSharePpm, PPM));
}

/**
 * The most a slice's penalty could take and leave health where it was: gain + equity × released
 * / mm, rounded toward a smaller room; 0 for an account without equity (nothing to charge).
 */
export function penaltyRoom(equity: number, mm: number, gain: number, released: number): number {
  if (equity <= 0 || mm <= 0) return 0;
  return gain + shareOfEquity(equity, released, mm);
}

/** equity × released / mm, rounded toward a smaller room (so health never falls by rounding). */
function shareOfEquity(equity: number, released: number, mm: number): number {
  if (released >= 0) return mulDivFloor(equity, released, mm);
  return -mulDivCeil(equity, -released, mm); // a bracket whose lower tier has the higher rate
}
