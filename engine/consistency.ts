import { BUY, SELL, type SideCode } from "../protocol/commands.js";
import type { BookSide } from "./book-side.js";
import type { MatchingEngine } from "./engine.js";
import type { Order } from "./order.js";
import type { OrderBook } from "./order-book.js";
import type { OrderIndex } from "./order-index.js";

/**
 * Walks every book and the id index and lists what is inconsistent (empty: consistent). Slow and
 * thorough, for tests and debugging: the fast structures (intrusive lists, cached best level,
 * level totals) must always agree with what a plain walk sees.
 */
export function validateInternalState(engine: MatchingEngine): string[] {
  const problems: string[] = [];
  const index = engine.internalOrderIndex;
  const seen = new Set<Order>();
  engine.internalBooks.forEach((book, bookIndex) => {
    if (book.bookIndex !== bookIndex) problems.push(`${book.symbol}: bookIndex ${book.bookIndex} at ${bookIndex}`);
    checkSide(book, book.bids, BUY, index, seen, problems);
    checkSide(book, book.asks, SELL, index, seen, problems);
    const bid = book.bids.best;
    const ask = book.asks.best;
    if (bid !== null && ask !== null && bid.price >= ask.price) {
      problems.push(`${book.symbol}: crossed at rest, best bid ${bid.price} >= best ask ${ask.price}`);
    }
  });
  for (const [id, order] of index) {
    if (order.id !== id) problems.push(`index: key ${String(id)} holds order ${String(order.id)}`);
    if (!seen.has(order)) problems.push(`index: order ${String(id)} does not rest in any book`);
  }
  return problems;
}

function checkSide(
  book: OrderBook,
  side: BookSide,
  sideCode: SideCode,
  index: OrderIndex,
  seen: Set<Order>,
  problems: string[],
): void {
  const where = `${book.symbol} ${sideCode === BUY ? "bids" : "asks"}`;
  const levels = side.cursor();
  let levelCount = 0;
  let previousPrice: number | null = null;
  const first = levels.next();
  if (side.best !== first) {
    problems.push(`${where}: best is ${side.best?.price ?? "none"}, first level is ${first?.price ?? "none"}`);
  }
  for (let level = first; level !== null; level = levels.next()) {
    levelCount++;
    const at = `${where} @${level.price}`;
    if (previousPrice !== null && !side.isBetter(previousPrice, level.price)) {
      problems.push(`${at}: levels out of order after ${previousPrice}`);
    }
    previousPrice = level.price;
    if (level.head === null || level.count === 0) problems.push(`${at}: empty level left in the side`);
    if (level.head !== null && level.head.prev !== null) problems.push(`${at}: head has a prev`);
    if (level.tail !== null && level.tail.next !== null) problems.push(`${at}: tail has a next`);
    let count = 0;
    let qty = 0;
    let last: Order | null = null;
    for (let o = level.head; o !== null; o = o.next) {
      const label = `${at} order ${String(o.id)}`;
      if (seen.has(o)) {
        problems.push(`${label}: linked twice (cycle or shared order)`);
        break;
      }
      seen.add(o);
      count++;
      qty += o.open;
      if (o.prev !== last) problems.push(`${label}: prev does not point at the previous order`);
      if (o.level !== level) problems.push(`${label}: level pointer is wrong`);
      if (o.price !== level.price) problems.push(`${label}: price ${o.price} in level ${level.price}`);
      if (o.side !== sideCode) problems.push(`${label}: side ${o.side} on the wrong side`);
      if (o.bookIndex !== book.bookIndex) problems.push(`${label}: bookIndex ${o.bookIndex}`);
      if (!Number.isSafeInteger(o.open) || o.open <= 0) problems.push(`${label}: open ${o.open}`);
      if (index.get(o.id) !== o) problems.push(`${label}: not in the id index`);
      last = o;
    }
    if (level.tail !== last) problems.push(`${at}: tail is not the last order`);
    if (level.count !== count) problems.push(`${at}: count ${level.count}, orders ${count}`);
    if (level.totalQty !== qty) problems.push(`${at}: totalQty ${level.totalQty}, sum of orders ${qty}`);
  }
  if (side.levelCount !== levelCount) problems.push(`${where}: levelCount ${side.levelCount}, levels ${levelCount}`);
}
