/** events.generated.ts: the record, the sink interface, the plain objects, the JSON line. */
import { ENUMS, type FieldKind } from "../../protocol/event-schema.js";
import { type Piece, pieces } from "./line.js";
import { type Event, type Field, fail, fromCommand, type Shape, sinkMethod } from "./table.js";
import { condition, docComment, HEADER, lit, tpl, valueOrNullAs } from "./text.js";

function recordType(kind: FieldKind): string {
  switch (kind) {
    case "int":
    case "intOrNull":
      return "number";
    case "bool":
      return "boolean";
    case "text":
    case "symbol":
    case "tif":
      return "string";
    case "textOrNull":
      return "string | null";
    case "orderId":
      return "OrderId";
    case "idOrNull":
      return "OrderId | null";
    case "side":
      return "Side";
    case "command":
      return "CommandType | null";
  }
}

function recordDefault(kind: FieldKind): string {
  switch (kind) {
    case "int":
    case "intOrNull":
    case "orderId":
      return "0";
    case "bool":
      return "false";
    case "text":
    case "symbol":
      return '""';
    case "textOrNull":
    case "idOrNull":
    case "command":
      return "null";
    case "side":
    case "tif":
      return lit(ENUMS[kind].values[0]);
  }
}

function objectType(f: Field): string {
  if (f.when === "true") return "true";
  const always = f.nullAs !== undefined || f.when !== undefined;
  switch (f.kind) {
    case "intOrNull":
      return "number | null";
    case "textOrNull":
      return always ? "string" : "string | null";
    case "idOrNull":
      return always ? "OrderId" : "OrderId | null";
    case "command":
      return always ? "CommandType" : "CommandType | null";
    default:
      return recordType(f.kind);
  }
}

function emitRecord(events: Event[], record: Field[]): string {
  let out = "/** Every event type, in the contract's order. */\nexport type EventType =\n";
  out += events.map((e) => `  | ${lit(e.type)}`).join("\n");
  out += ";\n\n";
  out +=
    "/**\n * The one reused event record: every field any event type has, typed. The engine fills it and\n" +
    " * hands it to the listener; a listener that keeps an event copies it (eventToObject).\n */\n";
  out += "export class EngineEvent {\n";
  for (const f of record) {
    if (f.doc !== undefined) out += docComment(f.doc, "  ");
    const inferred = ["int", "intOrNull", "bool", "text", "symbol", "tif"].includes(f.kind);
    out += inferred
      ? `  ${f.prop} = ${recordDefault(f.kind)};\n`
      : `  ${f.prop}: ${recordType(f.kind)} = ${recordDefault(f.kind)};\n`;
    if (f.prop === "ts") out += `  type: EventType = ${lit(events[0]?.type)};\n`;
  }
  return `${out}}\n`;
}

function emitObjectTypes(events: Event[]): string {
  let out = "";
  for (const e of events) {
    out += docComment(e.doc);
    out += `export interface ${e.name} {\n  seq: number;\n  ts: number;\n  type: ${lit(e.type)};\n`;
    for (const f of e.all) {
      const optional = f.when !== undefined || isVariantField(e, f);
      out += `  ${f.key}${optional ? "?" : ""}: ${variantObjectType(e, f)};\n`;
    }
    out += "}\n\n";
  }
  out += "export type EventObject =\n";
  out += events.map((e) => `  | ${e.name}`).join("\n");
  return `${out};\n`;
}

/** A field some variants have and others not. */
function isVariantField(e: Event, f: Field): boolean {
  return !e.shapes.every((s) => s.fields.some((g) => g.prop === f.prop));
}

/** A field's object type, the same in every variant that has it. */
function variantObjectType(e: Event, f: Field): string {
  const types = new Set<string>();
  for (const s of e.shapes) for (const g of s.fields) if (g.prop === f.prop) types.add(objectType(g));
  if (types.size > 1) fail(`${e.type}.${f.key}: the variants give it different types (${[...types]})`);
  return [...types][0] as string;
}

/**
 * Statements that build `o` from `e` for `fields`: an object literal up to the first conditional
 * field, then assignments (the JSON keys keep the fields' order). Without any, the literal is returned.
 */
function emitObjectBuild(e: Event, fields: Field[], returnIt: boolean): string {
  const head = ["seq: e.seq", "ts: e.ts", `type: ${lit(e.type)}`];
  let i = 0;
  for (; i < fields.length; i++) {
    const f = fields[i] as Field;
    if (f.when !== undefined || isVariantField(e, f)) break;
    head.push(`${f.key}: ${objectValue(f)}`);
  }
  const rest = fields.slice(i);
  if (rest.length === 0 && returnIt) return `      return { ${head.join(", ")} };\n`;
  // A required field assigned after the literal: the literal is cast (it is complete by the return).
  const needsCast = rest.some((f) => f.when === undefined && !isVariantField(e, f));
  let out = needsCast
    ? `      const o = { ${head.join(", ")} } as ${e.name};\n`
    : `      const o: ${e.name} = { ${head.join(", ")} };\n`;
  out += emitAssignments(rest, "      ");
  return returnIt ? `${out}      return o;\n` : out;
}

function objectValue(f: Field): string {
  const v = `e.${f.prop}`;
  if (f.when === "true") return "true";
  if (f.kind === "intOrNull") return `Number.isNaN(${v}) ? null : ${v}`;
  return f.nullAs === undefined ? v : `${v} ?? ${lit(f.nullAs)}`;
}

function emitAssignments(fields: readonly Field[], indent: string): string {
  let out = "";
  for (const f of fields) {
    const set = `o.${f.key} = ${objectValue(f)};`;
    out += f.when === undefined ? `${indent}${set}\n` : `${indent}if (${condition(f, `e.${f.prop}`)}) ${set}\n`;
  }
  return out;
}

/** Variants with the same fields, grouped (their cases share one body). */
function groups(e: Event, skip: number): { values: string[]; fields: Field[] }[] {
  const out: { values: string[]; fields: Field[]; sig: string }[] = [];
  for (const s of e.shapes) {
    const fields = s.fields.slice(skip);
    const sig = JSON.stringify(fields);
    const g = out.find((o) => o.sig === sig);
    if (g === undefined) out.push({ values: [s.value as string], fields, sig });
    else g.values.push(s.value as string);
  }
  return out;
}

function emitEventToObject(events: Event[]): string {
  let out = "/** A plain, self-contained copy of an event with exactly the fields its type carries. */\n";
  out += "export function eventToObject(e: EngineEvent): EventObject {\n  switch (e.type) {\n";
  for (const e of events) {
    if (e.by === null) {
      const body = emitObjectBuild(e, (e.shapes[0] as Shape).fields, true);
      out += body.includes("const o")
        ? `    case ${lit(e.type)}: {\n${body}    }\n`
        : `    case ${lit(e.type)}:\n${body}`;
    } else {
      out += `    case ${lit(e.type)}: {\n`;
      const fixed = (e.shapes[0] as Shape).fields.filter((f) => !isVariantField(e, f));
      out += emitObjectBuild(e, fixed, false);
      out += `      switch (o.${e.by.key}) {\n`;
      for (const g of groups(e, fixed.length)) {
        for (const v of g.values) out += `        case ${lit(v)}:\n`;
        out += emitAssignments(g.fields, "          ");
        out += "          break;\n";
      }
      out += "      }\n      return o;\n    }\n";
    }
  }
  return `${out}  }\n}\n`;
}

function jsonValue(f: Field): string {
  const v = `e.${f.prop}`;
  switch (f.kind) {
    case "int":
    case "bool":
      return `\${${v}}`;
    case "intOrNull":
      return `\${Number.isNaN(${v}) ? "null" : ${v}}`;
    case "text":
    case "symbol":
      return `\${quote(${v})}`;
    case "textOrNull":
      if (f.nullAs !== undefined) return `\${quote(${valueOrNullAs(f, v)})}`;
      return f.when === undefined ? `\${nullableJson(${v})}` : `\${quote(${v})}`;
    case "orderId":
      return `\${idJson(${v})}`;
    case "idOrNull":
      if (f.nullAs !== undefined) return `\${idJson(${valueOrNullAs(f, v)})}`;
      return f.when === undefined ? `\${${v} === null ? "null" : idJson(${v})}` : `\${idJson(${v})}`;
    case "side":
    case "tif":
    case "command":
      // Names of a fixed list, written as they are.
      return `"\${${f.nullAs === undefined ? v : valueOrNullAs(f, v)}}"`;
  }
}

function jsonTemplate(ps: readonly Piece[], locals: string[]): string {
  let out = "";
  for (const p of ps) {
    if ("lit" in p) out += tpl(p.lit);
    else if ("value" in p) out += jsonValue(p.value);
    else {
      const name = p.when.key;
      locals.push(
        `const ${name} = ${condition(p.when, `e.${p.when.prop}`)} ? \`${jsonTemplate(p.body, locals)}\` : "";`,
      );
      out += `\${${name}}`;
    }
  }
  return out;
}

function emitShapeJson(e: Event, s: Shape, indent: string): string {
  const locals: string[] = [];
  const line = jsonTemplate(pieces(e, s), locals);
  if (locals.length === 0) return `${indent}return \`${line}\`;\n`;
  return `${indent}{\n${locals.map((l) => `${indent}  ${l}\n`).join("")}${indent}  return \`${line}\`;\n${indent}}\n`;
}

function emitEventToJson(events: Event[]): string {
  let out =
    "/** One JSONL line (without the newline), for files and pipes: JSON.stringify(eventToObject(e))'s text. */\n";
  out += "export function eventToJson(e: EngineEvent): string {\n  switch (e.type) {\n";
  for (const e of events) {
    out += `    case ${lit(e.type)}:\n`;
    if (e.by === null) {
      out += emitShapeJson(e, e.shapes[0] as Shape, "      ");
      continue;
    }
    // The shape of a null (nullAs) is the default, so the switch ends in a return.
    const last = e.by.nullAs === undefined ? (e.shapes.at(-1) as Shape).value : String(e.by.nullAs);
    out += `      switch (${valueOrNullAs(e.by, `e.${e.by.prop}`)}) {\n`;
    for (const s of [...e.shapes.filter((s) => s.value !== last), ...e.shapes.filter((s) => s.value === last)]) {
      out += s.value === last ? `        default: // ${last}\n` : `        case ${lit(s.value)}:\n`;
      out += emitShapeJson(e, s, "          ");
    }
    out += "      }\n";
  }
  return `${out}  }\n}\n`;
}

function emitSink(events: Event[]): string {
  let out = "/** Receives every event. The record is reused: copy it (eventToObject) to keep it. */\n";
  out += "export type EventListener = (event: EngineEvent) => void;\n\n";
  out += "/**\n * Takes each event by its type: the engine calls the method of the event it publishes, so a\n";
  out += " * consumer may keep one small function a type (the worker's wire writer does: one listener\n";
  out += " * switching on the type cost the worker ~6% of its time, measured with bench/wire-cost.bench.ts).\n */\n";
  out += "export interface EventSink {\n";
  for (const e of events) {
    if (e.fromCommand) {
      out += `  /** \`cmd\`: the command the event is (\`e\` holds only seq and ts), or null when \`e\` holds it all. */\n`;
      out += `  ${sinkMethod(e)}(e: EngineEvent, cmd: CommandRecord | null): void;\n`;
    } else out += `  ${sinkMethod(e)}(e: EngineEvent): void;\n`;
  }
  out += "}\n\n";
  for (const e of events) {
    if (!e.fromCommand) continue;
    out += `/** Fills a ${e.type} event's fields from its command. */\n`;
    out += `export function ${sinkMethod(e)}FromCommand(e: EngineEvent, cmd: CommandRecord): void {\n`;
    out += `  e.type = ${lit(e.type)};\n`;
    for (const f of e.all) out += `  e.${f.prop} = ${fromCommand(f)};\n`;
    out += "}\n\n";
  }
  out += "/** The sink that hands every event to one listener. */\nexport class ListenerSink implements EventSink {\n";
  out += "  constructor(readonly listener: EventListener) {}\n\n";
  for (const e of events) {
    if (e.fromCommand) {
      out += `  ${sinkMethod(e)}(e: EngineEvent, cmd: CommandRecord | null): void {\n`;
      out += `    if (cmd !== null) ${sinkMethod(e)}FromCommand(e, cmd);\n    this.listener(e);\n  }\n\n`;
    } else out += `  ${sinkMethod(e)}(e: EngineEvent): void {\n    this.listener(e);\n  }\n\n`;
  }
  out += "}\n\n";
  out += "/** Hands `e` (every field filled) to the sink's method for its type. */\n";
  out += "export function deliverEvent(sink: EventSink, e: EngineEvent): void {\n  switch (e.type) {\n";
  for (const e of events) {
    out += `    case ${lit(e.type)}:\n      sink.${sinkMethod(e)}(e${e.fromCommand ? ", null" : ""});\n      return;\n`;
  }
  return `${out}  }\n}\n`;
}

export function eventsFile(events: Event[], record: Field[]): string {
  let out = HEADER("the record, the plain objects, the JSON line");
  const names = events.some((e) => e.fromCommand) ? "type CommandRecord, SIDE_NAMES, TIF_NAMES, " : "";
  out += `import { ${names}type CommandType, type OrderId, type Side } from "./commands.js";\n`;
  out += 'import { idJson, nullableJson, quote } from "./json-text.js";\n\n';
  out += emitRecord(events, record);
  out += "\n";
  out += emitSink(events);
  out += "\n";
  out += emitObjectTypes(events);
  out += "\n";
  out += emitEventToObject(events);
  out += "\n";
  out += emitEventToJson(events);
  return out;
}
