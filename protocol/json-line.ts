/**
 * The strict reader of order-flow text: every JSONL line the byte scanner leaves (escapes, nested
 * values, fractions, text beyond ASCII, bad lines) and the JSON and number cells of CSV. JSON.parse
 * reads the values; around it two rules that JSON itself does not make:
 * - the bytes are valid UTF-8: a decoder replaces bad bytes with U+FFFD, which would make two ids
 *   that differ only in bad bytes one id;
 * - a number is whole as written: its decimal text, not the double it rounds to, is an integer
 *   (`100`, `100.0` and `1e2` are 100; `100.00000000000000001` is not, although it rounds to 100).
 *   A number that is not reads as `null`, which no field accepts, so validation rejects it with
 *   the field's own code (INVALID_PRICE, INVALID_QTY, …) as for any other wrong value.
 */
import { isUtf8 } from "node:buffer";

export type JsonText = { ok: true; value: unknown } | { ok: false; detail: string };

/** Reads buf[start, end) as one JSON value under the rules above. */
export function readJsonLine(buf: Buffer, start: number, end: number): JsonText {
  if (!isUtf8(buf.subarray(start, end))) return { ok: false, detail: "not valid UTF-8" };
  return parseJsonText(buf.toString("utf8", start, end));
}

/** Reads already decoded text as one JSON value, numbers held to being whole as written. */
export function parseJsonText(text: string): JsonText {
  try {
    return { ok: true, value: JSON.parse(wholeNumbersOnly(text)) };
  } catch (err) {
    return { ok: false, detail: (err as Error).message };
  }
}

/** JSON's number grammar. */
export const JSON_NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;
const NUMBER_AT = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;
const PARTS = /^-?([0-9]+)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?$/;

/** Whether a token of JSON's number grammar denotes an integer, computed on its digits. */
export function isWholeNumber(token: string): boolean {
  const parts = PARTS.exec(token);
  if (parts === null) return false;
  const fraction = parts[2] ?? "";
  if (fraction === "" && parts[3] === undefined) return true;
  const digits = (parts[1] as string) + fraction;
  // value = digits × 10^shift: whole when shift ≥ 0, or when the last −shift digits are zeros.
  const shift = Number(parts[3] ?? "0") - fraction.length;
  if (shift >= 0) return true;
  let zeros = 0;
  while (zeros < digits.length && digits.charCodeAt(digits.length - 1 - zeros) === 48) zeros++;
  return zeros === digits.length || zeros >= -shift;
}

/** The index just past the string literal opening at `i` (the end of the text when unterminated). */
function skipString(text: string, i: number): number {
  for (let j = i + 1; j < text.length; j++) {
    const c = text.charCodeAt(j);
    if (c === 92)
      j++; // '\': the next character is escaped
    else if (c === 34) return j + 1;
  }
  return text.length;
}

/**
 * `text` with every number that is not whole as written replaced by `null`. Both are one value
 * token, so the replacement never makes malformed JSON well-formed or the reverse.
 */
function wholeNumbersOnly(text: string): string {
  let rewritten = "";
  let copied = 0;
  for (let i = 0; i < text.length; ) {
    const c = text.charCodeAt(i);
    if (c === 34) {
      i = skipString(text, i);
      continue;
    }
    if (c !== 45 && (c < 48 || c > 57)) {
      i++;
      continue;
    }
    NUMBER_AT.lastIndex = i;
    const token = NUMBER_AT.exec(text)?.[0];
    if (token === undefined) {
      i++; // a lone '-': JSON.parse reports it
      continue;
    }
    if (!isWholeNumber(token)) {
      rewritten += `${text.slice(copied, i)}null`;
      copied = i + token.length;
    }
    i += token.length;
  }
  return copied === 0 ? text : rewritten + text.slice(copied);
}
