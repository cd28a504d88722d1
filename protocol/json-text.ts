/**
 * JSON text for the event lines (eventToJson, events.generated.ts): strings quoted as
 * JSON.stringify quotes them, ids as numbers or strings. Built from template strings: JSON.stringify
 * of a fresh object cost ~1 µs an event, five times the engine's own work.
 */
import type { OrderId } from "./commands.js";

let lastText = "";
let lastJson = '""';

/** A JSON string literal; symbols and accounts repeat, so the last one is remembered. */
export function quote(text: string): string {
  if (text === lastText) return lastJson;
  lastText = text;
  lastJson = JSON.stringify(text);
  return lastJson;
}

/** Ids rarely repeat from one event to the next: quoted afresh, leaving quote's memory alone. */
export function idJson(id: OrderId): string {
  return typeof id === "number" ? `${id}` : JSON.stringify(id);
}

export function nullableJson(text: string | null): string {
  return text === null ? "null" : quote(text);
}
