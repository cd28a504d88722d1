import {
  BUY,
  type Command,
  CommandRecord,
  type CommandType,
  DEFAULT_SYMBOL,
  EXPIRE_MAKER,
  FOK,
  GTC,
  type InstrumentSpec,
  type OrderId,
  SIDE_NAMES,
  type Side,
  type SideCode,
} from "../protocol/commands.js";
import { type EventListener, type EventSink, ListenerSink } from "../protocol/events.js";
import { setOwnEntry } from "../protocol/own-entry.js";
import type { RejectCode } from "../protocol/reject-codes.js";
import { isSafeProduct, MAX_SAFE, mulDivCeil, mulDivFloor, PPM } from "../protocol/units.js";
import { readCommand } from "../protocol/validate.js";
import type { BookSide } from "./book-side.js";
import { EventStream } from "./event-stream.js";
import { ListenerGuard } from "./listener-guard.js";
import type { MarginHooks } from "./margin-hooks.js";
import { type Order, OrderPool } from "./order.js";
import { OrderBook } from "./order-book.js";
import { OrderIndex } from "./order-index.js";
import { computeStateHash } from "./state-hash.js";
import { type StateSection, StateSections } from "./state-section.js";
import { Taker } from "./taker.js";

export interface MatchingEngineOptions {
  /**
   * Receives every event. The record is reused: copy it (eventToObject) to keep it. Should it
   * throw, the command still completes and `apply` then throws an EventListenerError.
   */
  onEvent?: EventListener;
  /** The money layer (accounts, margin). Without it, orders carry no money and deposits are refused. */
  margin?: MarginHooks | null;
}

/** A level as [price, total open qty, number of orders]. */
export type DepthLevel = [price: number, qty: number, orders: number];

export interface BookDepth {
  bids: DepthLevel[];
  asks: DepthLevel[];
}

export interface RestingOrderView {
  id: OrderId;
  symbol: string;
  side: Side;
  price: number;
  open: number;
  account: string | null;
  postOnly: boolean;
  reduceOnly: boolean;
}

function defaultSpec(symbol: string): InstrumentSpec {
  return { symbol, tiers: null, makerFeePpm: null, takerFeePpm: null, liquidation: null };
}

/**
 * The matching engine on the calling thread: validates each command, applies it to its book and
 * emits the resulting events synchronously. It never throws on user input: a bad command becomes
 * a `rejected` event and changes nothing.
 */
export class MatchingEngine {
  private readonly out = new EventStream();
  private readonly cmd = new CommandRecord();
  /** The record being executed: rejections report its fields (it is not always `cmd`). */
  private current: CommandRecord = this.cmd;
  private readonly taker = new Taker();
  private readonly orders = new OrderIndex();
  private readonly pool = new OrderPool();
  private readonly books: OrderBook[] = [];
  private readonly booksBySymbol = new Map<string, OrderBook>();
  private readonly margin: MarginHooks | null;
  private readonly sections = new StateSections();
  private lastBook: OrderBook | null = null;
  /** Set when the command being executed was rejected. */
  private rejectedCurrent = false;
  private guard: ListenerGuard | null = null;

  constructor(options: MatchingEngineOptions = {}) {
    this.setListener(options.onEvent ?? null);
    this.margin = options.margin ?? null;
    this.margin?.attach({
      events: this.out,
      books: this.books,
      // The engine's own book by its index: the money layer holds it only as a MarginBook.
      submitChild: (book, id, account, side, limitPrice, qty) =>
        this.child(this.books[book.bookIndex] as OrderBook, id, account, side, limitPrice, qty),
      isLive: (id) => this.orders.has(id),
    });
  }

  /** Replaces the event listener (null: events are numbered but go nowhere). */
  setListener(listener: EventListener | null): void {
    this.guard = listener === null ? null : new ListenerGuard(listener);
    this.out.sink = this.guard === null ? null : new ListenerSink(this.guard.call);
  }

  /** Hands events to `sink` by type (the worker's wire writer: one function an event type). */
  setSink(sink: EventSink | null): void {
    this.guard = null;
    this.out.sink = sink;
  }

  /** After a command: a listener that threw is reported now that the state is whole again. */
  private reportListener(): void {
    const failure = this.guard?.take() ?? null;
    if (failure !== null) throw failure;
  }

  /** The last event's sequence number. */
  get seq(): number {
    return this.out.seq;
  }

  /** The engine clock in ns: the last `ts` an accepted command carried. */
  get clock(): number {
    return this.out.ts;
  }

  get liveOrderCount(): number {
    return this.orders.size;
  }

  /**
   * Validates and applies one command. The type holds callers to the contract's shapes (a typo
   * such as `type: "limt"` does not compile); the engine checks every field all the same.
   */
  apply(command: Command, line = 0): void {
    this.applyInput(command, line);
  }

  /**
   * Validates and applies input of any shape, as read from a file or the network: whatever it is,
   * it is applied or rejected with a stable reason code. `line` is its line in a source file (0: none).
   */
  applyInput(input: unknown, line = 0): void {
    const cmd = this.cmd;
    const code = readCommand(input, cmd);
    cmd.line = line;
    if (code !== null) {
      this.rejectInvalid(cmd, code);
      return;
    }
    this.execute(cmd);
  }

  /** Rejects a command that failed validation elsewhere (the worker's wire), as `apply` would. */
  rejectInvalid(cmd: CommandRecord, code: RejectCode): void {
    // Without a known type the record still says "tick" (its reset value): name no command.
    if (code === "MALFORMED_LINE" || code === "UNKNOWN_COMMAND") {
      this.rejectLine(code, cmd.line);
      return;
    }
    const ts = cmd.hasTs && cmd.ts >= this.out.ts ? cmd.ts : this.out.ts;
    this.out.rejected(cmd.type, cmd.hasId ? cmd.id : null, code, cmd.line, ts);
    this.reportListener();
  }

  /** Reports a source line that could not be read as a command (bad JSON, unknown field). */
  rejectLine(reason: RejectCode, line: number, command: CommandType | null = null, id: OrderId | null = null): void {
    this.out.rejected(command, id, reason, line, this.out.ts);
    this.reportListener();
  }

  /** Applies a command already validated into a record (the binary protocol's entry point). */
  execute(cmd: CommandRecord): void {
    this.current = cmd;
    this.rejectedCurrent = false;
    this.dispatch(cmd);
    if (this.margin !== null) this.margin.afterCommand(!this.rejectedCurrent);
    this.reportListener();
  }

  /** A liquidator's child order (MarginControl.submitChild): runs after the command, so the taker record is free. */
  private child(book: OrderBook, id: OrderId, account: string, side: SideCode, limitPrice: number, qty: number): void {
    const taker = this.taker;
    taker.reset(id, account, side, limitPrice, qty, EXPIRE_MAKER);
    taker.liquidation = true;
    book.take(taker);
    if (taker.remaining === 0) return;
    this.out.cancelled(id, book.symbol, taker.remaining, taker.expiredBySelfTrade ? "SELF_TRADE" : "IOC_REMAINDER");
  }

  private dispatch(cmd: CommandRecord): void {
    if (cmd.hasTs && cmd.ts < this.out.ts) {
      this.reject("TS_DECREASING");
      return;
    }
    switch (cmd.type) {
      case "limit":
        this.limit(cmd);
        return;
      case "market":
        this.market(cmd);
        return;
      case "cancel":
        this.cancel(cmd);
        return;
      case "modify":
        this.modify(cmd);
        return;
      case "instrument":
        this.instrument(cmd);
        return;
      case "oracle":
        this.oracle(cmd);
        return;
      case "tick":
        this.accept(cmd);
        return;
      case "deposit":
      case "withdraw":
        this.transfer(cmd);
        return;
      case "backstop":
        this.backstop(cmd);
        return;
    }
  }

  private reject(code: RejectCode): void {
    this.rejectedCurrent = true;
    this.rejectInvalid(this.current, code);
  }

  /** Advances the clock and emits `accepted`: the point after which the command changes state. */
  private accept(cmd: CommandRecord): void {
    if (cmd.hasTs) this.out.ts = cmd.ts;
    this.out.accepted(cmd);
  }

  /**
   * The book of a symbol: undefined when the symbol is unknown, null for the default instrument
   * before it exists. The default book is created only once a command on it is accepted, so a
   * rejected command leaves the state untouched.
   */
  private findBook(symbol: string): OrderBook | null | undefined {
    // Flows are mostly one instrument at a time: the last book found is asked for again.
    if (symbol === this.lastBook?.symbol) return this.lastBook;
    const book = this.booksBySymbol.get(symbol);
    if (book !== undefined) {
      this.lastBook = book;
      return book;
    }
    return symbol === DEFAULT_SYMBOL ? null : undefined;
  }

  private bookOrDefault(found: OrderBook | null): OrderBook {
    return found ?? this.createBook(defaultSpec(DEFAULT_SYMBOL));
  }

  private createBook(spec: InstrumentSpec): OrderBook {
    const book = new OrderBook(spec.symbol, this.books.length, spec, this.orders, this.pool, this.out);
    book.margin = this.margin;
    this.books.push(book);
    this.booksBySymbol.set(spec.symbol, book);
    return book;
  }

  private limit(cmd: CommandRecord): void {
    const found = this.findBook(cmd.symbol);
    if (found === undefined) return this.reject("UNKNOWN_SYMBOL");
    if (this.orders.has(cmd.id)) return this.reject("DUPLICATE_ID");
    if (cmd.postOnly && found?.wouldCross(cmd.side, cmd.price)) {
      return this.reject("POST_ONLY_WOULD_CROSS");
    }
    if (cmd.account !== null && this.margin !== null) {
      const code = this.margin.checkOrder(
        found,
        cmd.account,
        cmd.side,
        cmd.price,
        cmd.qty,
        cmd.tif === GTC,
        cmd.reduceOnly,
      );
      if (code !== null) return this.reject(code);
    }
    this.accept(cmd);
    const book = this.bookOrDefault(found);
    const taker = this.taker;
    taker.reset(cmd.id, cmd.account, cmd.side, cmd.price, cmd.qty, cmd.stp);
    if (cmd.reduceOnly && this.margin !== null) this.margin.clipReduceOnly(book, taker);
    if (cmd.tif === FOK && !book.canFillCompletely(taker)) {
      this.out.cancelled(cmd.id, book.symbol, taker.remaining, "FOK_UNFILLABLE");
      return;
    }
    book.take(taker);
    if (taker.remaining === 0) return;
    if (taker.expiredBySelfTrade) {
      this.out.cancelled(cmd.id, book.symbol, taker.remaining, "SELF_TRADE");
    } else if (cmd.tif !== GTC) {
      this.out.cancelled(cmd.id, book.symbol, taker.remaining, "IOC_REMAINDER");
    } else {
      const order = this.pool.acquire();
      order.id = cmd.id;
      order.account = cmd.account;
      order.side = cmd.side;
      order.price = cmd.price;
      order.open = taker.remaining;
      order.postOnly = cmd.postOnly;
      order.reduceOnly = cmd.reduceOnly;
      order.stp = cmd.stp;
      order.bookIndex = book.bookIndex;
      this.orders.set(order.id, order);
      book.rest(order);
    }
  }

  private market(cmd: CommandRecord): void {
    const found = this.findBook(cmd.symbol);
    if (found === undefined) return this.reject("UNKNOWN_SYMBOL");
    if (this.orders.has(cmd.id)) return this.reject("DUPLICATE_ID");
    const liquid = found !== null && found.oppositeOf(cmd.side).best !== null;
    const bound = liquid ? protectionBound(found.oppositeOf(cmd.side), cmd.side === BUY, cmd.protectionPpm) : 0;
    if (cmd.account !== null && this.margin !== null) {
      const code = this.margin.checkOrder(found, cmd.account, cmd.side, bound, cmd.qty, false, cmd.reduceOnly);
      if (code !== null) return this.reject(code);
    }
    this.accept(cmd);
    const book = this.bookOrDefault(found);
    const opposite = book.oppositeOf(cmd.side);
    if (!liquid) {
      this.out.cancelled(cmd.id, book.symbol, cmd.qty, "NO_LIQUIDITY");
      return;
    }
    const taker = this.taker;
    taker.reset(cmd.id, cmd.account, cmd.side, bound, cmd.qty, cmd.stp);
    if (cmd.reduceOnly && this.margin !== null) this.margin.clipReduceOnly(book, taker);
    book.take(taker);
    if (taker.remaining === 0) return;
    const reason = taker.expiredBySelfTrade
      ? "SELF_TRADE"
      : opposite.best === null
        ? "NO_LIQUIDITY"
        : "PROTECTION_BOUND";
    this.out.cancelled(cmd.id, book.symbol, taker.remaining, reason);
  }

  private cancel(cmd: CommandRecord): void {
    const order = this.orders.get(cmd.id);
    if (order === undefined) return this.reject("UNKNOWN_ORDER");
    this.accept(cmd);
    (this.books[order.bookIndex] as OrderBook).cancelResting(order, "USER");
  }

  /**
   * A decrease of open quantity at the same price keeps time priority (the order stays in place);
   * a price change or an increase re-enters the order at the back, matching first if it crosses.
   */
  private modify(cmd: CommandRecord): void {
    const order = this.orders.get(cmd.id);
    if (order === undefined) return this.reject("UNKNOWN_ORDER");
    const book = this.books[order.bookIndex] as OrderBook;
    const newQty = cmd.hasQty ? cmd.qty : order.open;
    const newPrice = cmd.hasPrice ? cmd.price : order.price;
    if (!isSafeProduct(newPrice, newQty)) return this.reject("NOTIONAL_OVERFLOW");
    const repriced = newPrice !== order.price;
    if (order.postOnly && repriced && book.wouldCross(order.side, newPrice)) {
      return this.reject("POST_ONLY_WOULD_CROSS");
    }
    if (order.account !== null && this.margin !== null && (repriced || newQty > order.open)) {
      const code = this.margin.checkModify(book, order, newPrice, newQty);
      if (code !== null) return this.reject(code);
    }
    this.accept(cmd);
    const prevPrice = order.price;
    const prevQty = order.open;
    if (!repriced && newQty <= prevQty) {
      book.shrink(order, prevQty - newQty);
      return;
    }
    book.unlink(order);
    order.price = newPrice;
    order.open = newQty;
    this.out.modified(order, book.symbol, prevPrice, prevQty, false);
    const taker = this.taker;
    taker.reset(order.id, order.account, order.side, newPrice, newQty, order.stp);
    if (order.reduceOnly && this.margin !== null) this.margin.clipReduceOnly(book, taker);
    book.take(taker);
    if (taker.remaining > 0 && !taker.expiredBySelfTrade) {
      order.open = taker.remaining;
      book.rest(order);
      return;
    }
    if (taker.expiredBySelfTrade) this.out.cancelled(order.id, book.symbol, taker.remaining, "SELF_TRADE");
    this.orders.delete(order.id);
    this.pool.release(order);
  }

  private instrument(cmd: CommandRecord): void {
    const spec = cmd.instrument as InstrumentSpec;
    if (this.booksBySymbol.has(spec.symbol)) return this.reject("INSTRUMENT_EXISTS");
    this.accept(cmd);
    this.createBook(spec);
  }

  private oracle(cmd: CommandRecord): void {
    const found = this.findBook(cmd.symbol);
    if (found === undefined) return this.reject("UNKNOWN_SYMBOL");
    this.accept(cmd);
    const book = this.bookOrDefault(found);
    book.oraclePrice = cmd.price;
    if (this.margin !== null) this.margin.onOracle(book);
  }

  /** Deposits and withdrawals belong to the money layer; without one they are refused. */
  private transfer(cmd: CommandRecord): void {
    const margin = this.margin;
    if (margin === null) return this.reject("UNSUPPORTED_COMMAND");
    const account = cmd.account as string;
    const amount = cmd.type === "deposit" ? cmd.amount : -cmd.amount;
    const code = margin.checkTransfer(account, amount);
    if (code !== null) return this.reject(code);
    this.accept(cmd);
    margin.transfer(account, amount);
  }

  /** A backstop offer: the money layer's; on an instrument that exists. */
  private backstop(cmd: CommandRecord): void {
    const margin = this.margin;
    if (margin === null) return this.reject("UNSUPPORTED_COMMAND");
    const book = this.findBook(cmd.symbol);
    if (book === undefined || book === null) return this.reject("UNKNOWN_SYMBOL");
    this.accept(cmd);
    margin.offerBackstop(book, cmd.account as string, cmd.discountPpm, cmd.amount);
  }

  /** The symbols of all instruments, in the order they were defined. */
  symbols(): string[] {
    return this.books.map((b) => b.symbol);
  }

  /** Best-first levels of one book, at most `maxLevels` a side. */
  depth(symbol: string = DEFAULT_SYMBOL, maxLevels = Number.POSITIVE_INFINITY): BookDepth {
    const book = this.booksBySymbol.get(symbol);
    if (book === undefined) return { bids: [], asks: [] };
    return { bids: levelsOf(book.bids, maxLevels), asks: levelsOf(book.asks, maxLevels) };
  }

  /** Every book's full depth, keyed by symbol: the `--book` file. */
  bookSnapshot(): Record<string, BookDepth> {
    const snapshot: Record<string, BookDepth> = {};
    for (const book of this.books) setOwnEntry(snapshot, book.symbol, this.depth(book.symbol));
    return snapshot;
  }

  /** The orders of one book side, best level first and in queue order within a level. */
  restingOrders(symbol: string, side: Side): RestingOrderView[] {
    const book = this.booksBySymbol.get(symbol);
    const views: RestingOrderView[] = [];
    if (book === undefined) return views;
    const levels = book.sideOf(side === "buy" ? BUY : 1).cursor();
    for (let level = levels.next(); level !== null; level = levels.next()) {
      for (let o = level.head; o !== null; o = o.next) views.push(viewOf(o, symbol));
    }
    return views;
  }

  order(id: OrderId): RestingOrderView | null {
    const order = this.orders.get(id);
    return order === undefined ? null : viewOf(order, (this.books[order.bookIndex] as OrderBook).symbol);
  }

  oraclePrice(symbol: string = DEFAULT_SYMBOL): number {
    return this.booksBySymbol.get(symbol)?.oraclePrice ?? 0;
  }

  /** SHA-256 of the canonical state: equal states give equal hashes however they were reached. */
  stateHash(): string {
    return computeStateHash(this.books, this.sections.all);
  }

  /** The books, for consistency checks and hashing inside the package. */
  get internalBooks(): readonly OrderBook[] {
    return this.books;
  }

  get internalOrderIndex(): OrderIndex {
    return this.orders;
  }

  /** Layers whose own state rides in the state hash and the engine state's `sections` (registration order). */
  addStateSection(section: StateSection): void {
    this.sections.add(section);
  }

  get stateSections(): readonly StateSection[] {
    return this.sections.all;
  }

  // State import (engine/state-snapshot.ts), on a fresh engine only.

  /** An empty book for `spec`, after the existing ones. */
  restoreBook(spec: InstrumentSpec, oraclePrice: number): OrderBook {
    const book = this.createBook(spec);
    book.oraclePrice = oraclePrice;
    return book;
  }

  /** A resting order at the back of its level: restore each level in queue order. */
  restoreOrder(book: OrderBook, order: Order): void {
    order.bookIndex = book.bookIndex;
    this.orders.set(order.id, order);
    book.rest(order);
  }

  /** The event counter and the clock. */
  restoreClock(seq: number, ts: number): void {
    this.out.seq = seq;
    this.out.ts = ts;
  }
}

/**
 * A market order's worst acceptable price: protectionPpm away from the best opposite price on
 * arrival (rounded inward, so the bound never exceeds the stated ppm). No protection: unbounded.
 */
function protectionBound(opposite: BookSide, isBuy: boolean, protectionPpm: number): number {
  if (protectionPpm < 0) return isBuy ? MAX_SAFE : 0;
  const best = (opposite.best as { price: number }).price;
  if (isBuy) return Math.min(mulDivFloor(best, PPM + protectionPpm, PPM), MAX_SAFE);
  return protectionPpm >= PPM ? 0 : mulDivCeil(best, PPM - protectionPpm, PPM);
}

function levelsOf(side: BookSide, maxLevels: number): DepthLevel[] {
  const out: DepthLevel[] = [];
  const levels = side.cursor();
  for (let level = levels.next(); level !== null && out.length < maxLevels; level = levels.next()) {
    out.push([level.price, level.totalQty, level.count]);
  }
  return out;
}

function viewOf(o: Order, symbol: string): RestingOrderView {
  return {
    id: o.id,
    symbol,
    side: SIDE_NAMES[o.side] as Side,
    price: o.price,
    open: o.open,
    account: o.account,
    postOnly: o.postOnly,
    reduceOnly: o.reduceOnly,
  };
}

/**
 * The matching engine's old name, for the bench/ suites that still import it (other work is under
 * way there); the library calls it MatchingEngine, and `Engine` is exchange.ts's composed engine.
 * @deprecated use MatchingEngine
 */
export { MatchingEngine as Engine };
