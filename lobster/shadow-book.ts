/**
 * The importer's own model of the book it is building in the engine: a deliberately plain
 * price-time book (sorted level arrays, FIFO arrays). The importer needs to know what the engine
 * will hold after each command, to see where the engine's visible book would part from NASDAQ's
 * snapshot and to write the commands that hold it there, without depending on the engine.
 */
import type { OrderId } from "../protocol/commands.js";

export class ShadowOrder {
  constructor(
    readonly id: OrderId,
    readonly isBid: boolean,
    readonly price: number,
    public open: number,
    /** Not a LOBSTER order: stands for orders the file never showed (opening book, risen into view). */
    readonly synthetic: boolean,
  ) {}
}

export class ShadowLevel {
  readonly orders: ShadowOrder[] = [];
  total = 0;
  constructor(readonly price: number) {}
}

export class ShadowSide {
  /** Best level first. */
  readonly levels: ShadowLevel[] = [];
  private readonly byPrice = new Map<number, ShadowLevel>();

  constructor(readonly isBid: boolean) {}

  /** True when `a` is a better price than `b` on this side. */
  better(a: number, b: number): boolean {
    return this.isBid ? a > b : a < b;
  }

  level(price: number): ShadowLevel | undefined {
    return this.byPrice.get(price);
  }

  append(order: ShadowOrder): void {
    let level = this.byPrice.get(order.price);
    if (level === undefined) {
      level = new ShadowLevel(order.price);
      this.byPrice.set(order.price, level);
      let lo = 0;
      let hi = this.levels.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (this.better((this.levels[mid] as ShadowLevel).price, order.price)) lo = mid + 1;
        else hi = mid;
      }
      this.levels.splice(lo, 0, level);
    }
    level.orders.push(order);
    level.total += order.open;
  }

  /** Takes `order` off its level; an emptied level goes. */
  remove(order: ShadowOrder): void {
    const level = this.byPrice.get(order.price);
    if (level === undefined) return;
    const at = level.orders.indexOf(order);
    if (at === -1) return;
    level.orders.splice(at, 1);
    level.total -= order.open;
    if (level.orders.length === 0) {
      this.byPrice.delete(level.price);
      this.levels.splice(this.levels.indexOf(level), 1);
    }
  }

  reduce(order: ShadowOrder, by: number): void {
    order.open -= by;
    const level = this.byPrice.get(order.price);
    if (level !== undefined) level.total -= by;
  }
}

/** A maker's part of a match, as the engine would report it. */
export interface ShadowFill {
  makerId: OrderId;
  qty: number;
}

export class ShadowBook {
  readonly bids = new ShadowSide(true);
  readonly asks = new ShadowSide(false);
  readonly orders = new Map<OrderId, ShadowOrder>();

  sideOf(isBid: boolean): ShadowSide {
    return isBid ? this.bids : this.asks;
  }

  /**
   * A limit order as the engine runs it: match the opposite side best price first, FIFO inside a
   * level, up to `price`; the rest rests (GTC) or is dropped (IOC). Fills go to `fills` if given.
   */
  submit(
    id: OrderId,
    isBid: boolean,
    price: number,
    qty: number,
    rests: boolean,
    synthetic: boolean,
    fills: ShadowFill[] | null,
  ): number {
    const opposite = this.sideOf(!isBid);
    let left = qty;
    while (left > 0 && opposite.levels.length > 0) {
      const level = opposite.levels[0] as ShadowLevel;
      if (isBid ? level.price > price : level.price < price) break;
      while (left > 0 && level.orders.length > 0) {
        const maker = level.orders[0] as ShadowOrder;
        const take = Math.min(left, maker.open);
        left -= take;
        fills?.push({ makerId: maker.id, qty: take });
        if (take === maker.open) this.remove(maker);
        else opposite.reduce(maker, take);
      }
    }
    if (left > 0 && rests) {
      const order = new ShadowOrder(id, isBid, price, left, synthetic);
      this.orders.set(id, order);
      this.sideOf(isBid).append(order);
    }
    return left;
  }

  remove(order: ShadowOrder): void {
    this.sideOf(order.isBid).remove(order);
    this.orders.delete(order.id);
  }

  /** A quantity decrease that keeps the order's place. */
  reduce(order: ShadowOrder, by: number): void {
    this.sideOf(order.isBid).reduce(order, by);
  }
}
