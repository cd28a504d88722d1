/**
 * The seam between matching and money. The engine knows nothing of collateral or positions; a
 * money layer (the liquidator's margin engine) plugs in here through EngineOptions.margin and is
 * told about exactly the moments that matter to it. Without hooks the engine pays one null check
 * at each of these points, and orders without an account never reach the hooks at all.
 */
import type { InstrumentSpec, OrderId, SideCode } from "../protocol/commands.js";
import type { CancelReason, ModifyReason, RejectCode } from "../protocol/reject-codes.js";
import type { DepthView } from "./depth-view.js";
import type { EventStream } from "./event-stream.js";
import type { Order } from "./order.js";
import type { Taker } from "./taker.js";

/**
 * A book as the money layer sees it: its depth (depth-view.ts) and parameters, and the two changes
 * it may make to the resting orders of its accounts (reduce-only upkeep, cancels on entry into
 * liquidation). The engine's OrderBook implements it; matching stays out of the money layer's reach.
 */
export interface MarginBook extends DepthView<Order> {
  readonly symbol: string;
  readonly bookIndex: number;
  readonly spec: InstrumentSpec;
  /** The last oracle (mark) price; 0 until the first `oracle` command. */
  readonly oraclePrice: number;
  /** Cancels a resting order with `reason` (a `cancelled` event) and frees it. */
  cancelResting(order: Order, reason: CancelReason): void;
  /** Lowers a resting order's open quantity by `qty`, keeping its place in the queue (a `modified` event). */
  shrink(order: Order, qty: number, reason?: ModifyReason | ""): void;
}

/** What the engine lends its money layer: the event channel, the books, and a way to trade. */
export interface MarginControl {
  readonly events: EventStream;
  readonly books: readonly MarginBook[];
  /**
   * Matches a liquidator's child order for `account` now: immediate-or-cancel (the unfilled rest
   * is cancelled with an event), its fills flagged `liquidation`. Fills reach the hooks as usual.
   */
  submitChild(book: MarginBook, id: OrderId, account: string, side: SideCode, limitPrice: number, qty: number): void;
  /** Whether a resting order holds this id now (a child order's id must not). */
  isLive(id: OrderId): boolean;
}

export interface MarginHooks {
  /** Called once, when the engine is built. */
  attach(control: MarginControl): void;

  /**
   * Before a margined order (one with an account) is accepted. `book` is null for the default
   * instrument before it exists. `limitPrice` is the limit price or a market order's protection
   * bound; `rests` says whether an unfilled rest would stay on the book (GTC limit).
   */
  checkOrder(
    book: MarginBook | null,
    account: string,
    side: SideCode,
    limitPrice: number,
    qty: number,
    rests: boolean,
    reduceOnly: boolean,
  ): RejectCode | null;

  /** Before a modify that raises the quantity or moves the price of a margined order. */
  checkModify(book: MarginBook, order: Order, newPrice: number, newQty: number): RejectCode | null;

  /** After acceptance, before matching: may lower a reduce-only taker's quantity (and say so in an event). */
  clipReduceOnly(book: MarginBook, taker: Taker): void;

  /** Lots a reduce-only order of `account` on `side` may still trade: what reduces its position. */
  reduceOnlyRoom(book: MarginBook, account: string, side: SideCode): number;

  /** A margined order joined the book / lost open quantity without trading / left the book. */
  onOrderRested(book: MarginBook, order: Order): void;
  onOrderReduced(book: MarginBook, order: Order, qty: number): void;
  onOrderRemoved(book: MarginBook, order: Order): void;

  /** After each fill in which at least one side may be margined; the maker's open is already reduced. */
  onFill(book: MarginBook, price: number, qty: number, maker: Order, taker: Taker): void;

  /** Collateral moves: `amount` > 0 deposits, < 0 withdraws. */
  checkTransfer(account: string, amount: number): RejectCode | null;
  transfer(account: string, amount: number): void;

  /** A backstop offer on `book` (maxNotional 0 withdraws it); always accepted. */
  offerBackstop(book: MarginBook, account: string, discountPpm: number, maxNotional: number): void;

  /** After the book's oracle price changed. */
  onOracle(book: MarginBook): void;

  /**
   * After every command that passed validation: deferred work (reduce-only upkeep, margin
   * re-checks, the liquidator). `accepted` is false when the engine rejected it: nothing changed,
   * so no paced work may run either.
   */
  afterCommand(accepted: boolean): void;
}
