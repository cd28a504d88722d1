/**
 * What the money layer reads of a book's depth, and nothing it could change: a side's levels best
 * first, each level's total and its resting orders in time priority, and a stamp that moves when
 * an order joins the side (a liquidator waiting for depth compares it and looks again only after
 * it moved). The models: exchange-core's IOrderBook (the risk engine reads the book through an
 * interface, not its classes) and Liquibook's depth (levels best first and a change stamp its
 * consumer compares with the last one it saw).
 *
 * The engine's own records implement these structurally (BookSide, PriceLevel, LevelCursor,
 * Order): a type, not a copy or a wrapper, so a read costs what it did and the matching loop is
 * untouched. The money layer holds a book as a MarginBook (margin-hooks.ts: this depth, the
 * book's parameters, and the two changes it may make to its accounts' resting orders) and trades
 * through MarginControl.submitChild; it imports neither book-side.ts, price-level.ts nor
 * order-book.ts (test/layering.test.ts).
 */
import type { OrderId, SideCode } from "../protocol/commands.js";

/** A resting order as the depth shows it. */
export interface RestingView {
  readonly id: OrderId;
  readonly account: string | null;
  readonly side: SideCode;
  readonly price: number;
  /** Open (unfilled) lots. */
  readonly open: number;
  readonly reduceOnly: boolean;
  /** The next order of the same level in time priority. */
  readonly next: RestingView | null;
}

/** One price level; `O` is what its orders are seen as (the engine's Order for the layer's own orders). */
export interface LevelView<O extends RestingView = RestingView> {
  readonly price: number;
  /** Σ of the open lots of its orders. */
  readonly totalQty: number;
  readonly count: number;
  /** The first order in time priority; walk on with `next`. */
  readonly head: O | null;
}

/** The levels of a side, best first: call `next()` until it returns null. */
export interface LevelsView<O extends RestingView = RestingView> {
  next(): LevelView<O> | null;
}

/** One side of a book's depth. */
export interface SideView<O extends RestingView = RestingView> {
  readonly isBid: boolean;
  readonly best: LevelView<O> | null;
  /** The side's change stamp: the count of orders added to it. */
  readonly addCount: number;
  /** A cursor over the levels, best first. */
  cursor(): LevelsView<O>;
}

/** A book's depth: its two sides and the side an order of `side` trades against. */
export interface DepthView<O extends RestingView = RestingView> {
  readonly bids: SideView<O>;
  readonly asks: SideView<O>;
  oppositeOf(side: SideCode): SideView<O>;
}
