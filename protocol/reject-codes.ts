/**
 * Stable reason codes of `rejected` events. Codes are part of the external contract: add new ones,
 * never rename. `MALFORMED` codes describe the input itself; `BUSINESS` codes describe a well-formed
 * command that the current state refuses (a cancel of an order that already filled is normal flow).
 */
export const MALFORMED_REJECT_CODES = [
  "MALFORMED_LINE", // not valid JSON / CSV / UTF-8, not an object, or an object that throws when read
  "UNKNOWN_COMMAND", // missing or unknown `type`
  "UNKNOWN_FIELD", // a field the command type does not have (files only)
  "INVALID_ID",
  "INVALID_SIDE",
  "INVALID_PRICE",
  "INVALID_QTY",
  "NOTIONAL_OVERFLOW", // price × qty is not a safe integer
  "INVALID_SYMBOL",
  "INVALID_ACCOUNT",
  "INVALID_TIF",
  "INVALID_POST_ONLY",
  "INVALID_REDUCE_ONLY",
  "INVALID_STP",
  "INVALID_PROTECTION",
  "POST_ONLY_REQUIRES_GTC",
  "REDUCE_ONLY_REQUIRES_ACCOUNT",
  "NOTHING_TO_MODIFY",
  "INVALID_AMOUNT",
  "INVALID_TS",
  "INVALID_TIERS",
  "INVALID_FEE",
  "INVALID_LIQUIDATION",
  "INVALID_DISCOUNT", // a backstop offer's discountPpm: an integer 0–1,000,000
  "INVALID_HEADER", // a CSV file whose first line is not a header of distinct field names with `type`, and its rows
] as const;

export const BUSINESS_REJECT_CODES = [
  "DUPLICATE_ID", // id already used by a live order
  "UNKNOWN_ORDER", // cancel/modify of an id that is not live
  "UNKNOWN_SYMBOL",
  "INSTRUMENT_EXISTS", // instrument defined twice, or after its first order
  "POST_ONLY_WOULD_CROSS",
  "TS_DECREASING", // ts lower than the engine clock
  "INSUFFICIENT_MARGIN", // an order or withdrawal would leave equity below its initial-margin requirement
  "INSUFFICIENT_COLLATERAL", // a withdrawal larger than the settled balance (collateral)
  "NO_MARK_PRICE", // a margined order on an instrument without an oracle price yet
  "REDUCE_ONLY_WOULD_INCREASE", // a reduce-only order with no position to reduce on its side
  "BALANCE_OVERFLOW", // a deposit that would take collateral past a safe integer
  "MARGIN_OVERFLOW", // a margin figure of an order or withdrawal (requirement, lots × oracle, a sweep) would not be a safe integer
  "UNSUPPORTED_COMMAND", // a contract command this build does not execute yet
  "FORBIDDEN", // replicated venue: a trader's subject (in.acct.A) carrying an admin type or another account's order
] as const;

export type MalformedRejectCode = (typeof MALFORMED_REJECT_CODES)[number];
export type BusinessRejectCode = (typeof BUSINESS_REJECT_CODES)[number];
export type RejectCode = MalformedRejectCode | BusinessRejectCode;

const malformed: ReadonlySet<string> = new Set(MALFORMED_REJECT_CODES);

/** A malformed reject means the line itself is bad; `--strict` stops on these. */
export function isMalformedReject(code: string): boolean {
  return malformed.has(code);
}

/** Reasons carried by `cancelled` events. */
export type CancelReason =
  | "USER" // a cancel command
  | "IOC_REMAINDER" // the unfilled rest of an IOC order
  | "FOK_UNFILLABLE" // a FOK order that could not fill completely: nothing traded
  | "SELF_TRADE" // expired by self-trade prevention
  | "NO_LIQUIDITY" // a market order's rest: the opposite side is empty
  | "PROTECTION_BOUND" // a market order's rest: the next price lies beyond protectionPpm
  | "REDUCE_ONLY" // a reduce-only order with nothing left to reduce
  | "LIQUIDATION"; // an order that would increase a position of an account entering liquidation

/** Reasons carried by `modified` events when the engine, not the user, changed the order. */
export type ModifyReason = "REDUCE_ONLY"; // a reduce-only order cut to the position it may still reduce
