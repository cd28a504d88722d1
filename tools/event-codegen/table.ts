/** The event table (protocol/event-schema.ts), checked and resolved into what the emitters read. */
import { ENUMS, type EventSpec, type FieldKind, type FieldSpec } from "../../protocol/event-schema.js";

export type EnumKind = keyof typeof ENUMS;

export interface Field extends FieldSpec {
  /** The record's property. */
  prop: string;
}

export interface Shape {
  /** The variant's value (an acceptance's command), null for an event without variants. */
  value: string | null;
  fields: Field[];
}

export interface Event {
  type: string;
  doc: string;
  /** "FillEvent" */
  name: string;
  /** "FILL" */
  tag: string;
  /** The wire's type code. */
  code: number;
  /** The field variants are chosen by. */
  by: Field | null;
  shapes: Shape[];
  /** Every field any shape has, by record property, in order of first use. */
  all: Field[];
  /** The event is its command (EventSpec.fromCommand): its sink method also takes the CommandRecord. */
  fromCommand: boolean;
}

export const HEAD: readonly Field[] = [
  { key: "seq", prop: "seq", kind: "int" },
  { key: "ts", prop: "ts", kind: "int" },
];

const NULLABLE: ReadonlySet<FieldKind> = new Set(["textOrNull", "idOrNull", "command"]);
/** Bits of the wire's event type code (so at most 2^TYPE_BITS event types). */
export const TYPE_BITS = 5;

/** Fields carried in the wire record's header bits, not in slots of their own. */
export const HEADER_KINDS: ReadonlySet<FieldKind> = new Set(["bool", "side", "tif", "command"]);

export function isEnum(kind: FieldKind): kind is EnumKind {
  return kind === "side" || kind === "tif" || kind === "command";
}

export function fail(message: string): never {
  throw new Error(`event schema: ${message}`);
}

function resolve(f: FieldSpec): Field {
  const field: Field = { ...f, prop: f.field ?? f.key };
  const where = `field ${f.key}`;
  if (f.when === "true" && f.kind !== "bool") fail(`${where}: when "true" is for bool fields`);
  if (f.when === "nonNull" && !NULLABLE.has(f.kind)) fail(`${where}: when "nonNull" on a kind that is never null`);
  if (f.when === "nonEmpty" && f.kind !== "text") fail(`${where}: when "nonEmpty" is for text fields`);
  if (f.when === "positive" && f.kind !== "int") fail(`${where}: when "positive" is for int fields`);
  if (f.nullAs !== undefined && (!NULLABLE.has(f.kind) || f.when !== undefined)) {
    fail(`${where}: nullAs is for an always written field of a nullable kind`);
  }
  if (f.sent !== undefined && HEADER_KINDS.has(f.kind)) fail(`${where}: a header field cannot travel as sent`);
  return field;
}

function pascal(type: string): string {
  return type.replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase());
}

export function snake(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, "$1_$2").toUpperCase();
}

function union(lists: readonly Field[][]): Field[] {
  const out: Field[] = [];
  for (const list of lists) for (const f of list) if (!out.some((o) => o.prop === f.prop)) out.push(f);
  return out;
}

function resolveEvent(spec: EventSpec, code: number): Event {
  const fixed = spec.fields.map(resolve);
  let by: Field | null = null;
  let shapes: Shape[];
  if (spec.variants === undefined) {
    shapes = [{ value: null, fields: fixed }];
  } else {
    const variants = spec.variants;
    by = fixed.find((f) => f.key === variants.by) ?? fail(`${spec.type}: no field ${variants.by} to choose by`);
    if (!isEnum(by.kind)) fail(`${spec.type}: variants go by a side, tif or command`);
    const names = ENUMS[by.kind].values as readonly string[];
    const cases = Object.keys(variants.cases);
    const missing = names.filter((n) => !cases.includes(n));
    const extra = cases.filter((c) => !names.includes(c));
    if (missing.length > 0 || extra.length > 0) {
      fail(`${spec.type}: the cases must be the ${by.kind} names (missing ${missing}, unknown ${extra})`);
    }
    if (ENUMS[by.kind].nullable && (by.nullAs === undefined || !cases.includes(String(by.nullAs)))) {
      fail(`${spec.type}: a null ${by.key} needs a nullAs that names a case`);
    }
    shapes = names.map((n) => ({ value: n, fields: [...fixed, ...(variants.cases[n] ?? []).map(resolve)] }));
  }
  const all = union(shapes.map((s) => s.fields));
  const tag = snake(pascal(spec.type));
  const fromCommand = spec.fromCommand === true;
  return { type: spec.type, doc: spec.doc, name: `${pascal(spec.type)}Event`, tag, code, by, shapes, all, fromCommand };
}

export function resolveSchema(schema: readonly EventSpec[]): { events: Event[]; record: Field[] } {
  const events = schema.map(resolveEvent);
  const seen = new Set<string>();
  for (const e of events) {
    if (seen.has(e.type)) fail(`two events of type ${e.type}`);
    seen.add(e.type);
  }
  if (events.length > 2 ** TYPE_BITS) fail(`more than ${2 ** TYPE_BITS} event types: widen the wire's type bits`);
  // One record property has one kind, whichever events use it.
  const record: Field[] = [...HEAD];
  for (const e of events) {
    for (const f of e.all) {
      const known = record.find((r) => r.prop === f.prop);
      if (known === undefined) record.push(f);
      else if (known.kind !== f.kind) fail(`${e.type}.${f.key}: record field ${f.prop} is ${known.kind} elsewhere`);
      else if (known.doc === undefined && f.doc !== undefined) record[record.indexOf(known)] = { ...known, doc: f.doc };
    }
  }
  return { events, record };
}

/** The EventSink method of an event type: liquidation_stage → liquidationStage. */
export function sinkMethod(e: Event): string {
  return e.type.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The CommandRecord expression a field of a `fromCommand` event takes its record value from. */
export function fromCommand(f: Field): string {
  switch (f.kind) {
    case "command":
      return "cmd.type";
    case "idOrNull":
      return `(cmd.hasId ? cmd.${f.prop} : null)`;
    case "side":
      return `(SIDE_NAMES[cmd.${f.prop}] as Side)`;
    case "tif":
      return `(TIF_NAMES[cmd.${f.prop}] as string)`;
    default:
      return `cmd.${f.prop}`;
  }
}
