/**
 * Margin figures of an account and the pre-trade requirement.
 *
 * equity = collateral + Σ unrealized PnL at the oracle; MM = Σ tier MM of |qty| × oracle.
 * The pre-trade requirement of a position is the worst case of its open orders:
 *   IM of the larger of |qty + open buys| and |qty − open sells| (all buys fill, or all sells do),
 *   + what open orders priced through the oracle would lose on filling (netted per side),
 *   + the largest fee (maker or taker) on the open orders' notional, rounded up.
 * Reduce-only orders are left out: they can only shrink the position.
 * An incoming order is priced by sweeping the opposite book up to its limit (what fills now, at
 * the levels' prices, its adverse loss against the oracle and its taker fee) and, if it rests,
 * the rest at its limit price. The sweep counts own orders that self-trade prevention would skip.
 */
import type { OrderBook } from "../engine/order-book.js";
import { BUY, type SideCode } from "../protocol/commands.js";
import { mulDivCeil, PPM } from "../protocol/units.js";
import type { Account, Position } from "./account.js";
import type { InstrumentMargin } from "./instrument-margin.js";
import { feeOf } from "./money.js";

export function equityOf(a: Account): number {
  let equity = a.collateral;
  for (const p of a.positions) if (p.qty !== 0) equity += p.unrealizedAt(p.instrument.book.oraclePrice);
  return equity;
}

export function maintenanceOf(a: Account): number {
  let mm = 0;
  for (const p of a.positions) if (p.qty !== 0) mm += p.instrument.tiers.maintenance(p.notional());
  return mm;
}

/** The requirement of one instrument's position and open orders (see the file comment). */
export function requirement(
  inst: InstrumentMargin,
  qty: number,
  buyQty: number,
  sellQty: number,
  buyNotional: number,
  sellNotional: number,
): number {
  const o = inst.book.oraclePrice;
  const worst = Math.max(Math.abs(qty + buyQty), Math.abs(qty - sellQty));
  const im = inst.tiers.initial(worst * o);
  const loss = Math.max(0, buyNotional - o * buyQty) + Math.max(0, o * sellQty - sellNotional);
  const fee = mulDivCeil(buyNotional + sellNotional, inst.reserveFeePpm, PPM);
  return im + loss + fee;
}

function requirementOfPosition(p: Position): number {
  return requirement(p.instrument, p.qty, p.openBuyQty, p.openSellQty, p.openBuyNotional, p.openSellNotional);
}

export function requirementOf(a: Account): number {
  let total = 0;
  for (const p of a.positions) if (!p.isIdle()) total += requirementOfPosition(p);
  return total;
}

/** What an incoming order would take from the book now. Reused: one per margin engine. */
export class Sweep {
  qty = 0;
  notional = 0;
  /** Σ over the levels of what the fill loses against the oracle (gains count as zero). */
  loss = 0;

  run(book: OrderBook, side: SideCode, limitPrice: number, qty: number): void {
    this.qty = 0;
    this.notional = 0;
    this.loss = 0;
    const buy = side === BUY;
    const o = book.oraclePrice;
    const opposite = book.oppositeOf(side);
    const best = opposite.best;
    // A passive order sweeps nothing: no cursor for it.
    if (best === null || (buy ? best.price > limitPrice : best.price < limitPrice)) return;
    const levels = opposite.cursor();
    let remaining = qty;
    for (let level = levels.next(); level !== null && remaining > 0; level = levels.next()) {
      const price = level.price;
      if (buy ? price > limitPrice : price < limitPrice) break;
      const k = Math.min(level.totalQty, remaining);
      remaining -= k;
      this.qty += k;
      this.notional += price * k;
      const adverse = buy ? price - o : o - price;
      if (adverse > 0) this.loss += adverse * k;
    }
  }
}

/**
 * The account's requirement if its position and open orders on `inst` became the given ones,
 * plus `extra`; and whether the change is allowed: it is when equity covers it, or when it does
 * not raise the requirement (an order that only lowers risk is never refused).
 */
export function allowsChange(
  a: Account | null,
  inst: InstrumentMargin,
  qty: number,
  buyQty: number,
  sellQty: number,
  buyNotional: number,
  sellNotional: number,
  extra: number,
): "INSUFFICIENT_MARGIN" | "NOTIONAL_OVERFLOW" | null {
  let before = 0;
  let others = 0;
  let equity = 0;
  if (a !== null) {
    equity = equityOf(a);
    for (const p of a.positions) {
      if (p.isIdle()) continue;
      const r = requirementOfPosition(p);
      before += r;
      if (p.instrument !== inst) others += r;
    }
  }
  const after = others + requirement(inst, qty, buyQty, sellQty, buyNotional, sellNotional) + extra;
  if (!Number.isSafeInteger(after) || !Number.isSafeInteger(buyNotional) || !Number.isSafeInteger(sellNotional)) {
    return "NOTIONAL_OVERFLOW";
  }
  if (after > equity && after > before) return "INSUFFICIENT_MARGIN";
  return null;
}

/** The taker fee of a sweep, never negative (a taker fee is validated ≥ 0). */
export function sweepFee(sweep: Sweep, inst: InstrumentMargin): number {
  return Math.max(0, feeOf(sweep.notional, inst.takerFeePpm));
}
