/**
 * A byte-level reader for the flat JSON objects order-flow lines are made of. End-to-end replay is
 * bounded by JSON.parse long before the engine: this scanner reads a line straight from the input
 * buffer into one reused RawCommand (a single hidden class whatever the command, so validation
 * stays monomorphic) and builds no strings for keys or for the fixed vocabularies (type, side, tif,
 * stp). It accepts only the plain form — known keys that the command type has, ASCII strings
 * without escapes, no nested values, integers written as such — and gives up on anything else
 * (`false`), leaving the line to the strict reader (json-line.ts) and its reports, so what it
 * accepts it reads exactly as that reader would.
 */
import {
  ALL_COMMAND_FIELDS,
  COMMAND_FIELDS,
  COMMAND_TYPES,
  DEFAULT_SYMBOL,
  SIDE_NAMES,
  STP_NAMES,
  TIF_NAMES,
} from "./commands.js";

/** Every field a command may carry, all present: `undefined` when the line does not set it. */
export class RawCommand {
  type: unknown = undefined;
  ts: unknown = undefined;
  id: unknown = undefined;
  side: unknown = undefined;
  price: unknown = undefined;
  qty: unknown = undefined;
  symbol: unknown = undefined;
  account: unknown = undefined;
  tif: unknown = undefined;
  postOnly: unknown = undefined;
  reduceOnly: unknown = undefined;
  stp: unknown = undefined;
  protectionPpm: unknown = undefined;
  amount: unknown = undefined;
  makerFeePpm: unknown = undefined;
  takerFeePpm: unknown = undefined;
  tiers: unknown = undefined;
  liquidation: unknown = undefined;
  discountPpm: unknown = undefined;
  maxNotional: unknown = undefined;

  clear(): void {
    this.type = undefined;
    this.ts = undefined;
    this.id = undefined;
    this.side = undefined;
    this.price = undefined;
    this.qty = undefined;
    this.symbol = undefined;
    this.account = undefined;
    this.tif = undefined;
    this.postOnly = undefined;
    this.reduceOnly = undefined;
    this.stp = undefined;
    this.protectionPpm = undefined;
    this.amount = undefined;
    this.makerFeePpm = undefined;
    this.takerFeePpm = undefined;
    this.tiers = undefined;
    this.liquidation = undefined;
    this.discountPpm = undefined;
    this.maxNotional = undefined;
  }
}

/**
 * Keys this scanner reads, numbered as in ALL_COMMAND_FIELDS (assignField's cases); tiers and
 * liquidation hold nested values: the strict reader's job.
 */
const SCANNED_FIELDS: readonly string[] = ALL_COMMAND_FIELDS.filter((f) => f !== "tiers" && f !== "liquidation");

/** Strings worth returning as constants instead of building them from bytes. */
const VOCABULARY: readonly string[] = [...COMMAND_TYPES, ...SIDE_NAMES, ...TIF_NAMES, ...STP_NAMES, DEFAULT_SYMBOL];

interface Word {
  bytes: Uint8Array;
  text: string;
  /** Position in the word list (for keys: the field number assignField switches on). */
  index: number;
}

function wordsByLength(words: readonly string[]): Word[][] {
  const table: Word[][] = [];
  words.forEach((text, index) => {
    const bytes = Buffer.from(text, "latin1");
    let bucket = table[bytes.length];
    if (bucket === undefined) {
      bucket = [];
      table[bytes.length] = bucket;
    }
    bucket.push({ bytes, text, index });
  });
  return table;
}

const KEYS = wordsByLength(SCANNED_FIELDS);

/** Bit i: the field numbered i in SCANNED_FIELDS. */
function fieldMask(fields: readonly string[]): number {
  let mask = 0;
  for (const f of fields) {
    const i = SCANNED_FIELDS.indexOf(f);
    if (i >= 0) mask |= 1 << i;
  }
  return mask;
}

/**
 * The scanned fields each command type has, in COMMAND_TYPES order: VOCABULARY's first words, so a
 * type read as a known word indexes it (COMMAND_TYPES.indexOf on the value cost 9% a line).
 */
const ALLOWED_MASKS: readonly number[] = COMMAND_TYPES.map((type) => fieldMask(COMMAND_FIELDS[type]));

const WORDS = wordsByLength(VOCABULARY);

function findWord(table: Word[][], buf: Uint8Array, start: number, end: number): Word | null {
  const bucket = table[end - start];
  if (bucket === undefined) return null;
  for (let w = 0; w < bucket.length; w++) {
    const word = bucket[w] as Word;
    const bytes = word.bytes;
    let i = 0;
    while (i < bytes.length && bytes[i] === buf[start + i]) i++;
    if (i === bytes.length) return word;
  }
  return null;
}

/** Named stores, one per field: a keyed store `out[key]` would be a slow generic lookup per value. */
function assignField(out: RawCommand, field: number, value: unknown): void {
  switch (field) {
    case 0:
      out.type = value;
      return;
    case 1:
      out.ts = value;
      return;
    case 2:
      out.id = value;
      return;
    case 3:
      out.side = value;
      return;
    case 4:
      out.price = value;
      return;
    case 5:
      out.qty = value;
      return;
    case 6:
      out.symbol = value;
      return;
    case 7:
      out.account = value;
      return;
    case 8:
      out.tif = value;
      return;
    case 9:
      out.postOnly = value;
      return;
    case 10:
      out.reduceOnly = value;
      return;
    case 11:
      out.stp = value;
      return;
    case 12:
      out.protectionPpm = value;
      return;
    case 13:
      out.amount = value;
      return;
    case 14:
      out.makerFeePpm = value;
      return;
    case 15:
      out.takerFeePpm = value;
      return;
    case 16:
      out.discountPpm = value;
      return;
    case 17:
      out.maxNotional = value;
      return;
  }
}

const QUOTE = 34;
const BACKSLASH = 92;

function isSpace(c: number | undefined): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function skipSpace(buf: Uint8Array, p: number, end: number): number {
  while (p < end && isSpace(buf[p])) p++;
  return p;
}

/** The index of the quote closing a string that starts at `p`, or -1 for escapes and control bytes. */
function stringEnd(buf: Uint8Array, p: number, end: number): number {
  for (; p < end; p++) {
    const c = buf[p] as number;
    if (c === QUOTE) return p;
    if (c === BACKSLASH || c < 0x20) return -1;
  }
  return -1;
}

/** An unknown string's text, or null when it holds a byte beyond ASCII (UTF-8: the strict reader's). */
function asciiText(buf: Buffer, start: number, end: number): string | null {
  for (let i = start; i < end; i++) if ((buf[i] as number) >= 0x80) return null;
  return buf.toString("latin1", start, end);
}

function matchLiteral(buf: Uint8Array, p: number, end: number, literal: string): boolean {
  if (p + literal.length > end) return false;
  for (let i = 0; i < literal.length; i++) if (buf[p + i] !== literal.charCodeAt(i)) return false;
  return true;
}

/**
 * Reads the line buf[start, end) into `out`. Returns false (and leaves `out` unspecified) when the
 * line is not in the plain form; the caller then uses the strict reader, which also reports bad lines.
 */
export function scanCommandLine(buf: Buffer, start: number, end: number, out: RawCommand): boolean {
  out.clear();
  let p = skipSpace(buf, start, end);
  if (buf[p] !== 123) return false; // '{'
  p = skipSpace(buf, p + 1, end);
  if (buf[p] === 125) return skipSpace(buf, p + 1, end) === end; // '{}'
  let seen = 0;
  /** The command type's index in COMMAND_TYPES, -1 while the line names none. */
  let typeIndex = -1;
  for (;;) {
    if (buf[p] !== QUOTE) return false;
    const keyEnd = stringEnd(buf, p + 1, end);
    if (keyEnd === -1) return false;
    const key = findWord(KEYS, buf, p + 1, keyEnd);
    if (key === null) return false;
    seen |= 1 << key.index;
    p = skipSpace(buf, keyEnd + 1, end);
    if (buf[p] !== 58) return false; // ':'
    p = skipSpace(buf, p + 1, end);
    const c = buf[p];
    if (c === QUOTE) {
      const close = stringEnd(buf, p + 1, end);
      if (close === -1) return false;
      const known = findWord(WORDS, buf, p + 1, close);
      const text = known !== null ? known.text : asciiText(buf, p + 1, close);
      if (text === null) return false;
      if (key.index === 0) typeIndex = known !== null && known.index < COMMAND_TYPES.length ? known.index : -1;
      assignField(out, key.index, text);
      p = close + 1;
    } else if (c === 116 || c === 102 || c === 110) {
      const literal = c === 116 ? "true" : c === 102 ? "false" : "null";
      if (!matchLiteral(buf, p, end, literal)) return false;
      if (key.index === 0) typeIndex = -1;
      assignField(out, key.index, c === 116 ? true : c === 102 ? false : null);
      p += literal.length;
    } else {
      // An integer; fractions and exponents are left to the strict reader.
      const negative = c === 45;
      const digitsStart = negative ? p + 1 : p;
      let i = digitsStart;
      let value = 0;
      for (; i < end; i++) {
        const d = (buf[i] as number) - 48;
        if (d < 0 || d > 9) break;
        value = value * 10 + d;
      }
      const digits = i - digitsStart;
      if (digits === 0 || (digits > 1 && buf[digitsStart] === 48)) return false; // none, or a leading zero
      const next = buf[i];
      if (next === 46 || next === 101 || next === 69) return false; // '.', 'e', 'E'
      // Up to 15 digits the running value is exact; longer ones get JSON.parse's own rounding.
      if (digits > 15) value = Number(buf.toString("latin1", digitsStart, i));
      if (key.index === 0) typeIndex = -1;
      assignField(out, key.index, negative ? -value : value);
      p = i;
    }
    p = skipSpace(buf, p, end);
    const sep = buf[p];
    if (sep === 125) {
      if (skipSpace(buf, p + 1, end) !== end) return false;
      // A field the type does not have: the strict reader reports it (UNKNOWN_FIELD).
      return typeIndex === -1 || (seen & ~(ALLOWED_MASKS[typeIndex] as number)) === 0;
    }
    if (sep !== 44) return false; // ','
    p = skipSpace(buf, p + 1, end);
  }
}
