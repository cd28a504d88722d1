// Generated from protocol/event-schema.ts by tools/event-codegen (the JSON line as bytes): do not edit.
// Change the schema and run `npm run generate:events`.
import {
  type JsonBytesWriter,
  MAX_STRING_CHARS,
  type Packed,
  PUT_OVERRUN,
  packed,
  put,
  QUOTED_BYTES_PER_UNIT,
} from "../io/json-bytes.js";
import type { EngineEvent } from "./events.generated.js";

/**
 * Room a line may take: the longest is a fill, 5 strings of at most
 * MAX_STRING_CHARS units (six bytes each at worst, \u001f) and quotes, 6 integers of at most 17
 * characters (-9007199254740991) and 183 bytes of keys, names and literals.
 */
export const MAX_EVENT_BYTES = 5 * (QUOTED_BYTES_PER_UNIT * MAX_STRING_CHARS + 2) + 6 * 17 + 183 + PUT_OVERRUN;

const SEQ = packed('{"seq":');
const TS = packed(',"ts":');
const TYPE_ACCEPTED_COMMAND_LIMIT_ID = packed(',"type":"accepted","command":"limit","id":');
const SYMBOL = packed(',"symbol":');
const SIDE_X_PRICE: readonly Packed[] = [packed(',"side":"buy","price":'), packed(',"side":"sell","price":')];
const QTY = packed(',"qty":');
const TIF_X: readonly Packed[] = [
  packed(',"tif":""'),
  packed(',"tif":"GTC"'),
  packed(',"tif":"IOC"'),
  packed(',"tif":"FOK"'),
];
const ACCOUNT = packed(',"account":');
const POST_ONLY_TRUE = packed(',"postOnly":true');
const REDUCE_ONLY_TRUE = packed(',"reduceOnly":true');
const END = packed("}");
const TYPE_ACCEPTED_COMMAND_MARKET_ID = packed(',"type":"accepted","command":"market","id":');
const SIDE_X_QTY: readonly Packed[] = [packed(',"side":"buy","qty":'), packed(',"side":"sell","qty":')];
const TYPE_ACCEPTED_COMMAND_CANCEL_ID = packed(',"type":"accepted","command":"cancel","id":');
const TYPE_ACCEPTED_COMMAND_MODIFY_ID = packed(',"type":"accepted","command":"modify","id":');
const TYPE_ACCEPTED_COMMAND_INSTRUMENT_SYMBOL = packed(',"type":"accepted","command":"instrument","symbol":');
const TYPE_ACCEPTED_COMMAND_DEPOSIT_ACCOUNT = packed(',"type":"accepted","command":"deposit","account":');
const AMOUNT = packed(',"amount":');
const TYPE_ACCEPTED_COMMAND_WITHDRAW_ACCOUNT = packed(',"type":"accepted","command":"withdraw","account":');
const TYPE_ACCEPTED_COMMAND_ORACLE_SYMBOL = packed(',"type":"accepted","command":"oracle","symbol":');
const PRICE = packed(',"price":');
const TYPE_ACCEPTED_COMMAND_TICK_END = packed(',"type":"accepted","command":"tick"}');
const TYPE_ACCEPTED_COMMAND_BACKSTOP_SYMBOL = packed(',"type":"accepted","command":"backstop","symbol":');
const TYPE_REJECTED = packed(',"type":"rejected"');
const COMMAND_X: readonly Packed[] = [
  packed(',"command":"limit"'),
  packed(',"command":"market"'),
  packed(',"command":"cancel"'),
  packed(',"command":"modify"'),
  packed(',"command":"instrument"'),
  packed(',"command":"deposit"'),
  packed(',"command":"withdraw"'),
  packed(',"command":"oracle"'),
  packed(',"command":"tick"'),
  packed(',"command":"backstop"'),
];
const ID = packed(',"id":');
const REASON = packed(',"reason":');
const LINE = packed(',"line":');
const TYPE_FILL_SYMBOL = packed(',"type":"fill","symbol":');
const TAKER_SIDE_X_MAKER_ID: readonly Packed[] = [
  packed(',"takerSide":"buy","makerId":'),
  packed(',"takerSide":"sell","makerId":'),
];
const TAKER_ID = packed(',"takerId":');
const MAKER_ACCOUNT = packed(',"makerAccount":');
const TAKER_ACCOUNT = packed(',"takerAccount":');
const MAKER_REMAINING = packed(',"makerRemaining":');
const TAKER_REMAINING = packed(',"takerRemaining":');
const LIQUIDATION_TRUE_END = packed(',"liquidation":true}');
const LIQUIDATION_FALSE_END = packed(',"liquidation":false}');
const TYPE_CANCELLED_ID = packed(',"type":"cancelled","id":');
const REMAINING = packed(',"remaining":');
const TYPE_MODIFIED_ID = packed(',"type":"modified","id":');
const PREV_PRICE = packed(',"prevPrice":');
const PREV_QTY = packed(',"prevQty":');
const PRIORITY_KEPT_TRUE = packed(',"priorityKept":true');
const PRIORITY_KEPT_FALSE = packed(',"priorityKept":false');
const TYPE_LIQUIDATION_STAGE_ACCOUNT = packed(',"type":"liquidation_stage","account":');
const STAGE = packed(',"stage":');
const HEALTH_PPM = packed(',"healthPpm":');
const EQUITY = packed(',"equity":');
const MAINTENANCE_MARGIN = packed(',"maintenanceMargin":');
const TYPE_LIQUIDATION_ORDER_ACCOUNT = packed(',"type":"liquidation_order","account":');
const TYPE_LIQUIDATION_REDUCED_ACCOUNT = packed(',"type":"liquidation_reduced","account":');
const NOTIONAL = packed(',"notional":');
const PENALTY = packed(',"penalty":');
const POSITION = packed(',"position":');
const TYPE_LIQUIDATION_INSURANCE_ACCOUNT = packed(',"type":"liquidation_insurance","account":');
const BAD_DEBT = packed(',"badDebt":');
const INSURANCE_FUND = packed(',"insuranceFund":');
const TYPE_LIQUIDATION_ADL_ACCOUNT = packed(',"type":"liquidation_adl","account":');
const COUNTERPARTY = packed(',"counterparty":');
const TYPE_LIQUIDATION_BACKSTOP_ACCOUNT = packed(',"type":"liquidation_backstop","account":');
const BACKSTOP = packed(',"backstop":');

/** The side name's place in its list, -1 for anything else. */
function sideIndex(name: string): number {
  switch (name) {
    case "buy":
      return 0;
    case "sell":
      return 1;
    default:
      return -1;
  }
}

/** The tif name's place in its list, -1 for anything else. */
function tifIndex(name: string): number {
  switch (name) {
    case "":
      return 0;
    case "GTC":
      return 1;
    case "IOC":
      return 2;
    case "FOK":
      return 3;
    default:
      return -1;
  }
}

/** The command name's place in its list, -1 for anything else. */
function commandIndex(name: string): number {
  switch (name) {
    case "limit":
      return 0;
    case "market":
      return 1;
    case "cancel":
      return 2;
    case "modify":
      return 3;
    case "instrument":
      return 4;
    case "deposit":
      return 5;
    case "withdraw":
      return 6;
    case "oracle":
      return 7;
    case "tick":
      return 8;
    case "backstop":
      return 9;
    default:
      return -1;
  }
}

/**
 * Writes `e`'s JSONL line (no newline) at `p` and returns where it ends; the caller leaves
 * MAX_EVENT_BYTES of room. What cannot be written exactly as eventToJson writes it sets `w.refused`.
 */
export function writeEventBytes(w: JsonBytesWriter, view: DataView, p: number, e: EngineEvent): number {
  p = put(view, p, SEQ);
  p = w.int(view, p, e.seq);
  p = put(view, p, TS);
  p = w.int(view, p, e.ts);
  switch (e.type) {
    case "accepted":
      switch (e.command ?? "tick") {
        case "limit":
          p = put(view, p, TYPE_ACCEPTED_COMMAND_LIMIT_ID);
          p = w.id(view, p, e.id ?? 0);
          p = put(view, p, SYMBOL);
          p = w.str(view, p, e.symbol);
          p = w.pick(view, p, SIDE_X_PRICE, sideIndex(e.side));
          p = w.int(view, p, e.price);
          p = put(view, p, QTY);
          p = w.int(view, p, e.qty);
          p = w.pick(view, p, TIF_X, tifIndex(e.tif));
          if (e.account !== null) {
            p = put(view, p, ACCOUNT);
            p = w.str(view, p, e.account);
          }
          if (e.postOnly) {
            p = put(view, p, POST_ONLY_TRUE);
          }
          if (e.reduceOnly) {
            p = put(view, p, REDUCE_ONLY_TRUE);
          }
          p = put(view, p, END);
          return p;
        case "market":
          p = put(view, p, TYPE_ACCEPTED_COMMAND_MARKET_ID);
          p = w.id(view, p, e.id ?? 0);
          p = put(view, p, SYMBOL);
          p = w.str(view, p, e.symbol);
          p = w.pick(view, p, SIDE_X_QTY, sideIndex(e.side));
          p = w.int(view, p, e.qty);
          if (e.account !== null) {
            p = put(view, p, ACCOUNT);
            p = w.str(view, p, e.account);
          }
          if (e.reduceOnly) {
            p = put(view, p, REDUCE_ONLY_TRUE);
          }
          p = put(view, p, END);
          return p;
        case "cancel":
          p = put(view, p, TYPE_ACCEPTED_COMMAND_CANCEL_ID);
          p = w.id(view, p, e.id ?? 0);
          p = put(view, p, END);
          return p;
        case "modify":
          p = put(view, p, TYPE_ACCEPTED_COMMAND_MODIFY_ID);
          p = w.id(view, p, e.id ?? 0);
          p = put(view, p, END);
          return p;
        case "instrument":
          p = put(view, p, TYPE_ACCEPTED_COMMAND_INSTRUMENT_SYMBOL);
          p = w.str(view, p, e.symbol);
          p = put(view, p, END);
          return p;
        case "deposit":
          p = put(view, p, TYPE_ACCEPTED_COMMAND_DEPOSIT_ACCOUNT);
          p = w.str(view, p, e.account ?? "");
          p = put(view, p, AMOUNT);
          p = w.int(view, p, e.amount);
          p = put(view, p, END);
          return p;
        case "withdraw":
          p = put(view, p, TYPE_ACCEPTED_COMMAND_WITHDRAW_ACCOUNT);
          p = w.str(view, p, e.account ?? "");
          p = put(view, p, AMOUNT);
          p = w.int(view, p, e.amount);
          p = put(view, p, END);
          return p;
        case "oracle":
          p = put(view, p, TYPE_ACCEPTED_COMMAND_ORACLE_SYMBOL);
          p = w.str(view, p, e.symbol);
          p = put(view, p, PRICE);
          p = w.int(view, p, e.price);
          p = put(view, p, END);
          return p;
        case "tick":
          p = put(view, p, TYPE_ACCEPTED_COMMAND_TICK_END);
          return p;
        case "backstop":
          p = put(view, p, TYPE_ACCEPTED_COMMAND_BACKSTOP_SYMBOL);
          p = w.str(view, p, e.symbol);
          p = put(view, p, ACCOUNT);
          p = w.str(view, p, e.account ?? "");
          p = put(view, p, END);
          return p;
      }
      w.refused = true;
      return p;
    case "rejected":
      p = put(view, p, TYPE_REJECTED);
      if (e.command !== null) {
        p = w.pick(view, p, COMMAND_X, commandIndex(e.command));
      }
      if (e.id !== null) {
        p = put(view, p, ID);
        p = w.id(view, p, e.id);
      }
      p = put(view, p, REASON);
      p = w.str(view, p, e.reason);
      if (e.line > 0) {
        p = put(view, p, LINE);
        p = w.int(view, p, e.line);
      }
      p = put(view, p, END);
      return p;
    case "fill":
      p = put(view, p, TYPE_FILL_SYMBOL);
      p = w.str(view, p, e.symbol);
      p = put(view, p, PRICE);
      p = w.int(view, p, e.price);
      p = put(view, p, QTY);
      p = w.int(view, p, e.qty);
      p = w.pick(view, p, TAKER_SIDE_X_MAKER_ID, sideIndex(e.side));
      p = w.id(view, p, e.makerId);
      p = put(view, p, TAKER_ID);
      p = w.id(view, p, e.takerId);
      p = put(view, p, MAKER_ACCOUNT);
      p = w.textOrNull(view, p, e.makerAccount);
      p = put(view, p, TAKER_ACCOUNT);
      p = w.textOrNull(view, p, e.takerAccount);
      p = put(view, p, MAKER_REMAINING);
      p = w.int(view, p, e.makerRemaining);
      p = put(view, p, TAKER_REMAINING);
      p = w.int(view, p, e.takerRemaining);
      p = put(view, p, e.liquidation ? LIQUIDATION_TRUE_END : LIQUIDATION_FALSE_END);
      return p;
    case "cancelled":
      p = put(view, p, TYPE_CANCELLED_ID);
      p = w.id(view, p, e.id ?? 0);
      p = put(view, p, SYMBOL);
      p = w.str(view, p, e.symbol);
      p = put(view, p, REMAINING);
      p = w.int(view, p, e.remaining);
      p = put(view, p, REASON);
      p = w.str(view, p, e.reason);
      p = put(view, p, END);
      return p;
    case "modified":
      p = put(view, p, TYPE_MODIFIED_ID);
      p = w.id(view, p, e.id ?? 0);
      p = put(view, p, SYMBOL);
      p = w.str(view, p, e.symbol);
      p = put(view, p, PRICE);
      p = w.int(view, p, e.price);
      p = put(view, p, QTY);
      p = w.int(view, p, e.qty);
      p = put(view, p, PREV_PRICE);
      p = w.int(view, p, e.prevPrice);
      p = put(view, p, PREV_QTY);
      p = w.int(view, p, e.prevQty);
      p = put(view, p, e.priorityKept ? PRIORITY_KEPT_TRUE : PRIORITY_KEPT_FALSE);
      if (e.reason !== "") {
        p = put(view, p, REASON);
        p = w.str(view, p, e.reason);
      }
      p = put(view, p, END);
      return p;
    case "liquidation_stage":
      p = put(view, p, TYPE_LIQUIDATION_STAGE_ACCOUNT);
      p = w.str(view, p, e.account ?? "");
      p = put(view, p, STAGE);
      p = w.str(view, p, e.stage);
      p = put(view, p, HEALTH_PPM);
      p = w.intOrNull(view, p, e.healthPpm);
      p = put(view, p, EQUITY);
      p = w.int(view, p, e.equity);
      p = put(view, p, MAINTENANCE_MARGIN);
      p = w.int(view, p, e.maintenanceMargin);
      p = put(view, p, END);
      return p;
    case "liquidation_order":
      p = put(view, p, TYPE_LIQUIDATION_ORDER_ACCOUNT);
      p = w.str(view, p, e.account ?? "");
      p = put(view, p, SYMBOL);
      p = w.str(view, p, e.symbol);
      p = put(view, p, ID);
      p = w.id(view, p, e.id ?? 0);
      p = w.pick(view, p, SIDE_X_PRICE, sideIndex(e.side));
      p = w.int(view, p, e.price);
      p = put(view, p, QTY);
      p = w.int(view, p, e.qty);
      p = put(view, p, END);
      return p;
    case "liquidation_reduced":
      p = put(view, p, TYPE_LIQUIDATION_REDUCED_ACCOUNT);
      p = w.str(view, p, e.account ?? "");
      p = put(view, p, SYMBOL);
      p = w.str(view, p, e.symbol);
      p = put(view, p, QTY);
      p = w.int(view, p, e.qty);
      p = put(view, p, NOTIONAL);
      p = w.int(view, p, e.notional);
      p = put(view, p, PENALTY);
      p = w.int(view, p, e.penalty);
      p = put(view, p, POSITION);
      p = w.int(view, p, e.position);
      p = put(view, p, END);
      return p;
    case "liquidation_insurance":
      p = put(view, p, TYPE_LIQUIDATION_INSURANCE_ACCOUNT);
      p = w.str(view, p, e.account ?? "");
      p = put(view, p, BAD_DEBT);
      p = w.int(view, p, e.badDebt);
      p = put(view, p, AMOUNT);
      p = w.int(view, p, e.amount);
      p = put(view, p, INSURANCE_FUND);
      p = w.int(view, p, e.insuranceFund);
      p = put(view, p, END);
      return p;
    case "liquidation_adl":
      p = put(view, p, TYPE_LIQUIDATION_ADL_ACCOUNT);
      p = w.str(view, p, e.account ?? "");
      p = put(view, p, COUNTERPARTY);
      p = w.str(view, p, e.counterparty);
      p = put(view, p, SYMBOL);
      p = w.str(view, p, e.symbol);
      p = w.pick(view, p, SIDE_X_PRICE, sideIndex(e.side));
      p = w.int(view, p, e.price);
      p = put(view, p, QTY);
      p = w.int(view, p, e.qty);
      p = put(view, p, END);
      return p;
    case "liquidation_backstop":
      p = put(view, p, TYPE_LIQUIDATION_BACKSTOP_ACCOUNT);
      p = w.str(view, p, e.account ?? "");
      p = put(view, p, BACKSTOP);
      p = w.str(view, p, e.counterparty);
      p = put(view, p, SYMBOL);
      p = w.str(view, p, e.symbol);
      p = w.pick(view, p, SIDE_X_PRICE, sideIndex(e.side));
      p = w.int(view, p, e.price);
      p = put(view, p, QTY);
      p = w.int(view, p, e.qty);
      p = put(view, p, END);
      return p;
    default:
      w.refused = true;
      return p;
  }
}
