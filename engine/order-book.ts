import { BUY, EXPIRE_BOTH, EXPIRE_MAKER, type InstrumentSpec, type SideCode } from "../protocol/commands.js";
import type { CancelReason, ModifyReason } from "../protocol/reject-codes.js";
import { BookSide } from "./book-side.js";
import type { EventStream } from "./event-stream.js";
import type { MarginBook, MarginHooks } from "./margin-hooks.js";
import type { Order, OrderPool } from "./order.js";
import type { OrderIndex } from "./order-index.js";
import type { PriceLevel } from "./price-level.js";
import type { Taker } from "./taker.js";

/** fillsCompletely's answers. */
const FALLS_SHORT = 0;
const FILLS = 1;
const NEEDS_ACCOUNTS = 2;

/**
 * One instrument's book and its matching rules: price-time priority, self-trade prevention,
 * fill-or-kill pre-check. It knows nothing of money; it reports every change to the event stream.
 */
export class OrderBook implements MarginBook {
  readonly bids = new BookSide(true);
  readonly asks = new BookSide(false);
  /** The last oracle (mark) price; 0 until the first `oracle` command. */
  oraclePrice = 0;
  /** The money layer, when there is one (set by the engine). */
  margin: MarginHooks | null = null;
  /** The fill-or-kill pre-check's scratch: lots each maker account would trade so far. */
  private readonly sweepTraded = new Map<string, number>();

  constructor(
    readonly symbol: string,
    readonly bookIndex: number,
    public spec: InstrumentSpec,
    private readonly orders: OrderIndex,
    private readonly pool: OrderPool,
    private readonly out: EventStream,
  ) {}

  sideOf(side: SideCode): BookSide {
    return side === BUY ? this.bids : this.asks;
  }

  oppositeOf(side: SideCode): BookSide {
    return side === BUY ? this.asks : this.bids;
  }

  /** True when an order of `side` at `price` would trade against the opposite best level now. */
  wouldCross(side: SideCode, price: number): boolean {
    const best = this.oppositeOf(side).best;
    if (best === null) return false;
    return side === BUY ? price >= best.price : price <= best.price;
  }

  /**
   * Whether a fill-or-kill taker can fill completely, counting what the sweep would do:
   * expire_maker skips own orders, the other self-trade modes stop the taker at the first own
   * order, and a reduce-only maker trades only what still reduces its account's position after
   * that account's earlier fills in the same sweep (take() shrinks it to that as it arrives).
   */
  canFillCompletely(taker: Taker): boolean {
    const margin = this.margin;
    // A reduce-only maker's share depends on its account's earlier fills in the sweep: only a
    // walk that meets one counts lots per account (a Map read and write per margined maker).
    const plain = this.fillsCompletely(taker, null);
    return plain === NEEDS_ACCOUNTS ? this.fillsCompletely(taker, margin) === FILLS : plain === FILLS;
  }

  /**
   * The fill-or-kill walk. With `margin` null it ignores reduce-only limits and answers
   * NEEDS_ACCOUNTS at the first margined reduce-only maker it would count (when the book has a
   * money layer); with the money layer, it counts each maker account's lots as it goes.
   */
  private fillsCompletely(taker: Taker, margin: MarginHooks | null): number {
    let need = taker.remaining;
    const { side, limitPrice, account, stp } = taker;
    const hasMargin = this.margin !== null;
    const traded = this.sweepTraded;
    if (margin !== null) traded.clear();
    const levels = this.oppositeOf(side).cursor();
    for (let level = levels.next(); level !== null; level = levels.next()) {
      if (side === BUY ? level.price > limitPrice : level.price < limitPrice) return FALLS_SHORT;
      if (account === null && !hasMargin) {
        need -= level.totalQty;
        if (need <= 0) return FILLS;
        continue;
      }
      for (let o = level.head; o !== null; o = o.next) {
        if (account !== null && o.account === account) {
          if (stp === EXPIRE_MAKER) continue;
          return FALLS_SHORT;
        }
        let qty = o.open;
        const owner = o.account;
        if (hasMargin && owner !== null) {
          if (margin === null) {
            if (o.reduceOnly) return NEEDS_ACCOUNTS;
          } else {
            const before = traded.get(owner) ?? 0;
            if (o.reduceOnly) qty = Math.min(qty, Math.max(0, margin.reduceOnlyRoom(this, owner, o.side) - before));
            traded.set(owner, before + qty);
          }
        }
        need -= qty;
        if (need <= 0) return FILLS;
      }
    }
    return FALLS_SHORT;
  }

  /**
   * Matches the taker against the opposite side, best price first and FIFO inside a level, until
   * it is filled, its limit is reached, or self-trade prevention expires it.
   */
  take(taker: Taker): void {
    const opposite = this.oppositeOf(taker.side);
    const isBuy = taker.side === BUY;
    const limit = taker.limitPrice;
    while (taker.remaining > 0) {
      const level: PriceLevel | null = opposite.best;
      if (level === null) return;
      const price = level.price;
      if (isBuy ? price > limit : price < limit) return;
      let maker = level.head;
      while (maker !== null && taker.remaining > 0) {
        const next: Order | null = maker.next;
        if (maker.reduceOnly && this.margin !== null && !this.fitReduceOnly(opposite, maker)) {
          maker = next;
          continue;
        }
        if (taker.account !== null && maker.account === taker.account) {
          if (taker.stp !== EXPIRE_MAKER) {
            if (taker.stp === EXPIRE_BOTH) this.expire(opposite, maker);
            taker.expiredBySelfTrade = true;
            return;
          }
          this.expire(opposite, maker);
          maker = next;
          continue;
        }
        const qty = Math.min(maker.open, taker.remaining);
        opposite.reduce(maker, qty);
        taker.remaining -= qty;
        this.out.fill(this.symbol, price, qty, maker, taker);
        if (this.margin !== null) this.margin.onFill(this, price, qty, maker, taker);
        if (maker.open === 0) this.discard(opposite, maker);
        maker = next;
      }
    }
  }

  /**
   * A reduce-only maker may trade only what reduces its account's position: it is shrunk to that
   * room, or cancelled when there is none. False when it left the book.
   */
  private fitReduceOnly(side: BookSide, maker: Order): boolean {
    const room = (this.margin as MarginHooks).reduceOnlyRoom(this, maker.account as string, maker.side);
    if (room >= maker.open) return true;
    if (room > 0) {
      this.shrink(maker, maker.open - room, "REDUCE_ONLY");
      return true;
    }
    this.out.cancelled(maker.id, this.symbol, maker.open, "REDUCE_ONLY");
    this.discard(side, maker);
    return false;
  }

  /** Puts a fresh order at the back of its price level. */
  rest(order: Order): void {
    this.sideOf(order.side).add(order);
    if (this.margin !== null && order.account !== null) this.margin.onOrderRested(this, order);
  }

  /** Takes a resting order off the book (cancel, modify that loses priority). */
  unlink(order: Order): void {
    if (this.margin !== null && order.account !== null) this.margin.onOrderRemoved(this, order);
    this.sideOf(order.side).remove(order);
  }

  /** Lowers a resting order's open quantity by `qty`, keeping its place in the queue. */
  shrink(order: Order, qty: number, reason: ModifyReason | "" = ""): void {
    const prevQty = order.open;
    this.sideOf(order.side).reduce(order, qty);
    if (this.margin !== null && order.account !== null) this.margin.onOrderReduced(this, order, qty);
    this.out.modified(order, this.symbol, order.price, prevQty, true, reason);
  }

  /** Cancels a resting order with `reason` and frees it. */
  cancelResting(order: Order, reason: CancelReason): void {
    const side = this.sideOf(order.side);
    this.out.cancelled(order.id, this.symbol, order.open, reason);
    this.discard(side, order);
  }

  private expire(side: BookSide, maker: Order): void {
    this.out.cancelled(maker.id, this.symbol, maker.open, "SELF_TRADE");
    this.discard(side, maker);
  }

  /** Removes an order from its level and the id index and returns it to the pool. */
  private discard(side: BookSide, order: Order): void {
    if (this.margin !== null && order.account !== null) this.margin.onOrderRemoved(this, order);
    side.remove(order);
    this.orders.delete(order.id);
    this.pool.release(order);
  }
}
