/**
 * A deliberately plain reader of one JSONL line, for the fuzz test to hold the byte scanner and
 * the strict reader to: a fatal UTF-8 decoder, then a recursive-descent JSON parser written from
 * the grammar, whose numbers are whole when their decimal digits say so (BigInt arithmetic) and
 * read as null otherwise. Nothing here is shared with protocol/json-line.ts or the scanner.
 */
import { ALL_COMMAND_FIELDS, COMMAND_FIELDS, type CommandType } from "../protocol/commands.js";

export type ReferenceVerdict =
  | { skipped: true }
  | { reason: "MALFORMED_LINE" | "UNKNOWN_FIELD" }
  | { fields: Record<string, unknown> };

class Malformed extends Error {}

const decoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const NUMBER = /-?(0|[1-9][0-9]*)(?:\.([0-9]+))?(?:[eE]([+-]?[0-9]+))?/y;

function wholeByDigits(intPart: string, fraction: string, exponent: string): boolean {
  const digits = BigInt(intPart + fraction);
  const shift = BigInt(exponent) - BigInt(fraction.length);
  if (shift >= 0n || digits === 0n) return true;
  if (-shift > BigInt(intPart.length + fraction.length)) return false; // nonzero digits below 10^(-shift)
  return digits % 10n ** -shift === 0n;
}

class Parser {
  i = 0;
  constructor(readonly s: string) {}

  ws(): void {
    while (this.i < this.s.length && " \t\n\r".includes(this.s[this.i] as string)) this.i++;
  }

  expect(ch: string): void {
    if (this.s[this.i] !== ch) throw new Malformed(`expected ${ch} at ${this.i}`);
    this.i++;
  }

  value(): unknown {
    this.ws();
    const c = this.s[this.i];
    if (c === "{") return this.object();
    if (c === "[") return this.array();
    if (c === '"') return this.string();
    for (const [word, v] of [
      ["true", true],
      ["false", false],
      ["null", null],
    ] as const) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return v;
      }
    }
    NUMBER.lastIndex = this.i;
    const m = NUMBER.exec(this.s);
    if (m === null) throw new Malformed(`no value at ${this.i}`);
    this.i += m[0].length;
    return wholeByDigits(m[1] as string, m[2] ?? "", m[3] ?? "0") ? Number(m[0]) : null;
  }

  object(): Record<string, unknown> {
    this.expect("{");
    const out: Record<string, unknown> = {};
    this.ws();
    if (this.s[this.i] === "}") {
      this.i++;
      return out;
    }
    for (;;) {
      this.ws();
      const key = this.string();
      this.ws();
      this.expect(":");
      const v = this.value();
      Object.defineProperty(out, key, { value: v, enumerable: true, writable: true, configurable: true });
      this.ws();
      if (this.s[this.i] === "}") {
        this.i++;
        return out;
      }
      this.expect(",");
    }
  }

  array(): unknown[] {
    this.expect("[");
    const out: unknown[] = [];
    this.ws();
    if (this.s[this.i] === "]") {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.value());
      this.ws();
      if (this.s[this.i] === "]") {
        this.i++;
        return out;
      }
      this.expect(",");
    }
  }

  string(): string {
    this.expect('"');
    let out = "";
    for (;;) {
      if (this.i >= this.s.length) throw new Malformed("unterminated string");
      const c = this.s.charCodeAt(this.i++);
      if (c === 34) return out;
      if (c < 0x20) throw new Malformed("control character in a string");
      if (c !== 92) {
        out += String.fromCharCode(c);
        continue;
      }
      const e = this.s[this.i++];
      const simple: Record<string, string> = {
        '"': '"',
        "\\": "\\",
        "/": "/",
        b: "\b",
        f: "\f",
        n: "\n",
        r: "\r",
        t: "\t",
      };
      if (e !== undefined && Object.hasOwn(simple, e)) {
        out += simple[e];
      } else if (e === "u" && /^[0-9a-fA-F]{4}$/.test(this.s.slice(this.i, this.i + 4))) {
        out += String.fromCharCode(Number.parseInt(this.s.slice(this.i, this.i + 4), 16));
        this.i += 4;
      } else {
        throw new Malformed("bad escape");
      }
    }
  }
}

/** What a file line must give: skipped, rejected as a line, or these command fields. */
export function referenceRead(bytes: Uint8Array): ReferenceVerdict {
  let text: string;
  try {
    text = decoder.decode(bytes);
  } catch {
    // A skipped line is judged on its first bytes, whatever follows.
    return isSkippedBytes(bytes) ? { skipped: true } : { reason: "MALFORMED_LINE" };
  }
  if (/^[ \t]*(#|$)/.test(text)) return { skipped: true };
  let value: unknown;
  try {
    const p = new Parser(text);
    value = p.value();
    p.ws();
    if (p.i !== text.length) throw new Malformed("trailing text");
  } catch (err) {
    if (err instanceof Malformed) return { reason: "MALFORMED_LINE" };
    throw err;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return { reason: "MALFORMED_LINE" };
  const object = value as Record<string, unknown>;
  const type = object.type;
  if (typeof type === "string" && Object.hasOwn(COMMAND_FIELDS, type)) {
    const allowed = COMMAND_FIELDS[type as CommandType];
    if (Object.keys(object).some((k) => !allowed.includes(k))) return { reason: "UNKNOWN_FIELD" };
  }
  const fields: Record<string, unknown> = {};
  for (const f of ALL_COMMAND_FIELDS) if (Object.hasOwn(object, f)) fields[f] = object[f];
  return { fields };
}

function isSkippedBytes(bytes: Uint8Array): boolean {
  for (const b of bytes) {
    if (b === 32 || b === 9) continue;
    return b === 35;
  }
  return true;
}
