/**
 * Stateless validation: turns a user's command object into a CommandRecord or names the first
 * field that is wrong. Checks that need engine state (duplicate ids, unknown orders, crossing)
 * live in the engine. Never throws, whatever `input` is.
 */
import {
  BUY,
  COMMAND_FIELDS,
  type CommandRecord,
  type CommandType,
  DEFAULT_SYMBOL,
  EXPIRE_BOTH,
  EXPIRE_MAKER,
  EXPIRE_TAKER,
  FOK,
  GTC,
  type InstrumentSpec,
  IOC,
  type LiquidationParams,
  type MarginTier,
  type OrderId,
  SELL,
} from "./commands.js";
import type { RejectCode } from "./reject-codes.js";
import { isNonNegativeSafeInteger, isPositiveSafeInteger, isSafeProduct, PPM } from "./units.js";

export const MAX_ID_LENGTH = 64;
export const MAX_SYMBOL_LENGTH = 32;
export const MAX_ACCOUNT_LENGTH = 64;
export const MAX_TIERS = 64;

const CANONICAL_INTEGER = /^[1-9][0-9]{0,15}$/;

/**
 * An id is a positive safe integer or a non-empty string. A string holding a canonical positive
 * integer ("42") is the same id as the number 42, so JSONL and CSV files name orders alike.
 */
export function normalizeOrderId(value: unknown): OrderId | null {
  if (typeof value === "number") return isPositiveSafeInteger(value) ? value : null;
  if (typeof value !== "string" || value.length === 0 || value.length > MAX_ID_LENGTH) return null;
  if (CANONICAL_INTEGER.test(value)) {
    const n = Number(value);
    if (Number.isSafeInteger(n)) return n;
  }
  return value;
}

/** Accounts are names; a positive integer is accepted and named by its decimal form. */
export function normalizeAccount(value: unknown): string | null {
  if (typeof value === "string") {
    return value.length > 0 && value.length <= MAX_ACCOUNT_LENGTH ? value : null;
  }
  return isPositiveSafeInteger(value) ? String(value) : null;
}

export function isValidSymbol(value: unknown): value is string {
  return typeof value === "string" && value.length > 0 && value.length <= MAX_SYMBOL_LENGTH;
}

function readSymbol(value: unknown, out: CommandRecord): boolean {
  if (value === undefined) {
    out.symbol = DEFAULT_SYMBOL;
    return true;
  }
  if (!isValidSymbol(value)) return false;
  out.symbol = value;
  return true;
}

function readId(value: unknown, out: CommandRecord): boolean {
  const id = normalizeOrderId(value);
  if (id === null) return false;
  out.id = id;
  out.hasId = true;
  return true;
}

function readSide(value: unknown, out: CommandRecord): boolean {
  if (value === "buy") out.side = BUY;
  else if (value === "sell") out.side = SELL;
  else return false;
  return true;
}

function readAccount(value: unknown, out: CommandRecord): boolean {
  if (value === undefined) {
    out.account = null;
    return true;
  }
  const account = normalizeAccount(value);
  if (account === null) return false;
  out.account = account;
  return true;
}

function readStp(value: unknown, out: CommandRecord): boolean {
  if (value === undefined || value === "expire_maker") out.stp = EXPIRE_MAKER;
  else if (value === "expire_taker") out.stp = EXPIRE_TAKER;
  else if (value === "expire_both") out.stp = EXPIRE_BOTH;
  else return false;
  return true;
}

function isOptionalBoolean(value: unknown): value is boolean | undefined {
  return value === undefined || value === true || value === false;
}

/** The command type named by `value`, or null; a switch, not a hash lookup, on the hot path. */
function commandTypeOf(value: unknown): CommandType | null {
  switch (value) {
    case "limit":
    case "market":
    case "cancel":
    case "modify":
    case "instrument":
    case "deposit":
    case "withdraw":
    case "oracle":
    case "tick":
    case "backstop":
      return value;
    default:
      return null;
  }
}

/**
 * Fills `out` from `input`; returns null when valid, else the reject code of the first bad field.
 * Each property is read once (a getter cannot pass validation with one value and then hand over
 * another), and an object that throws when read (a getter, a Proxy trap) is MALFORMED_LINE: user
 * input never throws out of here.
 */
export function readCommand(input: unknown, out: CommandRecord): RejectCode | null {
  try {
    return readFields(input, out);
  } catch {
    out.reset();
    return "MALFORMED_LINE";
  }
}

function readFields(input: unknown, out: CommandRecord): RejectCode | null {
  out.reset();
  if (typeof input !== "object" || input === null || Array.isArray(input)) return "MALFORMED_LINE";
  const c = input as Record<string, unknown>;
  const type = commandTypeOf(c.type);
  if (type === null) return "UNKNOWN_COMMAND";
  out.type = type;

  const ts = c.ts;
  if (ts !== undefined) {
    if (!isNonNegativeSafeInteger(ts)) return "INVALID_TS";
    out.ts = ts + 0; // -0 is 0: no integer field carries a sign of zero
    out.hasTs = true;
  }

  switch (type) {
    case "limit":
      return readLimit(c, out);
    case "market":
      return readMarket(c, out);
    case "cancel":
      return readId(c.id, out) ? null : "INVALID_ID";
    case "modify":
      return readModify(c, out);
    case "instrument":
      return readInstrument(c, out);
    case "deposit":
    case "withdraw": {
      if (!readAccount(c.account, out) || out.account === null) return "INVALID_ACCOUNT";
      const amount = c.amount;
      if (!isPositiveSafeInteger(amount)) return "INVALID_AMOUNT";
      out.amount = amount;
      return null;
    }
    case "oracle": {
      const price = c.price;
      if (!isPositiveSafeInteger(price)) return "INVALID_PRICE";
      out.price = price;
      out.hasPrice = true;
      return readSymbol(c.symbol, out) ? null : "INVALID_SYMBOL";
    }
    case "tick":
      return out.hasTs ? null : "INVALID_TS";
    case "backstop":
      return readBackstop(c, out);
  }
}

/**
 * A backstop offer: an account, a symbol, a discount in ppm and a notional (0 withdraws the offer).
 * The symbol is required (the contract's field table): an offer of capital names its market.
 */
function readBackstop(c: Record<string, unknown>, out: CommandRecord): RejectCode | null {
  if (!readAccount(c.account, out) || out.account === null) return "INVALID_ACCOUNT";
  if (c.symbol === undefined || !readSymbol(c.symbol, out)) return "INVALID_SYMBOL";
  const discount = c.discountPpm;
  if (!isNonNegativeSafeInteger(discount) || discount > PPM) return "INVALID_DISCOUNT";
  out.discountPpm = discount + 0;
  const most = c.maxNotional;
  if (!isNonNegativeSafeInteger(most)) return "INVALID_AMOUNT";
  out.amount = most + 0;
  return null;
}

function readOrderCommon(c: Record<string, unknown>, out: CommandRecord): RejectCode | null {
  if (!readId(c.id, out)) return "INVALID_ID";
  if (!readSide(c.side, out)) return "INVALID_SIDE";
  const qty = c.qty;
  if (!isPositiveSafeInteger(qty)) return "INVALID_QTY";
  out.qty = qty;
  out.hasQty = true;
  if (!readSymbol(c.symbol, out)) return "INVALID_SYMBOL";
  if (!readAccount(c.account, out)) return "INVALID_ACCOUNT";
  const reduceOnly = c.reduceOnly;
  if (!isOptionalBoolean(reduceOnly)) return "INVALID_REDUCE_ONLY";
  out.reduceOnly = reduceOnly === true;
  if (out.reduceOnly && out.account === null) return "REDUCE_ONLY_REQUIRES_ACCOUNT";
  if (!readStp(c.stp, out)) return "INVALID_STP";
  return null;
}

function readLimit(c: Record<string, unknown>, out: CommandRecord): RejectCode | null {
  const common = readOrderCommon(c, out);
  if (common !== null) return common;
  const price = c.price;
  if (!isPositiveSafeInteger(price)) return "INVALID_PRICE";
  out.price = price;
  out.hasPrice = true;
  if (!isSafeProduct(out.price, out.qty)) return "NOTIONAL_OVERFLOW";
  const tif = c.tif;
  if (tif === undefined || tif === "GTC") out.tif = GTC;
  else if (tif === "IOC") out.tif = IOC;
  else if (tif === "FOK") out.tif = FOK;
  else return "INVALID_TIF";
  const postOnly = c.postOnly;
  if (!isOptionalBoolean(postOnly)) return "INVALID_POST_ONLY";
  out.postOnly = postOnly === true;
  if (out.postOnly && out.tif !== GTC) return "POST_ONLY_REQUIRES_GTC";
  return null;
}

function readMarket(c: Record<string, unknown>, out: CommandRecord): RejectCode | null {
  const common = readOrderCommon(c, out);
  if (common !== null) return common;
  out.tif = IOC;
  const protection = c.protectionPpm;
  if (protection !== undefined) {
    if (!isNonNegativeSafeInteger(protection)) return "INVALID_PROTECTION";
    out.protectionPpm = protection + 0; // -0 is 0
  }
  return null;
}

function readModify(c: Record<string, unknown>, out: CommandRecord): RejectCode | null {
  if (!readId(c.id, out)) return "INVALID_ID";
  const qty = c.qty;
  if (qty !== undefined) {
    if (!isPositiveSafeInteger(qty)) return "INVALID_QTY";
    out.qty = qty;
    out.hasQty = true;
  }
  const price = c.price;
  if (price !== undefined) {
    if (!isPositiveSafeInteger(price)) return "INVALID_PRICE";
    out.price = price;
    out.hasPrice = true;
  }
  if (!out.hasQty && !out.hasPrice) return "NOTHING_TO_MODIFY";
  if (out.hasQty && out.hasPrice && !isSafeProduct(out.price, out.qty)) return "NOTIONAL_OVERFLOW";
  return null;
}

function isPpm(value: unknown): value is number {
  return isNonNegativeSafeInteger(value) && value <= PPM;
}

function isFeePpm(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= -PPM && value <= PPM;
}

/** Tiers ascend by maxNotional; 0 < mmr ≤ imr ≤ 100%. */
export function validateTiers(value: unknown): MarginTier[] | null {
  if (!Array.isArray(value) || value.length === 0 || value.length > MAX_TIERS) return null;
  const tiers: MarginTier[] = [];
  let previous = 0;
  for (const item of value as unknown[]) {
    if (typeof item !== "object" || item === null) return null;
    const t = item as Record<string, unknown>;
    const keys = Object.keys(t);
    if (keys.length !== 3) return null;
    const { maxNotional, imrPpm, mmrPpm } = t;
    if (!isPositiveSafeInteger(maxNotional) || maxNotional <= previous) return null;
    if (!isPpm(imrPpm) || !isPpm(mmrPpm) || mmrPpm === 0 || mmrPpm > imrPpm) return null;
    tiers.push({ maxNotional, imrPpm, mmrPpm });
    previous = maxNotional;
  }
  return tiers;
}

export const LIQUIDATION_KEYS: readonly string[] = [
  "targetHealthPpm",
  "maxSlippagePpm",
  "participationPpm",
  "sliceIntervalNs",
  "penaltyPpm",
  "stage2HealthPpm",
  "penaltyGainSharePpm",
  "marketParticipationPpm",
  "backstopAfterNs",
  "slippageWidenPpm",
  "unrestorableRampNs",
];

/**
 * The venue policies' parameter blocks: each field's kind. "ppm" is a share up to 100%, "ratio"
 * a ppm factor up to 100× (dYdX's spread-to-MMR ratio is 150% in its sample genesis), "time" ns
 * and "amount" quote units (any safe integer ≥ 0).
 */
export type VenueField = "ppm" | "ratio" | "time" | "amount" | "span" | "count";
export type Block = "hyperliquid" | "dydx" | "drift" | "preemptive";
export const VENUE_FIELDS: Readonly<Record<Block, Readonly<Record<string, VenueField>>>> = {
  // "span": a time of at least 1 ns; "count": a whole number 1–1,000.
  preemptive: { horizonNs: "span", sigmas: "count", halfLifeNs: "span" },
  hyperliquid: { partialNotional: "amount", partialPpm: "ppm", cooldownNs: "time", backstopHealthPpm: "ppm" },
  dydx: {
    blockNs: "time",
    spreadToMmrPpm: "ratio",
    maxPositionPortionPpm: "ppm",
    minNotional: "amount",
    maxNotionalPerBlock: "amount",
    maxFeePpm: "ppm",
  },
  drift: { bufferPpm: "ppm", liquidatorFeePpm: "ppm", insuranceFeePpm: "ppm", initialSharePpm: "ppm", rampNs: "time" },
};

/** The highest target health accepted (100×): beyond it a liquidation would close everything anyway. */
const MAX_TARGET_HEALTH_PPM = 100 * PPM;

function validateVenueParams(
  fields: Readonly<Record<string, VenueField>>,
  value: unknown,
): Record<string, number> | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  const params: Record<string, number> = {};
  for (const key of Object.keys(v)) {
    if (!Object.hasOwn(fields, key)) return null;
    const n = v[key];
    if (!isNonNegativeSafeInteger(n)) return null;
    const kind = fields[key];
    if ((kind === "ppm" && n > PPM) || (kind === "ratio" && n > 100 * PPM)) return null;
    if ((kind === "span" && n < 1) || (kind === "count" && (n < 1 || n > 1_000))) return null;
    params[key] = n;
  }
  return params;
}

/**
 * Shares and penalties are ppm up to 100%; the target health lies in [100%, 100×], stage 2 at or
 * below 100%; participation is at least 1 ppm (0 would never close anything); the venue blocks
 * (`hyperliquid`, `dydx`, `drift`) hold their own fields.
 */
export function validateLiquidationParams(value: unknown): LiquidationParams | null {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const v = value as Record<string, unknown>;
  const params: Record<string, unknown> = {};
  for (const key of Object.keys(v)) {
    if (key === "hyperliquid" || key === "dydx" || key === "drift" || key === "preemptive") {
      const venue = validateVenueParams(VENUE_FIELDS[key], v[key]);
      if (venue === null) return null;
      params[key] = venue;
      continue;
    }
    if (!LIQUIDATION_KEYS.includes(key)) return null;
    const n = v[key];
    if (!isNonNegativeSafeInteger(n)) return null;
    if (key === "targetHealthPpm") {
      if (n < PPM || n > MAX_TARGET_HEALTH_PPM) return null;
    } else if (key === "participationPpm" || key === "marketParticipationPpm") {
      if (n < 1 || n > PPM) return null;
    } else if (key !== "sliceIntervalNs" && key !== "backstopAfterNs" && key !== "unrestorableRampNs" && n > PPM)
      return null;
    params[key] = n;
  }
  return params as LiquidationParams;
}

function readInstrument(c: Record<string, unknown>, out: CommandRecord): RejectCode | null {
  const symbol = c.symbol;
  if (!isValidSymbol(symbol)) return "INVALID_SYMBOL";
  const spec: InstrumentSpec = {
    symbol,
    tiers: null,
    makerFeePpm: null,
    takerFeePpm: null,
    liquidation: null,
  };
  const tiers = c.tiers;
  if (tiers !== undefined) {
    spec.tiers = validateTiers(tiers);
    if (spec.tiers === null) return "INVALID_TIERS";
  }
  const makerFeePpm = c.makerFeePpm;
  if (makerFeePpm !== undefined) {
    if (!isFeePpm(makerFeePpm)) return "INVALID_FEE";
    spec.makerFeePpm = makerFeePpm;
  }
  const takerFeePpm = c.takerFeePpm;
  if (takerFeePpm !== undefined) {
    if (!isFeePpm(takerFeePpm) || takerFeePpm < 0) return "INVALID_FEE";
    spec.takerFeePpm = takerFeePpm;
  }
  // A maker rebate may never exceed the taker fee, or every trade would create money.
  if ((spec.makerFeePpm ?? 0) + (spec.takerFeePpm ?? 0) < 0) return "INVALID_FEE";
  const liquidation = c.liquidation;
  if (liquidation !== undefined) {
    spec.liquidation = validateLiquidationParams(liquidation);
    if (spec.liquidation === null) return "INVALID_LIQUIDATION";
  }
  out.symbol = spec.symbol;
  out.instrument = spec;
  return null;
}

/** Files are held to the schema: a field the command type does not define is an error. */
export function findUnknownField(input: Record<string, unknown>): string | null {
  const type = input.type;
  if (typeof type !== "string" || !Object.hasOwn(COMMAND_FIELDS, type)) return null;
  const allowed = COMMAND_FIELDS[type as CommandType];
  for (const key in input) {
    if (!allowed.includes(key)) return key;
  }
  return null;
}
