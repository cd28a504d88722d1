import { ENUMS, EVENT_SCHEMA, type FieldSpec } from "../protocol/event-schema.js";
import { EngineEvent, type EventType } from "../protocol/events.js";

/** How a sample fills its fields: everything set (ids as text or as numbers), or everything left out. */
const FILLS = ["text ids", "number ids", "bare"] as const;
type Fill = (typeof FILLS)[number];

function value(f: FieldSpec, fill: Fill, n: number, text: string): unknown {
  const bare = fill === "bare";
  switch (f.kind) {
    case "int":
      return bare && f.when === "positive" ? 0 : n;
    case "intOrNull":
      return bare ? Number.NaN : n;
    case "bool":
      return !bare;
    case "text":
    case "symbol":
      return bare && f.when === "nonEmpty" ? "" : text;
    case "textOrNull":
      return bare ? null : text;
    case "orderId":
      return fill === "text ids" ? text : n;
    case "idOrNull":
      return bare ? null : fill === "text ids" ? text : n;
    case "side":
      return fill === "text ids" ? "sell" : "buy";
    case "tif":
      return ENUMS.tif.values[fill === "text ids" ? 2 : fill === "number ids" ? 3 : 1];
    case "command":
      return bare ? null : ENUMS.command.values[n & 7];
  }
}

function sample(type: string, fields: readonly FieldSpec[], fill: Fill, n: number, text: string): EngineEvent {
  const e = new EngineEvent();
  e.seq = n;
  e.ts = n;
  e.type = type as EventType;
  const record = e as unknown as Record<string, unknown>;
  for (const f of fields) record[f.field ?? f.key] = value(f, fill, n, text);
  return e;
}

/**
 * Events of every type and shape in the event table (each command's acceptance apart), with `n`
 * in every integer and `text` in every string: one with every field set and ids as text, one with
 * ids as numbers, one with every optional field left out and every nullable one null.
 */
export function sampleEvents(n: number, text: string): EngineEvent[] {
  const out: EngineEvent[] = [];
  for (const spec of EVENT_SCHEMA) {
    const variants = spec.variants;
    const by = spec.fields.find((f) => f.key === variants?.by);
    for (const c of variants === undefined ? [null] : Object.keys(variants.cases)) {
      const fields = c === null ? spec.fields : [...spec.fields, ...(variants?.cases[c] ?? [])];
      for (const fill of FILLS) {
        const e = sample(spec.type, fields, fill, n, text);
        // The variant's own value (an acceptance's command); the one a null stands for, as null.
        if (by !== undefined && c !== null) {
          (e as unknown as Record<string, unknown>)[by.field ?? by.key] = fill === "bare" && by.nullAs === c ? null : c;
        }
        out.push(e);
      }
    }
  }
  return out;
}
