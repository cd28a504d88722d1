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
 * Two shortcuts decide the common orders of a single-instrument account without changing a
 * decision: restingCovered (an order that rests whole) and sweepRequirementBound (one that may trade).
 *
 * Every figure is exact or the order is refused MARGIN_OVERFLOW (the contract: a product that
 * would not be a safe integer is rejected, never rounded): besides the requirement and the open
 * notionals, each instrument's exposure after the change, (|qty| + open buys + open sells) ×
 * oracle, must be safe, and so must every position's as it is. It bounds the products of lots and
 * the oracle in equity and in the requirements before and after the change (a position valued far above its
 * orders' prices could otherwise be priced with rounded numbers).
 */

import type { LevelView, SideView } from "../engine/depth-view.js";
import type { MarginBook } from "../engine/margin-hooks.js";
import { BUY, type SideCode } from "../protocol/commands.js";
import { MAX_SAFE, mulDivCeil, PPM } from "../protocol/units.js";
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
  const feePpm = inst.reserveFeePpm;
  return feePpm === 0 ? im + loss : im + loss + mulDivCeil(buyNotional + sellNotional, feePpm, PPM);
}

function requirementOfPosition(p: Position): number {
  return requirement(p.instrument, p.qty, p.openBuyQty, p.openSellQty, p.openBuyNotional, p.openSellNotional);
}

/** Whether (|qty| + buyQty + sellQty) × the oracle is a safe integer: see the file comment. */
export function exposureSafe(inst: InstrumentMargin, qty: number, buyQty: number, sellQty: number): boolean {
  return Number.isSafeInteger((Math.abs(qty) + buyQty + sellQty) * inst.book.oraclePrice);
}

function positionExposureSafe(p: Position): boolean {
  return exposureSafe(p.instrument, p.qty, p.openBuyQty, p.openSellQty);
}

/** Whether every position of the account has a safe exposure (its equity and requirement are exact). */
export function accountExposureSafe(a: Account): boolean {
  for (const p of a.positions) if (!positionExposureSafe(p)) return false;
  return true;
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

  run(book: MarginBook, side: SideCode, limitPrice: number, qty: number): void {
    this.qty = 0;
    this.notional = 0;
    this.loss = 0;
    const buy = side === BUY;
    const opposite: SideView = book.oppositeOf(side);
    const best = opposite.best;
    // A passive order sweeps nothing.
    if (best === null || (buy ? best.price > limitPrice : best.price < limitPrice)) return;
    const o = book.oraclePrice;
    // Most marketable orders end inside the best level: a cursor (two allocations) only to go deeper.
    let remaining = this.take(best, buy, o, qty);
    if (remaining === 0) return;
    const levels = opposite.cursor();
    levels.next(); // the best level, taken above
    for (let level = levels.next(); level !== null && remaining > 0; level = levels.next()) {
      if (buy ? level.price > limitPrice : level.price < limitPrice) break;
      remaining = this.take(level, buy, o, remaining);
    }
  }

  /** Takes up to `remaining` lots from one level; returns what is left. */
  private take(level: LevelView, buy: boolean, oracle: number, remaining: number): number {
    const price = level.price;
    const k = Math.min(level.totalQty, remaining);
    this.qty += k;
    this.notional += price * k;
    const adverse = buy ? price - oracle : oracle - price;
    if (adverse > 0) this.loss += adverse * k;
    return remaining - k;
  }
}

/**
 * The account's requirement if its position and open orders on `inst` became the given ones,
 * plus `extra`; and whether the change is allowed: it is when equity covers it, or when it does
 * not raise the requirement (an order that only lowers risk is never refused). `own` is the
 * account's position on `inst` (null: none yet).
 *
 * The requirement before the change is computed only when equity does not cover the one after:
 * the decision is the same (refused exactly when after > equity and after > before), and the
 * common case costs one requirement, not two. Summing it in another order than requirementOf
 * cannot change a decision: the terms are non-negative integers, so any order gives the exact sum
 * while it is safe, and a value ≥ 2^53 otherwise, above every safe `after`.
 */
export function allowsChange(
  a: Account | null,
  own: Position | null,
  inst: InstrumentMargin,
  qty: number,
  buyQty: number,
  sellQty: number,
  buyNotional: number,
  sellNotional: number,
  extra: number,
): "INSUFFICIENT_MARGIN" | "MARGIN_OVERFLOW" | null {
  let others = 0;
  let equity = 0;
  // After the change and before it (equity and the requirement before price the position as it is).
  let exact = exposureSafe(inst, qty, buyQty, sellQty) && (own === null || positionExposureSafe(own));
  if (a !== null) {
    const positions = a.positions;
    equity = a.collateral;
    for (let i = 0; i < positions.length; i++) {
      const p = positions[i] as Position;
      if (p.qty !== 0) equity += p.unrealizedAt(p.instrument.book.oraclePrice);
      if (p !== own && !p.isIdle()) {
        others += requirementOfPosition(p);
        exact = exact && positionExposureSafe(p);
      }
    }
  }
  const after = others + requirement(inst, qty, buyQty, sellQty, buyNotional, sellNotional) + extra;
  if (
    !exact ||
    !Number.isSafeInteger(after) ||
    !Number.isSafeInteger(buyNotional) ||
    !Number.isSafeInteger(sellNotional)
  ) {
    return "MARGIN_OVERFLOW";
  }
  if (after <= equity) return null;
  const before = own === null || own.isIdle() ? others : others + requirementOfPosition(own);
  return after > before ? "INSUFFICIENT_MARGIN" : null;
}

/** The taker fee of a sweep, never negative (a taker fee is validated ≥ 0). */
export function sweepFee(sweep: Sweep, inst: InstrumentMargin): number {
  return Math.max(0, feeOf(sweep.notional, inst.takerFeePpm));
}

/**
 * equityOf(a) for an account whose only position is `p`, without the walk: on the pre-trade fast
 * paths the walk measured 6% of the fully margined flow's time (tools/paired-builds.mjs).
 */
function onlyPositionEquity(a: Account, p: Position): number {
  return p.qty === 0 ? a.collateral : a.collateral + p.unrealizedAt(p.instrument.book.oraclePrice);
}

/**
 * Whether equity covers the requirement after a resting order of `qty` at `price` joins `p`, the
 * account's only position (a passive order sweeps nothing: no loss, no taker fee). True decides the
 * pre-trade check (allowsChange would allow it); false says only "ask allowsChange", which also
 * reports an overflow and lets an order through that does not raise the requirement.
 */
export function restingCovered(
  a: Account,
  p: Position,
  inst: InstrumentMargin,
  side: SideCode,
  price: number,
  qty: number,
): boolean {
  const notional = price * qty;
  const buy = side === BUY;
  const buyNotional = buy ? p.openBuyNotional + notional : p.openBuyNotional;
  const sellNotional = buy ? p.openSellNotional : p.openSellNotional + notional;
  const after = requirement(
    inst,
    p.qty,
    buy ? p.openBuyQty + qty : p.openBuyQty,
    buy ? p.openSellQty : p.openSellQty + qty,
    buyNotional,
    sellNotional,
  );
  if (!Number.isSafeInteger(after) || !Number.isSafeInteger(buyNotional) || !Number.isSafeInteger(sellNotional)) {
    return false;
  }
  const exact = exposureSafe(inst, p.qty, p.openBuyQty + qty, p.openSellQty); // the lots, on either side
  return exact && after <= onlyPositionEquity(a, p);
}

/**
 * A bound of the requirement after an order that may trade, found without sweeping the book:
 * whatever part of the `qty` lots fills (at prices no worse than `limitPrice` for a buy, at most
 * `bestPrice`, the best bid, for a sell) and whatever rests (when it rests), the requirement after
 * (its open orders' worst case plus the sweep's loss and taker fee, as checkOrder sums them) is at
 * most
 *   IM of max(|qty + buys + q|, |qty − sells|) (a buy; a sell mirrored), at the highest initial
 *   rate up to that notional's tier;
 *   + the order side's open loss with all q resting at the limit, plus q × (limit − oracle) when the
 *   limit is through the oracle (fills there are not netted against the side's open gains);
 *   + the reserve fee on the open notional with all q at the worse of limit and best bid, plus one
 *   (two roundings up, where the exact path has them, exceed one by at most one unit).
 * `p` is the account's only position. MAX_SAFE + 1 when a product of lots and prices is not a safe
 * integer (the exact path then decides, as it would have).
 */
export function sweepRequirementBound(
  p: Position,
  inst: InstrumentMargin,
  side: SideCode,
  limitPrice: number,
  qty: number,
  bestPrice: number,
): number {
  const o = inst.book.oraclePrice;
  const buy = side === BUY;
  // Every product here and in the exact path is at most this one: when it is safe, both are exact.
  const lots = Math.abs(p.qty) + p.openBuyQty + p.openSellQty + qty;
  if (!Number.isSafeInteger(lots * Math.max(o, limitPrice, bestPrice))) return MAX_SAFE + 1;
  const worst = buy
    ? Math.max(Math.abs(p.qty + p.openBuyQty + qty), Math.abs(p.qty - p.openSellQty))
    : Math.max(Math.abs(p.qty + p.openBuyQty), Math.abs(p.qty - p.openSellQty - qty));
  const im = inst.tiers.initialUpTo(worst * o);
  const through = buy ? limitPrice - o : o - limitPrice; // per lot, what a fill at the limit loses
  const ownOpen = buy ? p.openBuyNotional - o * p.openBuyQty : o * p.openSellQty - p.openSellNotional;
  const otherOpen = buy ? o * p.openSellQty - p.openSellNotional : p.openBuyNotional - o * p.openBuyQty;
  const ownLoss = through >= 0 ? Math.max(0, ownOpen + qty * through) + qty * through : Math.max(0, ownOpen);
  const feePpm = inst.reserveFeePpm;
  const notional = p.openBuyNotional + p.openSellNotional + qty * (buy ? limitPrice : Math.max(limitPrice, bestPrice));
  const fee = feePpm === 0 ? 0 : mulDivCeil(notional, feePpm, PPM) + 1;
  const bound = im + ownLoss + Math.max(0, otherOpen) + fee;
  return Number.isSafeInteger(bound) && Number.isSafeInteger(notional) ? bound : MAX_SAFE + 1;
}

/**
 * Whether equity covers sweepRequirementBound. True decides the check (allowsChange would allow
 * it: the exact requirement is no larger, and safe); false only says "sweep and ask allowsChange".
 */
export function sweepBoundCovered(
  a: Account,
  p: Position,
  inst: InstrumentMargin,
  side: SideCode,
  limitPrice: number,
  qty: number,
  bestPrice: number,
): boolean {
  return sweepRequirementBound(p, inst, side, limitPrice, qty, bestPrice) <= onlyPositionEquity(a, p);
}
