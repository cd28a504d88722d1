import { BUY, EXPIRE_MAKER, type OrderId, type SideCode, type StpCode } from "../protocol/commands.js";
import type { PriceLevel } from "./price-level.js";

/**
 * A resting order. Records are pooled (OrderPool) and linked intrusively into their level's FIFO,
 * so resting, filling and cancelling allocate nothing once the pool is warm.
 */
export class Order {
  id: OrderId = 0;
  account: string | null = null;
  side: SideCode = BUY;
  price = 0;
  /** Open (unfilled) quantity in lots. */
  open = 0;
  postOnly = false;
  reduceOnly = false;
  stp: StpCode = EXPIRE_MAKER;
  /** Index of the order's book in the engine's instrument list. */
  bookIndex = 0;
  level: PriceLevel | null = null;
  prev: Order | null = null;
  next: Order | null = null;
}

export class OrderPool {
  private readonly free: Order[] = [];

  acquire(): Order {
    return this.free.pop() ?? new Order();
  }

  release(order: Order): void {
    order.account = null;
    order.level = null;
    order.prev = null;
    order.next = null;
    this.free.push(order);
  }
}
