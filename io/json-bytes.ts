/**
 * JSON pieces written straight into bytes through a DataView: byte strings packed four bytes to a
 * word, integers as ASCII digits two at a time, and JSON.stringify's string escaping in UTF-8. Each
 * writer takes a position and returns the next; none checks the end, the caller leaves room.
 */

/**
 * A byte string packed for `put`: [length, then the bytes four to a little-endian word, the last
 * word zero-padded]. Keys are a few to thirty bytes: a byte loop spent most of the event encoder's
 * time on per-byte stores and bounds checks, and buf.set's call cost more than it copied.
 */
export type Packed = Uint32Array;

/** Packs `len` bytes read by `at`. */
function packWith(len: number, at: (i: number) => number): Packed {
  const words = new Uint32Array(1 + ((len + 3) >> 2));
  words[0] = len;
  for (let i = 0; i < len; i++) words[1 + (i >> 2)] |= at(i) << ((i & 3) << 3);
  return words;
}

const utf8 = new TextEncoder();

/** The UTF-8 bytes of `text`, written as they are (for keys and other fixed JSON). */
export function packed(text: string): Packed {
  const bytes = utf8.encode(text);
  return packWith(bytes.length, (i) => bytes[i] as number);
}

/** What was written from `start` to `end`, packed (to keep a string's bytes for the next time). */
export function packWritten(view: DataView, start: number, end: number): Packed {
  return packWith(end - start, (i) => view.getUint8(start + i));
}

/** Writes a packed string; the last word may write up to 3 bytes past it (garbage, overwritten). */
export function put(view: DataView, p: number, src: Packed): number {
  const n = src.length;
  for (let i = 1; i < n; i++) view.setUint32(p + ((i - 1) << 2), src[i] as number, true);
  return p + (src[0] as number);
}

/** Bytes that `put` may write past a string's end. */
export const PUT_OVERRUN = 3;

/** "00" … "99" as little-endian 16-bit pairs of ASCII digits. */
const PAIRS = new Uint16Array(100);
for (let i = 0; i < 100; i++) PAIRS[i] = (48 + ((i / 10) | 0)) | ((48 + (i % 10)) << 8);

/** Decimal digits of a non-negative integer below 2^31. */
function digits(v: number): number {
  if (v < 100_000) return v < 10 ? 1 : v < 100 ? 2 : v < 1_000 ? 3 : v < 10_000 ? 4 : 5;
  return v < 1_000_000 ? 6 : v < 10_000_000 ? 7 : v < 100_000_000 ? 8 : v < 1_000_000_000 ? 9 : 10;
}

/** A non-negative integer up to 2^31, written from its last digit back, two digits a division. */
function uint(view: DataView, p: number, v: number): number {
  const end = p + digits(v);
  let at = end;
  while (v >= 100) {
    const q = (v / 100) | 0;
    at -= 2;
    view.setUint16(at, PAIRS[v - q * 100] as number, true);
    v = q;
  }
  if (v >= 10) view.setUint16(at - 2, PAIRS[v] as number, true);
  else view.setUint8(at - 1, 48 + v);
  return end;
}

/**
 * An integer exactly as JSON.stringify writes it (-0 as 0), or -1 when `v` is not a safe integer
 * (fractions, 2^53 and up, NaN print otherwise). int32 is the fast path; beyond it, the part above
 * 10^9 (below 2^23) then nine digits zero-padded.
 */
export function int(view: DataView, p: number, v: number): number {
  if ((v | 0) === v) {
    if (v >= 0) return uint(view, p, v);
    view.setUint8(p, 45); // "-"; -2^31 negates to 2^31, within uint's range
    return uint(view, p + 1, -v);
  }
  if (!Number.isSafeInteger(v)) return -1;
  if (v < 0) {
    view.setUint8(p++, 45);
    v = -v;
  }
  const high = Math.floor(v / 1e9);
  const low = v - high * 1e9;
  const end = uint(view, p, high) + 9;
  // Nine digits: a leading zero, then low as four pairs from the right.
  let rest = low;
  let at = end;
  for (let i = 0; i < 4; i++) {
    const q = (rest / 100) | 0;
    at -= 2;
    view.setUint16(at, PAIRS[rest - q * 100] as number, true);
    rest = q;
  }
  view.setUint8(at - 1, 48 + rest);
  return end;
}

/** The byte for a two-character escape (`\n`), 0 where JSON.stringify writes `\u00XX`. */
const SHORT_ESCAPES = new Uint8Array(128);
for (const [code, letter] of [
  [8, "b"],
  [9, "t"],
  [10, "n"],
  [12, "f"],
  [13, "r"],
  [34, '"'],
  [92, "\\"],
] as const) {
  SHORT_ESCAPES[code] = letter.charCodeAt(0);
}
const HEX = utf8.encode("0123456789abcdef");

/** `\uXXXX`, lowercase as JSON.stringify writes it. */
function unicodeEscape(view: DataView, p: number, c: number): number {
  view.setUint16(p, 0x755c, true); // "\u"
  view.setUint8(p + 2, HEX[c >> 12] as number);
  view.setUint8(p + 3, HEX[(c >> 8) & 15] as number);
  view.setUint8(p + 4, HEX[(c >> 4) & 15] as number);
  view.setUint8(p + 5, HEX[c & 15] as number);
  return p + 6;
}

/** At most this many bytes a UTF-16 unit: `\u001f` (UTF-8 takes 3, a surrogate pair 4 for two). */
export const QUOTED_BYTES_PER_UNIT = 6;

/** `text` as JSON.stringify quotes it, UTF-8 encoded; lone surrogates become `\udXXX` as there. */
export function quote(view: DataView, p: number, text: string): number {
  view.setUint8(p++, 34);
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) {
      if (c >= 0x20 && c !== 34 && c !== 92) {
        view.setUint8(p++, c);
      } else {
        const letter = SHORT_ESCAPES[c] as number;
        if (letter === 0) {
          p = unicodeEscape(view, p, c);
        } else {
          view.setUint16(p, 92 | (letter << 8), true);
          p += 2;
        }
      }
    } else if (c < 0x800) {
      view.setUint16(p, 0xc0 | (c >> 6) | ((0x80 | (c & 0x3f)) << 8), true);
      p += 2;
    } else if (c < 0xd800 || c > 0xdfff) {
      view.setUint8(p, 0xe0 | (c >> 12));
      view.setUint8(p + 1, 0x80 | ((c >> 6) & 0x3f));
      view.setUint8(p + 2, 0x80 | (c & 0x3f));
      p += 3;
    } else {
      const d = i + 1 < n ? text.charCodeAt(i + 1) : 0;
      if (c <= 0xdbff && d >= 0xdc00 && d <= 0xdfff) {
        const cp = 0x10000 + ((c - 0xd800) << 10) + (d - 0xdc00);
        view.setUint8(p, 0xf0 | (cp >> 18));
        view.setUint8(p + 1, 0x80 | ((cp >> 12) & 0x3f));
        view.setUint8(p + 2, 0x80 | ((cp >> 6) & 0x3f));
        view.setUint8(p + 3, 0x80 | (cp & 0x3f));
        p += 4;
        i++;
      } else {
        p = unicodeEscape(view, p, c);
      }
    }
  }
  view.setUint8(p++, 34);
  return p;
}

/** Longer strings are refused: with this bound a line's size is known before it is written. */
export const MAX_STRING_CHARS = 128;

/** Distinct strings kept; past it, new ones are escaped in place each time (no allocation). */
const CACHE_ENTRIES = 1024;

const NULL = packed("null");

/**
 * JSON values written into bytes for one output, between the pre-packed keys of a line (the event
 * writer in event-bytes.generated.ts). A value it cannot write exactly as eventToJson would (a
 * number that is not a safe integer, a string over MAX_STRING_CHARS, a name outside its list) sets
 * `refused`, and the caller writes that line from its string instead. Strings (symbols, accounts,
 * reasons, string ids) go out as their JSON-quoted UTF-8 bytes from a small cache.
 */
export class JsonBytesWriter {
  refused = false;
  private readonly cache = new Map<string, Packed>();

  /** See `int`; a number it cannot write exactly is refused. */
  int(view: DataView, p: number, v: number): number {
    const end = int(view, p, v);
    if (end >= 0) return end;
    this.refused = true;
    return p;
  }

  /** NaN: none (null). */
  intOrNull(view: DataView, p: number, v: number): number {
    return Number.isNaN(v) ? put(view, p, NULL) : this.int(view, p, v);
  }

  /** A JSON string: cached bytes, else escaped in place (and kept while the cache has room). */
  str(view: DataView, p: number, text: string): number {
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

  textOrNull(view: DataView, p: number, text: string | null): number {
    return text === null ? put(view, p, NULL) : this.str(view, p, text);
  }

  /** An order id: a number or a string. */
  id(view: DataView, p: number, id: number | string): number {
    return typeof id === "number" ? this.int(view, p, id) : this.str(view, p, id);
  }

  /** `choices[i]`: a name and the keys around it, by the name's index (-1: not a name, refused). */
  pick(view: DataView, p: number, choices: readonly Packed[], i: number): number {
    if (i < 0) {
      this.refused = true;
      return p;
    }
    return put(view, p, choices[i] as Packed);
  }
}
