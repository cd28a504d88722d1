/**
 * Reduce-only upkeep: after a command, the resting reduce-only orders of a position must fit in
 * it — their open quantity on the reducing side at most |qty|, none on the other side. The most
 * aggressively priced keep their size (they would fill first; within a price, queue order); the
 * rest are shrunk (`modified`, reason REDUCE_ONLY, priority kept) or cancelled (`cancelled`,
 * reason REDUCE_ONLY). The order depends only on the book, never on history.
 */
import type { Order } from "../engine/order.js";
import { BUY } from "../protocol/commands.js";
import type { Position } from "./account.js";

function byPriority(a: Order, b: Order): number {
  if (a.side !== b.side) return a.side - b.side;
  if (a.price === b.price) return 0; // stable sort: placement order, which is queue order at one price
  return a.side === BUY ? b.price - a.price : a.price - b.price;
}

export function fitReduceOnly(p: Position): void {
  p.reduceOnlyStale = false;
  if (p.reduceOnly.length === 0) return;
  const book = p.instrument.book;
  let roomBuy = Math.max(0, -p.qty);
  let roomSell = Math.max(0, p.qty);
  const orders = p.reduceOnly.slice().sort(byPriority);
  for (const order of orders) {
    const buy = order.side === BUY; // read before a cancel returns the record to its pool
    const keep = Math.min(buy ? roomBuy : roomSell, order.open);
    if (keep === 0) book.cancelResting(order, "REDUCE_ONLY");
    else if (keep < order.open) book.shrink(order, order.open - keep, "REDUCE_ONLY");
    if (buy) roomBuy -= keep;
    else roomSell -= keep;
  }
}
