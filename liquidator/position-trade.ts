/**
 * What a fill does to a position. Opening or adding accumulates entry notional; reducing releases
 * the reduced lots' share of it and realizes the difference to the fill price; a flip closes the
 * whole position and opens the rest at the fill price.
 *
 * Rounding: the share released by a partial reduction, entry × closed / |qty|, is rounded so that
 * the realized PnL rounds down (against the account): up when a long sells, down when a short
 * buys. What is not released stays in the entry notional of the remaining lots, so over a
 * position's life realized + unrealized PnL is exact: nothing is created or lost.
 */
import { mulDivCeil, mulDivFloor } from "../protocol/units.js";
import type { Position } from "./account.js";

/** Applies a fill of `qty` lots at `price` (`buy`: the account bought); returns the realized PnL. */
export function applyFill(p: Position, buy: boolean, price: number, qty: number): number {
  const q = p.qty;
  if (q === 0 || q > 0 === buy) {
    if (q === 0) p.realizedPnl = 0; // a new position's life begins
    p.qty = buy ? q + qty : q - qty;
    p.entryNotional += price * qty;
    return 0;
  }
  const held = Math.abs(q);
  const closing = Math.min(qty, held);
  const entry = p.entryNotional;
  const long = q > 0;
  let released = entry;
  if (closing < held) released = long ? mulDivCeil(entry, closing, held) : mulDivFloor(entry, closing, held);
  const realized = long ? price * closing - released : released - price * closing;
  p.entryNotional = entry - released;
  p.qty = long ? q - closing : q + closing;
  p.realizedPnl += realized;
  const opening = qty - closing;
  if (opening > 0) {
    p.qty = buy ? opening : -opening;
    p.entryNotional = price * opening;
    p.realizedPnl = 0; // the flip opened a new position
  }
  return realized;
}
