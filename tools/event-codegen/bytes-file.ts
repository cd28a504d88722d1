/** event-bytes.generated.ts: the JSONL line straight into bytes. */

import { MAX_STRING_CHARS, QUOTED_BYTES_PER_UNIT } from "../../io/json-bytes.js";
import { ENUMS } from "../../protocol/event-schema.js";
import { HEAD_PIECES, type Piece, pieces } from "./line.js";
import { type EnumKind, type Event, type Field, fail, isEnum, type Shape, snake } from "./table.js";
import { condition, HEADER, lit, valueOrNullAs } from "./text.js";

const STRING_BYTES = QUOTED_BYTES_PER_UNIT * MAX_STRING_CHARS + 2;
const INT_BYTES = 17; // -9007199254740991

/** Worst-case size of a shape's line: strings, integers and the rest (keys, names, literals). */
function worst(ps: readonly Piece[], acc = { strings: 0, ints: 0, other: 0 }): typeof acc {
  for (const p of ps) {
    if ("lit" in p) acc.other += Buffer.byteLength(p.lit);
    else if ("when" in p) worst(p.body, acc);
    else {
      const k = p.value.kind;
      if (k === "int" || k === "intOrNull") acc.ints++;
      else if (k === "bool") acc.other += 5;
      else if (isEnum(k)) acc.other += 2 + Math.max(...ENUMS[k].values.map((v) => Buffer.byteLength(v)));
      else acc.strings++;
    }
  }
  return acc;
}

class Constants {
  readonly lines: string[] = [];
  private readonly byText = new Map<string, string>();
  private readonly names = new Set<string>();

  /** The constant holding `text` packed, named after its words. */
  packed(text: string): string {
    const known = this.byText.get(text);
    if (known !== undefined) return known;
    const name = this.name(words(text) || "EMPTY");
    this.byText.set(text, name);
    this.lines.push(`const ${name} = packed(${lit(text)});`);
    return name;
  }

  /**
   * A table of packed texts, one a name (a side, tif or command with the keys around it), named
   * after the text before and after the name (X).
   */
  table(before: string, after: string, texts: readonly string[]): string {
    const key = JSON.stringify(texts);
    const known = this.byText.get(key);
    if (known !== undefined) return known;
    const n = this.name([words(before), "X", words(after)].filter((w) => w !== "").join("_"));
    this.byText.set(key, n);
    this.lines.push(`const ${n}: readonly Packed[] = [${texts.map((t) => `packed(${lit(t)})`).join(", ")}];`);
    return n;
  }

  private name(base: string): string {
    let name = base;
    for (let i = 2; this.names.has(name); i++) name = `${base}_${i}`;
    this.names.add(name);
    return name;
  }
}

function words(text: string): string {
  const w = (text.match(/[A-Za-z0-9]+/g) ?? []).map(snake);
  if (text.endsWith("}")) w.push("END");
  return w.join("_");
}

function bytesValue(f: Field): string {
  const v = `e.${f.prop}`;
  switch (f.kind) {
    case "int":
      return `w.int(view, p, ${v})`;
    case "intOrNull":
      return `w.intOrNull(view, p, ${v})`;
    case "text":
    case "symbol":
      return `w.str(view, p, ${v})`;
    case "textOrNull":
      if (f.nullAs !== undefined) return `w.str(view, p, ${valueOrNullAs(f, v)})`;
      return f.when === undefined ? `w.textOrNull(view, p, ${v})` : `w.str(view, p, ${v})`;
    case "orderId":
      return `w.id(view, p, ${v})`;
    case "idOrNull":
      if (f.nullAs !== undefined) return `w.id(view, p, ${valueOrNullAs(f, v)})`;
      if (f.when === undefined) fail(`${f.key}: an id written as null`);
      return `w.id(view, p, ${v})`;
    default:
      return fail(`${f.key}: ${f.kind} is written with its neighbours`);
  }
}

/**
 * Statements writing `ps`. Fixed text is merged and packed; a name (side, tif, command) or an
 * always-written boolean takes the text before and after it into one packed piece per value.
 */
function emitBytes(ps: readonly Piece[], k: Constants, indent: string): string {
  let out = "";
  let pending = "";
  const flush = () => {
    if (pending !== "") out += `${indent}p = put(view, p, ${k.packed(pending)});\n`;
    pending = "";
  };
  for (let i = 0; i < ps.length; i++) {
    const p = ps[i] as Piece;
    if ("lit" in p) {
      pending += p.lit;
      continue;
    }
    if ("when" in p) {
      flush();
      out += `${indent}if (${condition(p.when, `e.${p.when.prop}`)}) {\n`;
      out += emitBytes(p.body, k, `${indent}  `);
      out += `${indent}}\n`;
      continue;
    }
    const f = p.value;
    if (f.kind === "bool" || isEnum(f.kind)) {
      const next = ps[i + 1];
      let after = "";
      if (next !== undefined && "lit" in next) {
        after = next.lit;
        i++;
      }
      const v = `e.${f.prop}`;
      if (f.kind === "bool") {
        const yes = k.packed(`${pending}true${after}`);
        const no = k.packed(`${pending}false${after}`);
        out += `${indent}p = put(view, p, ${v} ? ${yes} : ${no});\n`;
      } else {
        const kind = f.kind as EnumKind;
        const texts = ENUMS[kind].values.map((n) => `${pending}${lit(n)}${after}`);
        const table = k.table(pending, after, texts);
        out += `${indent}p = w.pick(view, p, ${table}, ${kind}Index(${valueOrNullAs(f, v)}));\n`;
      }
      pending = "";
      continue;
    }
    flush();
    out += `${indent}p = ${bytesValue(f)};\n`;
  }
  flush();
  return out;
}

function emitIndexFunctions(used: ReadonlySet<EnumKind>): string {
  let out = "";
  for (const kind of ["side", "tif", "command"] as const) {
    if (!used.has(kind)) continue;
    out += `/** The ${kind} name's place in its list, -1 for anything else. */\n`;
    out += `function ${kind}Index(name: string): number {\n  switch (name) {\n`;
    ENUMS[kind].values.forEach((n, i) => {
      out += `    case ${lit(n)}:\n      return ${i};\n`;
    });
    out += "    default:\n      return -1;\n  }\n}\n\n";
  }
  return out;
}

function enumsIn(ps: readonly Piece[], used: Set<EnumKind>): void {
  for (const p of ps) {
    if ("value" in p && isEnum(p.value.kind)) used.add(p.value.kind);
    else if ("when" in p) enumsIn(p.body, used);
  }
}

export function bytesFile(events: Event[]): string {
  const k = new Constants();
  const used = new Set<EnumKind>();
  const head = emitBytes(
    pieces(events[0] as Event, (events[0] as Event).shapes[0] as Shape).slice(0, HEAD_PIECES),
    k,
    "  ",
  );
  let body = "";
  let largest = { what: "", strings: 0, ints: 0, other: 0, bytes: 0 };
  for (const e of events) {
    body += `    case ${lit(e.type)}:\n`;
    const emitShape = (s: Shape, indent: string) => {
      const ps = pieces(e, s);
      enumsIn(ps, used);
      const size = worst(ps);
      const bytes = size.strings * STRING_BYTES + size.ints * INT_BYTES + size.other;
      if (bytes > largest.bytes) largest = { what: s.value === null ? e.type : `${e.type} ${s.value}`, ...size, bytes };
      // seq and ts head every line: written before the switch.
      return emitBytes(ps.slice(HEAD_PIECES), k, indent);
    };
    if (e.by === null) {
      body += emitShape(e.shapes[0] as Shape, "      ");
      body += "      return p;\n";
      continue;
    }
    body += `      switch (${valueOrNullAs(e.by, `e.${e.by.prop}`)}) {\n`;
    for (const s of e.shapes) {
      body += `        case ${lit(s.value)}:\n`;
      body += emitShape(s, "          ");
      body += "          return p;\n";
    }
    body += "      }\n";
    // An acceptance of a command outside the list: eventToJson writes it.
    body += "      w.refused = true;\n      return p;\n";
  }
  let out = HEADER("the JSON line as bytes");
  out +=
    'import { type JsonBytesWriter, MAX_STRING_CHARS, type Packed, PUT_OVERRUN, packed, put, QUOTED_BYTES_PER_UNIT } from "../io/json-bytes.js";\n';
  out += 'import type { EngineEvent } from "./events.generated.js";\n\n';
  out += `/**\n * Room a line may take: the longest is ${largest.what === "" ? "none" : `a ${largest.what}`}, ${largest.strings} strings of at most\n`;
  out += ` * MAX_STRING_CHARS units (six bytes each at worst, \\u001f) and quotes, ${largest.ints} integers of at most 17\n`;
  out += ` * characters (-9007199254740991) and ${largest.other} bytes of keys, names and literals.\n */\n`;
  out += `export const MAX_EVENT_BYTES =\n  ${largest.strings} * (QUOTED_BYTES_PER_UNIT * MAX_STRING_CHARS + 2) + ${largest.ints} * 17 + ${largest.other} + PUT_OVERRUN;\n\n`;
  const functions = emitIndexFunctions(used);
  out += `${k.lines.join("\n")}\n\n`;
  out += functions;
  out += "/**\n * Writes `e`'s JSONL line (no newline) at `p` and returns where it ends; the caller leaves\n";
  out += " * MAX_EVENT_BYTES of room. What cannot be written exactly as eventToJson writes it sets `w.refused`.\n */\n";
  out += "export function writeEventBytes(w: JsonBytesWriter, view: DataView, p: number, e: EngineEvent): number {\n";
  out += head;
  out += "  switch (e.type) {\n";
  out += body;
  out += "    default:\n      w.refused = true;\n      return p;\n  }\n}\n";
  return out;
}
