/**
 * A deliberately plain matching engine for differential tests: each side is a sorted array of
 * plain objects (best price first, then arrival), matching walks the array, fill-or-kill is a dry
 * run on a copy. Written from the rules in CONTRACT.md and the issue, not from the engine: slow
 * and obvious is the point. Stateless validation is shared (protocol/validate.ts readCommand);
 * everything that needs state is decided here.
 */
import { CommandRecord, type InstrumentSpec, type OrderId, type Side } from "../protocol/commands.js";
import type { EventObject } from "../protocol/events.js";
import { readCommand } from "../protocol/validate.js";

type Stp = "expire_maker" | "expire_taker" | "expire_both";
const STP: readonly Stp[] = ["expire_maker", "expire_taker", "expire_both"];
const TIF = ["GTC", "IOC", "FOK"] as const;

export interface RefOrder {
  id: OrderId;
  account: string | null;
  side: Side;
  price: number;
  open: number;
  postOnly: boolean;
  reduceOnly: boolean;
  stp: Stp;
}

interface RefBook {
  symbol: string;
  spec: InstrumentSpec;
  oracle: number;
  bids: RefOrder[];
  asks: RefOrder[];
}

interface Taker {
  id: OrderId;
  account: string | null;
  side: Side;
  /** null: no price limit (a market order without protection). */
  limit: number | null;
  remaining: number;
  stp: Stp;
}

const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);

export class ReferenceEngine {
  private seq = 0;
  private clock = 0;
  private readonly books: RefBook[] = [];
  private out: EventObject[] = [];
  private eventTs = 0;

  symbols(): string[] {
    return this.books.map((b) => b.symbol);
  }

  /** Resting orders of one side, best first, queue order within a price. */
  resting(symbol: string, side: Side): RefOrder[] {
    const book = this.book(symbol);
    if (book === undefined) return [];
    return side === "buy" ? book.bids : book.asks;
  }

  /** Applies one input and returns its events. */
  apply(input: unknown, line = 0): EventObject[] {
    this.out = [];
    const cmd = new CommandRecord();
    const code = readCommand(input, cmd);
    if (code !== null) {
      const known = code !== "MALFORMED_LINE" && code !== "UNKNOWN_COMMAND";
      const ts = known && cmd.hasTs && cmd.ts >= this.clock ? cmd.ts : this.clock;
      this.rejected(known ? cmd : null, code, line, ts);
      return this.out;
    }
    if (cmd.hasTs && cmd.ts < this.clock) {
      this.rejected(cmd, "TS_DECREASING", line, this.clock);
      return this.out;
    }
    const reject = (reason: string): EventObject[] => {
      this.rejected(cmd, reason, line, cmd.hasTs ? cmd.ts : this.clock);
      return this.out;
    };
    const c = input as Record<string, unknown>;
    switch (cmd.type) {
      case "limit":
      case "market": {
        const book = this.book(cmd.symbol);
        if (book === undefined && cmd.symbol !== "X") return reject("UNKNOWN_SYMBOL");
        if (this.find(cmd.id) !== null) return reject("DUPLICATE_ID");
        const side: Side = c.side === "buy" ? "buy" : "sell";
        if (cmd.type === "limit" && c.postOnly === true && book !== undefined && this.crosses(book, side, cmd.price)) {
          return reject("POST_ONLY_WOULD_CROSS");
        }
        this.accept(cmd, input as Record<string, unknown>);
        const b = book ?? this.create("X", null);
        if (cmd.type === "limit") this.limit(b, cmd, side, c);
        else this.market(b, cmd, side, c);
        return this.out;
      }
      case "cancel": {
        const found = this.find(cmd.id);
        if (found === null) return reject("UNKNOWN_ORDER");
        this.accept(cmd, c);
        this.remove(found.book, found.order);
        this.cancelled(found.order.id, found.book.symbol, found.order.open, "USER");
        return this.out;
      }
      case "modify":
        return this.modify(cmd, c, reject);
      case "instrument": {
        if (this.book(cmd.symbol) !== undefined) return reject("INSTRUMENT_EXISTS");
        this.accept(cmd, c);
        this.create(cmd.symbol, cmd.instrument);
        return this.out;
      }
      case "oracle": {
        const book = this.book(cmd.symbol);
        if (book === undefined && cmd.symbol !== "X") return reject("UNKNOWN_SYMBOL");
        this.accept(cmd, c);
        (book ?? this.create("X", null)).oracle = cmd.price;
        return this.out;
      }
      case "tick":
        this.accept(cmd, c);
        return this.out;
      case "deposit":
      case "withdraw":
      case "backstop":
        return reject("UNSUPPORTED_COMMAND");
    }
  }

  private limit(book: RefBook, cmd: CommandRecord, side: Side, c: Record<string, unknown>): void {
    const tif = TIF[cmd.tif];
    const stp = stpOf(c.stp);
    const taker: Taker = { id: cmd.id, account: cmd.account, side, limit: cmd.price, remaining: cmd.qty, stp };
    if (tif === "FOK") {
      const dry = { ...taker };
      this.match(cloneBook(book), dry, false);
      if (dry.remaining > 0) {
        this.cancelled(cmd.id, book.symbol, cmd.qty, "FOK_UNFILLABLE");
        return;
      }
    }
    const expired = this.match(book, taker, true);
    if (taker.remaining === 0) return;
    if (expired) this.cancelled(cmd.id, book.symbol, taker.remaining, "SELF_TRADE");
    else if (tif !== "GTC") this.cancelled(cmd.id, book.symbol, taker.remaining, "IOC_REMAINDER");
    else
      this.rest(book, {
        id: cmd.id,
        account: cmd.account,
        side,
        price: cmd.price,
        open: taker.remaining,
        postOnly: c.postOnly === true,
        reduceOnly: c.reduceOnly === true,
        stp,
      });
  }

  private market(book: RefBook, cmd: CommandRecord, side: Side, c: Record<string, unknown>): void {
    const opposite = side === "buy" ? book.asks : book.bids;
    const best = opposite[0];
    if (best === undefined) {
      this.cancelled(cmd.id, book.symbol, cmd.qty, "NO_LIQUIDITY");
      return;
    }
    let limit: number | null = null;
    if (typeof c.protectionPpm === "number") {
      const ppm = BigInt(c.protectionPpm);
      const p = BigInt(best.price);
      if (side === "buy") {
        const bound = (p * (1_000_000n + ppm)) / 1_000_000n; // floor: never more than ppm away
        limit = Number(bound > MAX_SAFE ? MAX_SAFE : bound);
      } else {
        const keep = 1_000_000n - ppm;
        limit = keep <= 0n ? 0 : Number((p * keep + 999_999n) / 1_000_000n); // ceil
      }
    }
    const taker: Taker = { id: cmd.id, account: cmd.account, side, limit, remaining: cmd.qty, stp: stpOf(c.stp) };
    const expired = this.match(book, taker, true);
    if (taker.remaining === 0) return;
    const reason = expired ? "SELF_TRADE" : opposite.length === 0 ? "NO_LIQUIDITY" : "PROTECTION_BOUND";
    this.cancelled(cmd.id, book.symbol, taker.remaining, reason);
  }

  private modify(cmd: CommandRecord, c: Record<string, unknown>, reject: (r: string) => EventObject[]): EventObject[] {
    const found = this.find(cmd.id);
    if (found === null) return reject("UNKNOWN_ORDER");
    const { book, order } = found;
    const qty = cmd.hasQty ? cmd.qty : order.open;
    const price = cmd.hasPrice ? cmd.price : order.price;
    if (!Number.isSafeInteger(price * qty)) return reject("NOTIONAL_OVERFLOW");
    if (order.postOnly && price !== order.price && this.crosses(book, order.side, price)) {
      return reject("POST_ONLY_WOULD_CROSS");
    }
    this.accept(cmd, c);
    const prevPrice = order.price;
    const prevQty = order.open;
    if (price === prevPrice && qty <= prevQty) {
      order.open = qty;
      this.modified(order, book.symbol, prevPrice, prevQty, true);
      return this.out;
    }
    this.remove(book, order);
    order.price = price;
    order.open = qty;
    this.modified(order, book.symbol, prevPrice, prevQty, false);
    const taker: Taker = {
      id: order.id,
      account: order.account,
      side: order.side,
      limit: price,
      remaining: qty,
      stp: order.stp,
    };
    const expired = this.match(book, taker, true);
    if (expired) this.cancelled(order.id, book.symbol, taker.remaining, "SELF_TRADE");
    else if (taker.remaining > 0) {
      order.open = taker.remaining;
      this.rest(book, order);
    }
    return this.out;
  }

  /**
   * Walks the opposite side best first. Returns true when self-trade prevention expired the taker.
   * With `emit` false it is a dry run (the fill-or-kill check on a copy of the book).
   */
  private match(book: RefBook, taker: Taker, emit: boolean): boolean {
    const opposite = taker.side === "buy" ? book.asks : book.bids;
    while (taker.remaining > 0 && opposite.length > 0) {
      const maker = opposite[0] as RefOrder;
      if (taker.limit !== null && (taker.side === "buy" ? maker.price > taker.limit : maker.price < taker.limit)) {
        break;
      }
      if (taker.account !== null && maker.account === taker.account) {
        if (taker.stp !== "expire_taker") {
          opposite.shift();
          if (emit) this.cancelled(maker.id, book.symbol, maker.open, "SELF_TRADE");
        }
        if (taker.stp !== "expire_maker") return true;
        continue;
      }
      const qty = Math.min(maker.open, taker.remaining);
      maker.open -= qty;
      taker.remaining -= qty;
      if (maker.open === 0) opposite.shift();
      if (emit) {
        this.emit({
          type: "fill",
          symbol: book.symbol,
          price: maker.price,
          qty,
          takerSide: taker.side,
          makerId: maker.id,
          takerId: taker.id,
          makerAccount: maker.account,
          takerAccount: taker.account,
          makerRemaining: maker.open,
          takerRemaining: taker.remaining,
          liquidation: false,
        });
      }
    }
    return false;
  }

  private crosses(book: RefBook, side: Side, price: number): boolean {
    const best = (side === "buy" ? book.asks : book.bids)[0];
    if (best === undefined) return false;
    return side === "buy" ? price >= best.price : price <= best.price;
  }

  /** Inserts after every order at a better or equal price: price first, then arrival. */
  private rest(book: RefBook, order: RefOrder): void {
    const list = order.side === "buy" ? book.bids : book.asks;
    let at = list.length;
    for (let i = 0; i < list.length; i++) {
      const p = (list[i] as RefOrder).price;
      if (order.side === "buy" ? p < order.price : p > order.price) {
        at = i;
        break;
      }
    }
    list.splice(at, 0, order);
  }

  private remove(book: RefBook, order: RefOrder): void {
    const list = order.side === "buy" ? book.bids : book.asks;
    list.splice(list.indexOf(order), 1);
  }

  private find(id: OrderId): { book: RefBook; order: RefOrder } | null {
    for (const book of this.books) {
      for (const order of [...book.bids, ...book.asks]) if (order.id === id) return { book, order };
    }
    return null;
  }

  private book(symbol: string): RefBook | undefined {
    return this.books.find((b) => b.symbol === symbol);
  }

  private create(symbol: string, spec: InstrumentSpec | null): RefBook {
    const book: RefBook = {
      symbol,
      spec: spec ?? { symbol, tiers: null, makerFeePpm: null, takerFeePpm: null, liquidation: null },
      oracle: 0,
      bids: [],
      asks: [],
    };
    this.books.push(book);
    return book;
  }

  private emit(event: Record<string, unknown>): void {
    this.out.push({ seq: ++this.seq, ts: this.eventTs, ...event } as EventObject);
  }

  private rejected(cmd: CommandRecord | null, reason: string, line: number, ts: number): void {
    this.eventTs = ts;
    const e: Record<string, unknown> = { type: "rejected" };
    if (cmd !== null) e.command = cmd.type;
    if (cmd?.hasId) e.id = cmd.id;
    e.reason = reason;
    if (line > 0) e.line = line;
    this.emit(e);
  }

  private accept(cmd: CommandRecord, c: Record<string, unknown>): void {
    if (cmd.hasTs) this.clock = cmd.ts;
    this.eventTs = this.clock;
    const e: Record<string, unknown> = { type: "accepted", command: cmd.type };
    switch (cmd.type) {
      case "limit":
      case "market":
        e.id = cmd.id;
        e.symbol = cmd.symbol;
        e.side = c.side;
        if (cmd.type === "limit") e.price = cmd.price;
        e.qty = cmd.qty;
        if (cmd.type === "limit") e.tif = TIF[cmd.tif];
        if (cmd.account !== null) e.account = cmd.account;
        if (cmd.type === "limit" && c.postOnly === true) e.postOnly = true;
        if (c.reduceOnly === true) e.reduceOnly = true;
        break;
      case "cancel":
      case "modify":
        e.id = cmd.id;
        break;
      case "instrument":
        e.symbol = cmd.symbol;
        break;
      case "oracle":
        e.symbol = cmd.symbol;
        e.price = cmd.price;
        break;
      default:
        break;
    }
    this.emit(e);
  }

  private cancelled(id: OrderId, symbol: string, remaining: number, reason: string): void {
    this.emit({ type: "cancelled", id, symbol, remaining, reason });
  }

  private modified(order: RefOrder, symbol: string, prevPrice: number, prevQty: number, priorityKept: boolean): void {
    this.emit({
      type: "modified",
      id: order.id,
      symbol,
      price: order.price,
      qty: order.open,
      prevPrice,
      prevQty,
      priorityKept,
    });
  }
}

function stpOf(value: unknown): Stp {
  return STP.includes(value as Stp) ? (value as Stp) : "expire_maker";
}

function cloneBook(book: RefBook): RefBook {
  return {
    ...book,
    bids: book.bids.map((o) => ({ ...o })),
    asks: book.asks.map((o) => ({ ...o })),
  };
}
