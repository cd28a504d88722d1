import type { LevelView } from "./depth-view.js";
import type { Order } from "./order.js";

/**
 * One price level: its orders in time priority as an intrusive doubly-linked list, so append,
 * remove-anywhere (cancel) and pop-front (fill) are O(1) whatever the level's length.
 * (Measured against a denque with lazy deletion: see bench/level-queue.bench.ts.)
 */
export class PriceLevel implements LevelView<Order> {
  price = 0;
  /** Sum of the open quantity of the orders at this level. */
  totalQty = 0;
  count = 0;
  head: Order | null = null;
  tail: Order | null = null;

  append(order: Order): void {
    order.level = this;
    order.next = null;
    order.prev = this.tail;
    if (this.tail === null) this.head = order;
    else this.tail.next = order;
    this.tail = order;
    this.totalQty += order.open;
    this.count++;
  }

  /** Unlinks `order`; its open quantity leaves the level total. */
  remove(order: Order): void {
    const { prev, next } = order;
    if (prev === null) this.head = next;
    else prev.next = next;
    if (next === null) this.tail = prev;
    else next.prev = prev;
    order.prev = null;
    order.next = null;
    order.level = null;
    this.totalQty -= order.open;
    this.count--;
  }
}
