import { RBTree } from "bintrees";
import type { LevelsView, SideView } from "./depth-view.js";
import { IntKeyTable } from "./int-key-table.js";
import type { Order } from "./order.js";
import { PriceLevel } from "./price-level.js";

const byPrice = (a: PriceLevel, b: PriceLevel): number => a.price - b.price;

/**
 * One side of a book: price levels in a red-black tree (O(log levels) insert and remove), a table
 * from price to level for O(1) lookup when an order joins an existing level (an IntKeyTable: levels
 * come and go all day, and a Map's rehash would stall on that churn), and the best level cached so
 * the matching loop never searches the tree.
 */
export class BookSide implements SideView<Order> {
  readonly isBid: boolean;
  best: PriceLevel | null = null;
  /** Counts orders added: a liquidator waiting for depth on this side looks again only after one. */
  addCount = 0;
  private readonly tree = new RBTree<PriceLevel>(byPrice);
  // 16 slots, not 1,024: 100k instruments would hold 2.4 GB of empty tables; it doubles as levels come.
  private readonly levels = new IntKeyTable<PriceLevel>(16);
  private readonly levelPool: PriceLevel[] = [];

  constructor(isBid: boolean) {
    this.isBid = isBid;
  }

  get levelCount(): number {
    return this.levels.size;
  }

  /** True when a price on this side is strictly better than `other` (higher bid, lower ask). */
  isBetter(price: number, other: number): boolean {
    return this.isBid ? price > other : price < other;
  }

  add(order: Order): void {
    this.addCount++;
    let level = this.levels.get(order.price);
    if (level === undefined) {
      level = this.levelPool.pop() ?? new PriceLevel();
      level.price = order.price;
      this.levels.set(order.price, level);
      this.tree.insert(level);
      if (this.best === null || this.isBetter(order.price, this.best.price)) this.best = level;
    }
    level.append(order);
  }

  /** Removes a resting order; an emptied level leaves the tree. */
  remove(order: Order): void {
    const level = order.level as PriceLevel;
    level.remove(order);
    if (level.count === 0) this.removeLevel(level);
  }

  /** Takes `qty` from a resting order that stays in place (a fill or a quantity decrease). */
  reduce(order: Order, qty: number): void {
    order.open -= qty;
    (order.level as PriceLevel).totalQty -= qty;
  }

  private removeLevel(level: PriceLevel): void {
    this.levels.delete(level.price);
    this.tree.remove(level);
    if (this.best === level) this.best = this.isBid ? this.tree.max() : this.tree.min();
    level.head = null;
    level.tail = null;
    level.totalQty = 0;
    this.levelPool.push(level);
  }

  /** A cursor over the levels, best first: call `next()` until it returns null. */
  cursor(): LevelCursor {
    return new LevelCursor(this.tree.iterator(), this.isBid);
  }
}

export class LevelCursor implements LevelsView<Order> {
  constructor(
    private readonly it: { next(): PriceLevel | null; prev(): PriceLevel | null },
    private readonly descending: boolean,
  ) {}

  next(): PriceLevel | null {
    return this.descending ? this.it.prev() : this.it.next();
  }
}
