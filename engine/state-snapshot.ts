/**
 * The engine's full state as a plain, versioned object (JSON-safe): every book with its orders in
 * queue order, instrument parameters, oracle prices, the event counter and the clock. Restoring it
 * gives an engine whose stateHash, later events and sequence numbers are those of the original.
 *
 * `sections` holds the layers above (accounts, insurance fund, liquidation state): each registers a
 * StateSection with the engine, owns a key, exports and restores its own part. A registered
 * section missing from the state restores as empty (a state written without that layer's
 * activity); the engine ignores keys it does not know.
 */
import { BUY, type InstrumentSpec, type OrderId, SELL, type SideCode, type StpCode } from "../protocol/commands.js";
import type { BookSide } from "./book-side.js";
import { validateInternalState } from "./consistency.js";
import type { MatchingEngine } from "./engine.js";
import { Order } from "./order.js";

export const STATE_FORMAT = "softliq-state";
export const STATE_VERSION = 1;

/** [id, price, open, account, flags]: flags = postOnly | reduceOnly << 1 | stp << 2. */
export type OrderState = [id: OrderId, price: number, open: number, account: string | null, flags: number];

export interface BookState {
  spec: InstrumentSpec;
  oraclePrice: number;
  /** Best level first, queue order within a level. */
  bids: OrderState[];
  asks: OrderState[];
}

export interface EngineState {
  format: typeof STATE_FORMAT;
  version: number;
  seq: number;
  clock: number;
  /** In definition order (the engine's book order). */
  books: BookState[];
  sections: Record<string, unknown>;
}

function sideOrders(side: BookSide): OrderState[] {
  const out: OrderState[] = [];
  const levels = side.cursor();
  for (let level = levels.next(); level !== null; level = levels.next()) {
    for (let o = level.head; o !== null; o = o.next) {
      out.push([o.id, o.price, o.open, o.account, (o.postOnly ? 1 : 0) | (o.reduceOnly ? 2 : 0) | (o.stp << 2)]);
    }
  }
  return out;
}

function exportSections(engine: MatchingEngine): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const section of engine.stateSections) out[section.sectionKey] = section.exportSection();
  return out;
}

export function exportState(engine: MatchingEngine): EngineState {
  return {
    format: STATE_FORMAT,
    version: STATE_VERSION,
    seq: engine.seq,
    clock: engine.clock,
    books: engine.internalBooks.map((book) => ({
      spec: book.spec,
      oraclePrice: book.oraclePrice,
      bids: sideOrders(book.bids),
      asks: sideOrders(book.asks),
    })),
    sections: exportSections(engine),
  };
}

/**
 * Loads `state` into `engine`, which must be fresh (the composition root passes its own, money
 * layer attached). A state is not trusted for its checksum alone: its shape and integers are
 * checked, every registered section must be present (each checks its own), and the restored
 * books must pass the internal-consistency check (no crossed book, no duplicate id). Throws on
 * anything else, naming what is wrong.
 */
export function restoreState<E extends MatchingEngine>(state: EngineState, engine: E): E {
  if (typeof state !== "object" || state === null) invalid("not an object");
  if (state.format !== STATE_FORMAT || state.version !== STATE_VERSION) {
    throw new Error(`cannot restore engine state: format ${String(state.format)} version ${String(state.version)}`);
  }
  count(state.seq, "seq");
  count(state.clock, "clock");
  if (!Array.isArray(state.books)) invalid("books is not a list");
  const sections = state.sections ?? {};
  if (typeof sections !== "object" || sections === null) invalid("sections is not an object");
  for (const section of engine.stateSections) {
    if (!Object.hasOwn(sections, section.sectionKey)) invalid(`the ${section.sectionKey} section is missing`);
  }
  const ids = new Set<OrderId>();
  const symbols = new Set<string>();
  for (const b of state.books) {
    if (typeof b !== "object" || b === null || typeof b.spec?.symbol !== "string") invalid("a book without a symbol");
    if (symbols.has(b.spec.symbol)) invalid(`book ${b.spec.symbol} twice`);
    symbols.add(b.spec.symbol);
    count(b.oraclePrice, `${b.spec.symbol} oracle price`);
    const book = engine.restoreBook(b.spec, b.oraclePrice);
    restoreSide(engine, book, checkOrders(b.bids, `${b.spec.symbol} bids`, ids), BUY);
    restoreSide(engine, book, checkOrders(b.asks, `${b.spec.symbol} asks`, ids), SELL);
  }
  engine.restoreClock(state.seq, state.clock);
  for (const section of engine.stateSections) section.restoreSection(sections[section.sectionKey]);
  const problems = validateInternalState(engine);
  if (problems.length > 0) invalid(problems.slice(0, 3).join("; "));
  return engine;
}

function invalid(why: string): never {
  throw new Error(`cannot restore engine state: ${why}`);
}

function count(value: unknown, what: string): void {
  if (!Number.isSafeInteger(value) || (value as number) < 0) invalid(`${what} ${JSON.stringify(value)}`);
}

function positive(value: unknown, what: string): void {
  if (!Number.isSafeInteger(value) || (value as number) <= 0) invalid(`${what} ${JSON.stringify(value)}`);
}

/** Each order's fields (positive integer price and open quantity, an id seen once). */
function checkOrders(orders: unknown, where: string, ids: Set<OrderId>): readonly OrderState[] {
  if (!Array.isArray(orders)) invalid(`${where} is not a list`);
  for (const o of orders as unknown[]) {
    if (!Array.isArray(o) || o.length !== 5) invalid(`${where}: an order is not [id, price, open, account, flags]`);
    const [id, price, open, account, flags] = o as unknown[];
    const isId = typeof id === "string" ? id.length > 0 : Number.isSafeInteger(id) && (id as number) > 0;
    if (!isId) invalid(`${where}: order id ${JSON.stringify(id)}`);
    const label = `${where} order ${String(id)}`;
    if (ids.has(id as OrderId)) invalid(`${label} twice (duplicate id)`);
    ids.add(id as OrderId);
    positive(price, `${label} price`);
    positive(open, `${label} open quantity`);
    if (account !== null && typeof account !== "string") invalid(`${label} account ${JSON.stringify(account)}`);
    if (!Number.isInteger(flags) || (flags as number) < 0 || (flags as number) > 11) {
      invalid(`${label} flags ${JSON.stringify(flags)}`);
    }
  }
  return orders as readonly OrderState[];
}

function restoreSide(
  engine: MatchingEngine,
  book: Parameters<MatchingEngine["restoreOrder"]>[0],
  orders: readonly OrderState[],
  side: SideCode,
): void {
  for (const [id, price, open, account, flags] of orders) {
    const o = new Order();
    o.id = id;
    o.side = side;
    o.price = price;
    o.open = open;
    o.account = account;
    o.postOnly = (flags & 1) !== 0;
    o.reduceOnly = (flags & 2) !== 0;
    o.stp = ((flags >>> 2) & 3) as StpCode;
    engine.restoreOrder(book, o);
  }
}
