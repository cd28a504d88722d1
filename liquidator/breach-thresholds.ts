/**
 * Where an account's re-check triggers go. An account is healthy while equity ≥ MM, i.e. while
 * slack = equity − MM = collateral + Σ c_i ≥ 0 with c_i = unrealized_i − MM_i per position. At a
 * re-check the slack is split between the positions in proportion to their notional (s_i, with
 * Σ s_i ≤ slack); each position gets a price interval in which c_i provably stays ≥ c_i(now) − s_i.
 * While every oracle stays inside its position's interval the account cannot breach, whatever
 * the oracles do together — so each instrument's index works alone. Crossing an edge re-checks
 * the account exactly and re-splits. With one position the split is the whole slack and the edge
 * is the breach price itself (up to the bound's rounding).
 *
 * The bound on c_i at another price o': MM(o') = ceil(|q|·o'·m/1e6) ≤ |q|·o'·M/1e6 + 1, where M is
 * the highest maintenance rate of the current tier and every tier below it. That holds for any
 * o' whose notional stays within the current tier's cap; above the cap the rate may jump (the
 * contract's tiers apply one rate to the whole notional, so MM steps up at a bracket edge), so
 * the interval always ends at the cap: crossing into the next bracket is a re-check.
 *   long  (q > 0): c(o') ≥ q·o'·(1e6 − M)/1e6 − entry − 1, rising in o': safe from L up to the cap,
 *                  L = ceil(X·1e6 / (q·(1e6 − M))), X = q·o − MM − s + 1.
 *   short (q < 0): c(o') ≥ entry − |q|·o'·(1e6 + M)/1e6 − 1, falling in o': safe from 0 up to
 *                  min(U, cap), U = floor(Y·1e6 / (|q|·(1e6 + M))), Y = |q|·o + MM + s − 1.
 * Each division is split in two (ceil then ceil, floor then floor), which only narrows the interval.
 */
import { MAX_SAFE, mulDivCeil, mulDivFloor, PPM } from "../protocol/units.js";
import type { Position } from "./account.js";
import { ceilDiv, floorDiv } from "./money.js";

/** A trigger price of 0: no trigger on that side. */
const NONE = 0;

/** Sets `p.down.price` and `p.up.price` for a slack share `s` ≥ 0 at the current oracle price. */
export function placeTriggers(p: Position, s: number): void {
  const inst = p.instrument;
  const o = inst.book.oraclePrice;
  const held = Math.abs(p.qty);
  const notional = held * o;
  const tiers = inst.tiers;
  const tier = tiers.tierOf(notional);
  const mm = tiers.maintenance(notional);
  const bound = tiers.maxMmrUpTo(tier);
  const cap = tiers.capOf(tier);
  const top = cap === Number.POSITIVE_INFINITY ? MAX_SAFE : floorDiv(cap, held);
  if (p.qty > 0) {
    const x = notional - mm - s + 1;
    if (x <= 0) p.down.price = NONE;
    else if (bound >= PPM) p.down.price = MAX_SAFE;
    else p.down.price = Math.min(MAX_SAFE, Math.max(NONE, mulDivCeil(ceilDiv(x, held), PPM, PPM - bound) - 1));
    p.up.price = top >= MAX_SAFE ? NONE : top + 1;
  } else {
    const y = notional + mm + s - 1;
    const safeMax = mulDivFloor(floorDiv(y, held), PPM, PPM + bound);
    const last = Math.min(safeMax, top);
    p.down.price = NONE;
    p.up.price = last >= MAX_SAFE ? NONE : last + 1;
  }
}
