/**
 * A deliberately plain pre-trade check, the reference for the fast one: the margin engine with
 * checkOrder and checkModify recomputed from scratch. It trusts none of the state the fast check
 * keeps as orders rest, fill and cancel: each check walks the books for the account's resting
 * orders, sweeps the opposite side order by order, and sums the requirement of every position it
 * holds. Everything else (fills, positions, the liquidator) is the margin engine's own.
 */

import { MatchingEngine } from "../engine/engine.js";
import type { MarginBook } from "../engine/margin-hooks.js";
import type { Order } from "../engine/order.js";
import type { OrderBook } from "../engine/order-book.js";
import type { Account } from "../liquidator/account.js";
import type { InstrumentMargin } from "../liquidator/instrument-margin.js";
import type { LiquidationMode } from "../liquidator/liquidation-params.js";
import { MarginEngine } from "../liquidator/margin-engine.js";
import { BUY, type SideCode } from "../protocol/commands.js";
import type { EventListener } from "../protocol/events.js";
import type { RejectCode } from "../protocol/reject-codes.js";
import { mulDivCeil, PPM } from "../protocol/units.js";

/** An account's resting orders on one book, reduce-only ones left out (they only shrink a position). */
export interface OpenOrders {
  buyQty: number;
  buyNotional: number;
  sellQty: number;
  sellNotional: number;
}

/** Walks both sides of `book` for the open orders of `account`. */
export function openOrdersOf(book: MarginBook, account: string): OpenOrders {
  const open: OpenOrders = { buyQty: 0, buyNotional: 0, sellQty: 0, sellNotional: 0 };
  for (const side of [book.bids, book.asks]) {
    const levels = side.cursor();
    for (let level = levels.next(); level !== null; level = levels.next()) {
      for (let o: Order | null = level.head; o !== null; o = o.next) {
        if (o.account !== account || o.reduceOnly) continue;
        if (o.side === BUY) {
          open.buyQty += o.open;
          open.buyNotional += o.open * o.price;
        } else {
          open.sellQty += o.open;
          open.sellNotional += o.open * o.price;
        }
      }
    }
  }
  return open;
}

/** The worst case of a position of `qty` lots and `open` orders at the oracle (pre-trade-risk.ts's rule, restated). */
function worstCase(inst: InstrumentMargin, qty: number, open: OpenOrders): number {
  const o = inst.book.oraclePrice;
  const worst = Math.max(Math.abs(qty + open.buyQty), Math.abs(qty - open.sellQty));
  const im = inst.tiers.initial(worst * o);
  const loss = Math.max(0, open.buyNotional - o * open.buyQty) + Math.max(0, o * open.sellQty - open.sellNotional);
  return im + loss + mulDivCeil(open.buyNotional + open.sellNotional, inst.reserveFeePpm, PPM);
}

export class ReferenceMarginEngine extends MarginEngine {
  /** Checks answered, so a test can tell it exercised the reference. */
  checks = 0;

  override checkOrder(
    book: OrderBook | null,
    name: string,
    side: SideCode,
    limitPrice: number,
    qty: number,
    rests: boolean,
    reduceOnly: boolean,
  ): RejectCode | null {
    this.checks++;
    if (book === null || book.oraclePrice === 0) return "NO_MARK_PRICE";
    const inst = this.instrumentOf(book);
    const a = this.accounts.get(name) ?? null;
    if (reduceOnly) return reducingRoom(a, inst, side) > 0 ? null : "REDUCE_ONLY_WOULD_INCREASE";
    // What the order takes from the book now, order by order, own orders included.
    const buy = side === BUY;
    const o = book.oraclePrice;
    let remaining = qty;
    let swept = 0;
    let notional = 0;
    let loss = 0;
    const levels = book.oppositeOf(side).cursor();
    for (let level = levels.next(); level !== null && remaining > 0; level = levels.next()) {
      if (buy ? level.price > limitPrice : level.price < limitPrice) break;
      for (let m: Order | null = level.head; m !== null && remaining > 0; m = m.next) {
        const k = Math.min(m.open, remaining);
        remaining -= k;
        swept += k;
        notional += k * level.price;
        loss += Math.max(0, (buy ? level.price - o : o - level.price) * k);
      }
    }
    if (!Number.isSafeInteger(notional) || !Number.isSafeInteger(loss)) return "MARGIN_OVERFLOW";
    const rest = rests ? qty - swept : 0;
    const fee = inst.takerFeePpm > 0 ? mulDivCeil(notional, inst.takerFeePpm, PPM) : 0;
    return this.decide(
      name,
      a,
      inst,
      buy ? swept : -swept,
      (open) => {
        if (buy) {
          open.buyQty += rest;
          open.buyNotional += rest * limitPrice;
        } else {
          open.sellQty += rest;
          open.sellNotional += rest * limitPrice;
        }
      },
      loss + fee,
    );
  }

  override checkModify(book: OrderBook, order: Order, newPrice: number, newQty: number): RejectCode | null {
    this.checks++;
    const inst = this.instrumentOf(book);
    const a = this.accounts.get(order.account as string) ?? null;
    if (order.reduceOnly) return reducingRoom(a, inst, order.side) > 0 ? null : "REDUCE_ONLY_WOULD_INCREASE";
    if (a === null || a.positionIn(inst) === null) return null;
    const buy = order.side === BUY;
    return this.decide(
      a.name,
      a,
      inst,
      0,
      (open) => {
        if (buy) {
          open.buyQty += newQty - order.open;
          open.buyNotional += newQty * newPrice - order.open * order.price;
        } else {
          open.sellQty += newQty - order.open;
          open.sellNotional += newQty * newPrice - order.open * order.price;
        }
      },
      0,
    );
  }

  /**
   * Allowed when equity covers the requirement after the change, or when the change does not
   * raise it; MARGIN_OVERFLOW when the figures leave the safe range.
   */
  private decide(
    name: string,
    a: Account | null,
    inst: InstrumentMargin,
    traded: number,
    change: (open: OpenOrders) => void,
    extra: number,
  ): RejectCode | null {
    let before = 0;
    let after = extra;
    let equity = 0;
    let changed: OpenOrders | null = null;
    const insts = new Set<InstrumentMargin>([inst]);
    if (a !== null) {
      equity = a.collateral;
      for (const p of a.positions) {
        insts.add(p.instrument);
        if (p.qty !== 0) equity += p.unrealizedAt(p.instrument.book.oraclePrice);
      }
    }
    // Every lot held or open on an instrument, times its oracle: what prices it must stay exact.
    let exposed = 0;
    for (const i of insts) {
      const qty = a?.positionIn(i)?.qty ?? 0;
      const open = openOrdersOf(i.book, name);
      before += worstCase(i, qty, open);
      if (i !== inst) {
        after += worstCase(i, qty, open);
        exposed = Math.max(exposed, (Math.abs(qty) + open.buyQty + open.sellQty) * i.book.oraclePrice);
        continue;
      }
      exposed = Math.max(exposed, (Math.abs(qty) + open.buyQty + open.sellQty) * i.book.oraclePrice);
      change(open);
      changed = open;
      after += worstCase(i, qty + traded, open);
      exposed = Math.max(exposed, (Math.abs(qty + traded) + open.buyQty + open.sellQty) * i.book.oraclePrice);
    }
    const c = changed as OpenOrders;
    if (
      !Number.isSafeInteger(exposed) ||
      !Number.isSafeInteger(after) ||
      !Number.isSafeInteger(c.buyNotional) ||
      !Number.isSafeInteger(c.sellNotional)
    ) {
      return "MARGIN_OVERFLOW";
    }
    return after > equity && after > before ? "INSUFFICIENT_MARGIN" : null;
  }
}

function reducingRoom(a: Account | null, inst: InstrumentMargin, side: SideCode): number {
  const p = a?.positionIn(inst) ?? null;
  if (p === null) return 0;
  return side === BUY ? Math.max(0, -p.qty) : Math.max(0, p.qty);
}

/** The matching engine with the reference margin engine plugged in, composed as exchange.ts composes the fast one. */
export function referenceEngine(options: { liquidation?: LiquidationMode; onEvent?: EventListener } = {}): {
  engine: MatchingEngine;
  margin: ReferenceMarginEngine;
} {
  const margin = new ReferenceMarginEngine({ mode: options.liquidation ?? "soft" });
  const engine = new MatchingEngine({ ...(options.onEvent ? { onEvent: options.onEvent } : {}), margin });
  engine.addStateSection(margin);
  return { engine, margin };
}

/**
 * What the fast path keeps as orders rest, fill and cancel, against a walk of the books: every
 * position's open-order totals. Lists the differences (empty: consistent).
 */
export function openOrderProblems(margin: MarginEngine, books: readonly OrderBook[]): string[] {
  const problems: string[] = [];
  for (const a of margin.accounts.values()) {
    for (const p of a.positions) {
      const walked = openOrdersOf(p.instrument.book, a.name);
      const kept = {
        buyQty: p.openBuyQty,
        buyNotional: p.openBuyNotional,
        sellQty: p.openSellQty,
        sellNotional: p.openSellNotional,
      };
      if (JSON.stringify(walked) !== JSON.stringify(kept)) {
        problems.push(
          `${a.name} on ${p.instrument.symbol}: kept ${JSON.stringify(kept)}, book ${JSON.stringify(walked)}`,
        );
      }
    }
  }
  // Every account with resting orders has a position record on that book.
  for (const book of books) {
    for (const side of [book.bids, book.asks]) {
      const levels = side.cursor();
      for (let level = levels.next(); level !== null; level = levels.next()) {
        for (let o: Order | null = level.head; o !== null; o = o.next) {
          if (o.account === null) continue;
          const inst = margin.instrumentOf(book);
          if (margin.accounts.get(o.account)?.positionIn(inst) == null) {
            problems.push(`order ${String(o.id)} of ${o.account} on ${book.symbol} has no position record`);
          }
        }
      }
    }
  }
  return problems;
}
