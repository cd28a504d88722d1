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
import type { Engine } from "./engine.js";
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

function exportSections(engine: Engine): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const section of engine.stateSections) out[section.sectionKey] = section.exportSection();
  return out;
}

export function exportState(engine: Engine): EngineState {
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
 * layer attached). Throws on a state this build cannot read (a bug or a bad file).
 */
export function restoreState<E extends Engine>(state: EngineState, engine: E): E {
  if (state.format !== STATE_FORMAT || state.version !== STATE_VERSION) {
    throw new Error(`cannot restore engine state: format ${String(state.format)} version ${String(state.version)}`);
  }
  for (const b of state.books) {
    const book = engine.restoreBook(b.spec, b.oraclePrice);
    restoreSide(engine, book, b.bids, BUY);
    restoreSide(engine, book, b.asks, SELL);
  }
  engine.restoreClock(state.seq, state.clock);
  const sections = state.sections ?? {};
  for (const section of engine.stateSections) {
    if (Object.hasOwn(sections, section.sectionKey)) section.restoreSection(sections[section.sectionKey]);
  }
  return engine;
}

function restoreSide(
  engine: Engine,
  book: Parameters<Engine["restoreOrder"]>[0],
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
