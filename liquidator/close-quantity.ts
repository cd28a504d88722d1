/**
 * The calculation: how much of a position to close so that its account is back at its target
 * health, at the prices the live book would really give — never the whole position when less
 * will do.
 *
 * Closing q lots of a long (selling into the bids; a short buys from the asks) at proceeds P
 * moves the account's equity by (P − q·oracle) − taker fee(P) − penalty(P), and its maintenance
 * margin from MM to MM − MM_position(held) + MM_position(held − q). The walk goes down the
 * opposite side level by level, skipping the account's own orders (self-trade prevention would
 * expire them); at the first level whose whole depth would reach the target it bisects for the
 * smallest q inside that level. Inside one level every lot costs the same and releases at least
 * as much margin as the one before (the brackets only fall as the position shrinks), so the test
 * is monotone there up to the ceil roundings of fees and margin.
 */
import type { BookSide } from "../engine/book-side.js";
import type { PriceLevel } from "../engine/price-level.js";
import { mulDivCeil, PPM } from "../protocol/units.js";
import type { Position } from "./account.js";
import { feeOf, healthPpmOf } from "./money.js";

/** The side a position closes against: a long sells into the bids, a short buys from the asks. */
export function closingSide(p: Position): BookSide {
  const book = p.instrument.book;
  return p.qty > 0 ? book.bids : book.asks;
}

/** Lots of `level` that `account` can take; `own`: the account may have orders here (walk them). */
export function takeableAt(level: PriceLevel, account: string, own: boolean): number {
  if (!own) return level.totalQty;
  let n = 0;
  for (let o = level.head; o !== null; o = o.next) if (o.account !== account) n += o.open;
  return n;
}

/** Whether the account may have resting orders on the side its position closes against. */
export function ownOrdersOpposite(p: Position): boolean {
  return (p.qty > 0 ? p.openBuyQty : p.openSellQty) > 0 || p.reduceOnly.length > 0;
}

/**
 * Whether closing `q` lots for `proceeds` quote units leaves the account at `targetPpm` or more
 * (or without maintenance margin).
 */
function reaches(
  p: Position,
  equity: number,
  mm: number,
  targetPpm: number,
  penaltyPpm: number,
  q: number,
  proceeds: number,
): boolean {
  const inst = p.instrument;
  const o = inst.book.oraclePrice;
  const held = Math.abs(p.qty);
  const atOracle = q * o;
  const slippage = p.qty > 0 ? proceeds - atOracle : atOracle - proceeds;
  const after = equity + slippage - feeOf(proceeds, inst.takerFeePpm) - mulDivCeil(proceeds, penaltyPpm, PPM);
  const mmAfter = mm - inst.tiers.maintenance(held * o) + (held > q ? inst.tiers.maintenance((held - q) * o) : 0);
  if (mmAfter <= 0) return true;
  return after >= 0 && healthPpmOf(after, mmAfter) >= targetPpm;
}

/**
 * The smallest quantity of `p` whose closing at the book's prices brings the account (equity
 * and maintenance margin at the oracle now) to `targetPpm`; the whole position when no quantity
 * the book holds does.
 */
export function closeQuantity(p: Position, equity: number, mm: number, targetPpm: number, penaltyPpm: number): number {
  const held = Math.abs(p.qty);
  const account = p.account.name;
  const own = ownOrdersOpposite(p);
  const levels = closingSide(p).cursor();
  let q = 0;
  let proceeds = 0;
  for (let level = levels.next(); level !== null && q < held; level = levels.next()) {
    const lots = Math.min(held - q, takeableAt(level, account, own));
    if (lots === 0) continue;
    const price = level.price;
    if (!Number.isSafeInteger(proceeds + lots * price)) return held;
    if (reaches(p, equity, mm, targetPpm, penaltyPpm, q + lots, proceeds + lots * price)) {
      let lo = 1;
      let hi = lots;
      while (lo < hi) {
        const mid = lo + Math.floor((hi - lo) / 2);
        if (reaches(p, equity, mm, targetPpm, penaltyPpm, q + mid, proceeds + mid * price)) hi = mid;
        else lo = mid + 1;
      }
      return q + lo;
    }
    q += lots;
    proceeds += lots * price;
  }
  return held;
}
