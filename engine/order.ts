import type { OrderId, SELL, SideCode, StpCode } from "../protocol/commands.js";
import type { RestingView } from "./depth-view.js";
import type { PriceLevel } from "./price-level.js";

// Bit layout of Order.flags: five small fields in one small integer (measured: 16 bytes less heap
// per resting order than five separate fields, at no measurable cost in throughput).
// The side is stored as its own code (BUY = 0 leaves the bit clear, SELL = 1 sets it); the type
// ties the literal to SELL, so a change of the codes fails to compile instead of misreading sides.
const SIDE_BIT: typeof SELL = 1;
const POST_ONLY_BIT = 2;
const REDUCE_ONLY_BIT = 4;
const STP_SHIFT = 3;
const STP_MASK = 3 << STP_SHIFT;
const BOOK_SHIFT = 5;
const LOW_BITS = (1 << BOOK_SHIFT) - 1;

/**
 * A resting order. Records are pooled (OrderPool) and linked intrusively into their level's FIFO,
 * so resting, filling and cancelling allocate nothing once the pool is warm. Side, flags,
 * self-trade mode and book index share one packed field behind ordinary accessors.
 */
export class Order implements RestingView {
  id: OrderId = 0;
  account: string | null = null;
  /**
   * The money layer's record for this order's account on its book, set when a margined order
   * rests (MarginHooks.onOrderRested): its fills and cancels then reach the account without
   * looking the name up. Opaque to the engine; null without a money layer.
   */
  owner: object | null = null;
  price = 0;
  /** Open (unfilled) quantity in lots. */
  open = 0;
  private flags = 0;
  level: PriceLevel | null = null;
  prev: Order | null = null;
  next: Order | null = null;

  get side(): SideCode {
    return (this.flags & SIDE_BIT) as SideCode;
  }

  set side(side: SideCode) {
    this.flags = (this.flags & ~SIDE_BIT) | side;
  }

  get postOnly(): boolean {
    return (this.flags & POST_ONLY_BIT) !== 0;
  }

  set postOnly(on: boolean) {
    this.flags = on ? this.flags | POST_ONLY_BIT : this.flags & ~POST_ONLY_BIT;
  }

  get reduceOnly(): boolean {
    return (this.flags & REDUCE_ONLY_BIT) !== 0;
  }

  set reduceOnly(on: boolean) {
    this.flags = on ? this.flags | REDUCE_ONLY_BIT : this.flags & ~REDUCE_ONLY_BIT;
  }

  get stp(): StpCode {
    return ((this.flags & STP_MASK) >>> STP_SHIFT) as StpCode;
  }

  set stp(mode: StpCode) {
    this.flags = (this.flags & ~STP_MASK) | (mode << STP_SHIFT);
  }

  /** Index of the order's book in the engine's instrument list (below 2^25). */
  get bookIndex(): number {
    return this.flags >>> BOOK_SHIFT;
  }

  set bookIndex(index: number) {
    this.flags = (this.flags & LOW_BITS) | (index << BOOK_SHIFT);
  }
}

export class OrderPool {
  private readonly free: Order[] = [];

  acquire(): Order {
    return this.free.pop() ?? new Order();
  }

  release(order: Order): void {
    order.account = null;
    order.owner = null;
    order.level = null;
    order.prev = null;
    order.next = null;
    this.free.push(order);
  }
}
