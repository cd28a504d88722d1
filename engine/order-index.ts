import type { OrderId } from "../protocol/commands.js";
import { IntKeyTable } from "./int-key-table.js";
import type { Order } from "./order.js";
import { StringKeyTable } from "./string-key-table.js";

/**
 * The live orders by id: numeric ids in an IntKeyTable, string ids in a StringKeyTable; neither
 * stalls to rehash under churn as a Map does. Nothing that must be deterministic iterates this:
 * iteration is numeric ids in slot order, then string ids in slot order.
 */
export class OrderIndex {
  private readonly byNumber = new IntKeyTable<Order>();
  private readonly byString = new StringKeyTable<Order>();

  get size(): number {
    return this.byNumber.size + this.byString.size;
  }

  get(id: OrderId): Order | undefined {
    return typeof id === "number" ? this.byNumber.get(id) : this.byString.get(id);
  }

  has(id: OrderId): boolean {
    return this.get(id) !== undefined;
  }

  /** Adds or replaces the order under `id`. */
  set(id: OrderId, order: Order): void {
    if (typeof id === "number") this.byNumber.set(id, order);
    else this.byString.set(id, order);
  }

  /** Removes `id`; false when it was not there. */
  delete(id: OrderId): boolean {
    return typeof id === "number" ? this.byNumber.delete(id) : this.byString.delete(id);
  }

  *[Symbol.iterator](): IterableIterator<[OrderId, Order]> {
    yield* this.byNumber;
    yield* this.byString;
  }
}
