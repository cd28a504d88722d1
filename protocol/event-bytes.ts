/**
 * JSONL lines written straight into a byte buffer: eventToJson's bytes with no JS string between
 * the event and the file (building those strings was most of a replay with --events). Integers go
 * out as ASCII digits, the fixed keys as pre-encoded constants, and strings (symbols, accounts,
 * reasons, string ids) as their JSON-quoted UTF-8 bytes from a small cache. What this does not
 * write exactly as eventToJson would (numbers that are not safe integers, long strings, names
 * outside the protocol's lists) it refuses, and the caller writes eventToJson(e) instead; a test
 * holds the two equal on every event of generated flows.
 */
import { COMMAND_TYPES, type OrderId } from "./commands.js";
import type { EngineEvent } from "./events.js";
import { int, type Packed, PUT_OVERRUN, packed, packWritten, put, QUOTED_BYTES_PER_UNIT, quote } from "./json-bytes.js";

/** Longer strings are refused: with this bound a line's size is known before it is written. */
export const MAX_STRING_CHARS = 128;

/**
 * Room a line may take: at most five strings (a fill's symbol, ids and accounts) of at most six
 * bytes a UTF-16 unit (`\u001f`) plus quotes, eight integers of at most 17 characters
 * (-9007199254740991), and under 512 bytes of keys.
 */
export const MAX_EVENT_BYTES = 5 * (QUOTED_BYTES_PER_UNIT * MAX_STRING_CHARS + 2) + 8 * 17 + 512 + PUT_OVERRUN;

/** Distinct strings kept; past it, new ones are escaped in place each time (no allocation). */
const CACHE_ENTRIES = 1024;

const SEQ = packed('{"seq":');
const TS = packed(',"ts":');
const FILL = packed(',"type":"fill","symbol":');
const CANCELLED = packed(',"type":"cancelled","id":');
const MODIFIED = packed(',"type":"modified","id":');
const REJECTED = packed(',"type":"rejected"');
const LIQUIDATION_STAGE = packed(',"type":"liquidation_stage","account":');
const ACCEPTED = packed(',"type":"accepted"');

const ID = packed(',"id":');
const SYMBOL = packed(',"symbol":');
const PRICE = packed(',"price":');
const QTY = packed(',"qty":');
const REASON = packed(',"reason":');
const ACCOUNT = packed(',"account":');
const AMOUNT = packed(',"amount":');
const LINE = packed(',"line":');
const CLOSE = packed("}");
const NULL = packed("null");
const ZERO = packed("0");

const TAKER_BUY = packed(',"takerSide":"buy","makerId":');
const TAKER_SELL = packed(',"takerSide":"sell","makerId":');
const TAKER_ID = packed(',"takerId":');
const MAKER_ACCOUNT = packed(',"makerAccount":');
const TAKER_ACCOUNT = packed(',"takerAccount":');
const MAKER_REMAINING = packed(',"makerRemaining":');
const TAKER_REMAINING = packed(',"takerRemaining":');
const LIQUIDATION_TRUE = packed(',"liquidation":true}');
const LIQUIDATION_FALSE = packed(',"liquidation":false}');

const REMAINING = packed(',"remaining":');
const PREV_PRICE = packed(',"prevPrice":');
const PREV_QTY = packed(',"prevQty":');
const PRIORITY_KEPT_TRUE = packed(',"priorityKept":true');
const PRIORITY_KEPT_FALSE = packed(',"priorityKept":false');

const LIMIT_BUY = packed(',"side":"buy","price":');
const LIMIT_SELL = packed(',"side":"sell","price":');
const MARKET_BUY = packed(',"side":"buy","qty":');
const MARKET_SELL = packed(',"side":"sell","qty":');
const TIF_GTC = packed(',"tif":"GTC"');
const TIF_IOC = packed(',"tif":"IOC"');
const TIF_FOK = packed(',"tif":"FOK"');
const POST_ONLY = packed(',"postOnly":true');
const REDUCE_ONLY = packed(',"reduceOnly":true');
const STAGE = packed(',"stage":');
const HEALTH_PPM = packed(',"healthPpm":');
const EQUITY = packed(',"equity":');
const MAINTENANCE_MARGIN = packed(',"maintenanceMargin":');
const LIQUIDATION_ORDER = packed(',"type":"liquidation_order","account":');
const LIQUIDATION_REDUCED = packed(',"type":"liquidation_reduced","account":');
const LIQUIDATION_INSURANCE = packed(',"type":"liquidation_insurance","account":');
const NOTIONAL = packed(',"notional":');
const PENALTY = packed(',"penalty":');
const POSITION = packed(',"position":');
const BAD_DEBT = packed(',"badDebt":');
const INSURANCE_FUND = packed(',"insuranceFund":');
const LIQUIDATION_ADL = packed(',"type":"liquidation_adl","account":');
const COUNTERPARTY = packed(',"counterparty":');
const LIQUIDATION_BACKSTOP = packed(',"type":"liquidation_backstop","account":');
const BACKSTOP = packed(',"backstop":');

/** `,"command":"limit"` and the rest: command names are written raw, as eventToJson does. */
const COMMANDS = new Map<string, Packed>(COMMAND_TYPES.map((c) => [c, packed(`,"command":"${c}"`)]));
const TICK = COMMANDS.get("tick") as Packed;

/**
 * One instance per output; `encode` writes a line's JSON (no newline) at `pos` and returns where it
 * ends, or -1 to ask for eventToJson's string instead. Writers take the position and return the
 * next one; one that meets something it would not write exactly like eventToJson sets `refused`.
 */
export class EventBytesEncoder {
  private refused = false;
  private readonly cache = new Map<string, Packed>();
  /** The buffer last written and a view of it (made once a buffer: buffers live for a MiB). */
  private target: Uint8Array = new Uint8Array(0);
  private view = new DataView(this.target.buffer);

  /** The caller leaves MAX_EVENT_BYTES of room at `pos`: nothing here checks the buffer's end. */
  encode(e: EngineEvent, buf: Uint8Array, pos: number): number {
    if (buf !== this.target) {
      this.target = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    const view = this.view;
    this.refused = false;
    let p = put(view, pos, SEQ);
    p = this.int(view, p, e.seq);
    p = put(view, p, TS);
    p = this.int(view, p, e.ts);
    switch (e.type) {
      case "fill":
        p = this.fill(view, p, e);
        break;
      case "accepted":
        p = this.accepted(view, p, e);
        break;
      case "cancelled":
        p = put(view, p, CANCELLED);
        p = this.id(view, p, e.id);
        p = put(view, p, SYMBOL);
        p = this.str(view, p, e.symbol);
        p = put(view, p, REMAINING);
        p = this.int(view, p, e.remaining);
        p = put(view, p, REASON);
        p = this.str(view, p, e.reason);
        p = put(view, p, CLOSE);
        break;
      case "modified":
        p = this.modified(view, p, e);
        break;
      case "rejected":
        p = this.rejected(view, p, e);
        break;
      case "liquidation_stage":
        p = this.strField(view, p, LIQUIDATION_STAGE, e.account ?? "");
        p = this.strField(view, p, STAGE, e.stage);
        // NaN: no position left, no health (null).
        p = Number.isNaN(e.healthPpm)
          ? put(view, put(view, p, HEALTH_PPM), NULL)
          : this.intField(view, p, HEALTH_PPM, e.healthPpm);
        p = this.intField(view, p, EQUITY, e.equity);
        p = this.intField(view, p, MAINTENANCE_MARGIN, e.maintenanceMargin);
        p = put(view, p, CLOSE);
        break;
      case "liquidation_order":
        p = this.strField(view, p, LIQUIDATION_ORDER, e.account ?? "");
        p = this.strField(view, p, SYMBOL, e.symbol);
        p = put(view, p, ID);
        p = this.id(view, p, e.id);
        p = this.sidePriceQty(view, p, e);
        break;
      case "liquidation_reduced":
        p = this.strField(view, p, LIQUIDATION_REDUCED, e.account ?? "");
        p = this.strField(view, p, SYMBOL, e.symbol);
        p = this.intField(view, p, QTY, e.qty);
        p = this.intField(view, p, NOTIONAL, e.notional);
        p = this.intField(view, p, PENALTY, e.penalty);
        p = this.intField(view, p, POSITION, e.position);
        p = put(view, p, CLOSE);
        break;
      case "liquidation_adl":
        p = this.strField(view, p, LIQUIDATION_ADL, e.account ?? "");
        p = this.strField(view, p, COUNTERPARTY, e.counterparty);
        p = this.strField(view, p, SYMBOL, e.symbol);
        p = this.sidePriceQty(view, p, e);
        break;
      case "liquidation_backstop":
        p = this.strField(view, p, LIQUIDATION_BACKSTOP, e.account ?? "");
        p = this.strField(view, p, BACKSTOP, e.counterparty);
        p = this.strField(view, p, SYMBOL, e.symbol);
        p = this.sidePriceQty(view, p, e);
        break;
      case "liquidation_insurance":
        p = this.strField(view, p, LIQUIDATION_INSURANCE, e.account ?? "");
        p = this.intField(view, p, BAD_DEBT, e.badDebt);
        p = this.intField(view, p, AMOUNT, e.amount);
        p = this.intField(view, p, INSURANCE_FUND, e.insuranceFund);
        p = put(view, p, CLOSE);
        break;
      default:
        return -1;
    }
    return this.refused ? -1 : p;
  }

  /** `key` (which carries its comma, quotes and colon) and an integer. */
  private intField(view: DataView, p: number, key: Packed, v: number): number {
    return this.int(view, put(view, p, key), v);
  }

  /** `key` and a JSON string. */
  private strField(view: DataView, p: number, key: Packed, v: string): number {
    return this.str(view, put(view, p, key), v);
  }

  /** The liquidator's `"side":…,"price":…,"qty":…}` tail (a child order, a deleveraging). */
  private sidePriceQty(view: DataView, p: number, e: EngineEvent): number {
    p = this.side(view, p, e.side === "buy" ? LIMIT_BUY : LIMIT_SELL, e.side);
    p = this.int(view, p, e.price);
    p = this.intField(view, p, QTY, e.qty);
    return put(view, p, CLOSE);
  }

  private fill(view: DataView, p: number, e: EngineEvent): number {
    p = put(view, p, FILL);
    p = this.str(view, p, e.symbol);
    p = put(view, p, PRICE);
    p = this.int(view, p, e.price);
    p = put(view, p, QTY);
    p = this.int(view, p, e.qty);
    p = this.side(view, p, e.side === "buy" ? TAKER_BUY : TAKER_SELL, e.side);
    p = this.id(view, p, e.makerId);
    p = put(view, p, TAKER_ID);
    p = this.id(view, p, e.takerId);
    p = put(view, p, MAKER_ACCOUNT);
    p = this.nullableStr(view, p, e.makerAccount);
    p = put(view, p, TAKER_ACCOUNT);
    p = this.nullableStr(view, p, e.takerAccount);
    p = put(view, p, MAKER_REMAINING);
    p = this.int(view, p, e.makerRemaining);
    p = put(view, p, TAKER_REMAINING);
    p = this.int(view, p, e.takerRemaining);
    return put(view, p, e.liquidation ? LIQUIDATION_TRUE : LIQUIDATION_FALSE);
  }

  /** The fields eventToObject gives each command's acceptance, in its order. */
  private accepted(view: DataView, p: number, e: EngineEvent): number {
    p = put(view, p, ACCEPTED);
    const command = e.command === null ? TICK : COMMANDS.get(e.command);
    if (command === undefined) {
      this.refused = true;
      return p;
    }
    p = put(view, p, command);
    switch (e.command) {
      case "limit":
        p = put(view, p, ID);
        p = this.id(view, p, e.id);
        p = put(view, p, SYMBOL);
        p = this.str(view, p, e.symbol);
        p = this.side(view, p, e.side === "buy" ? LIMIT_BUY : LIMIT_SELL, e.side);
        p = this.int(view, p, e.price);
        p = put(view, p, QTY);
        p = this.int(view, p, e.qty);
        p = this.tif(view, p, e.tif);
        p = this.optionalAccount(view, p, e.account);
        if (e.postOnly) p = put(view, p, POST_ONLY);
        if (e.reduceOnly) p = put(view, p, REDUCE_ONLY);
        break;
      case "market":
        p = put(view, p, ID);
        p = this.id(view, p, e.id);
        p = put(view, p, SYMBOL);
        p = this.str(view, p, e.symbol);
        p = this.side(view, p, e.side === "buy" ? MARKET_BUY : MARKET_SELL, e.side);
        p = this.int(view, p, e.qty);
        p = this.optionalAccount(view, p, e.account);
        if (e.reduceOnly) p = put(view, p, REDUCE_ONLY);
        break;
      case "cancel":
      case "modify":
        p = put(view, p, ID);
        p = this.id(view, p, e.id);
        break;
      case "instrument":
        p = put(view, p, SYMBOL);
        p = this.str(view, p, e.symbol);
        break;
      case "oracle":
        p = put(view, p, SYMBOL);
        p = this.str(view, p, e.symbol);
        p = put(view, p, PRICE);
        p = this.int(view, p, e.price);
        break;
      case "deposit":
      case "withdraw":
        p = put(view, p, ACCOUNT);
        p = this.str(view, p, e.account ?? "");
        p = put(view, p, AMOUNT);
        p = this.int(view, p, e.amount);
        break;
      case "backstop":
        p = put(view, p, SYMBOL);
        p = this.str(view, p, e.symbol);
        p = put(view, p, ACCOUNT);
        p = this.str(view, p, e.account ?? "");
        break;
      default:
        break;
    }
    return put(view, p, CLOSE);
  }

  private modified(view: DataView, p: number, e: EngineEvent): number {
    p = put(view, p, MODIFIED);
    p = this.id(view, p, e.id);
    p = put(view, p, SYMBOL);
    p = this.str(view, p, e.symbol);
    p = put(view, p, PRICE);
    p = this.int(view, p, e.price);
    p = put(view, p, QTY);
    p = this.int(view, p, e.qty);
    p = put(view, p, PREV_PRICE);
    p = this.int(view, p, e.prevPrice);
    p = put(view, p, PREV_QTY);
    p = this.int(view, p, e.prevQty);
    p = put(view, p, e.priorityKept ? PRIORITY_KEPT_TRUE : PRIORITY_KEPT_FALSE);
    // Only an engine-made change carries a reason (eventToObject leaves an empty one out).
    if (e.reason !== "") {
      p = put(view, p, REASON);
      p = this.str(view, p, e.reason);
    }
    return put(view, p, CLOSE);
  }

  private rejected(view: DataView, p: number, e: EngineEvent): number {
    p = put(view, p, REJECTED);
    if (e.command !== null) {
      const command = COMMANDS.get(e.command);
      if (command === undefined) this.refused = true;
      else p = put(view, p, command);
    }
    if (e.id !== null) {
      p = put(view, p, ID);
      p = this.id(view, p, e.id);
    }
    p = put(view, p, REASON);
    p = this.str(view, p, e.reason);
    if (e.line > 0) {
      p = put(view, p, LINE);
      p = this.int(view, p, e.line);
    }
    return put(view, p, CLOSE);
  }

  /** Sides are written raw by eventToJson; anything but buy/sell is left to it. */
  private side(view: DataView, p: number, key: Packed, side: string): number {
    if (side !== "buy" && side !== "sell") this.refused = true;
    return put(view, p, key);
  }

  private tif(view: DataView, p: number, tif: string): number {
    if (tif === "GTC") return put(view, p, TIF_GTC);
    if (tif === "IOC") return put(view, p, TIF_IOC);
    if (tif === "FOK") return put(view, p, TIF_FOK);
    this.refused = true;
    return p;
  }

  private optionalAccount(view: DataView, p: number, account: string | null): number {
    if (account === null) return p;
    return this.str(view, put(view, p, ACCOUNT), account);
  }

  /** A missing id is written 0, as eventToJson and eventToObject do. */
  private id(view: DataView, p: number, id: OrderId | null): number {
    if (typeof id === "number") return this.int(view, p, id);
    if (id === null) return put(view, p, ZERO);
    return this.str(view, p, id);
  }

  private nullableStr(view: DataView, p: number, text: string | null): number {
    return text === null ? put(view, p, NULL) : this.str(view, p, text);
  }

  /** See json-bytes' int; a number it cannot write exactly is refused. */
  private int(view: DataView, p: number, v: number): number {
    const end = int(view, p, v);
    if (end >= 0) return end;
    this.refused = true;
    return p;
  }

  /** A JSON string: cached bytes, else escaped in place (and kept while the cache has room). */
  private str(view: DataView, p: number, text: string): number {
    const cached = this.cache.get(text);
    if (cached !== undefined) return put(view, p, cached);
    if (text.length > MAX_STRING_CHARS) {
      this.refused = true;
      return p;
    }
    const end = quote(view, p, text);
    // Filled once and then frozen: string ids past the first ~thousand cost no allocation.
    if (this.cache.size < CACHE_ENTRIES) this.cache.set(text, packWritten(view, p, end));
    return end;
  }
}
