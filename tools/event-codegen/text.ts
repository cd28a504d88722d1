/** Small helpers for the emitted TypeScript. */
import type { Field } from "./table.js";

/** The head of every generated file. */
export const HEADER = (what: string) =>
  `// Generated from protocol/event-schema.ts by tools/event-codegen (${what}): do not edit.\n// Change the schema and run \`npm run generate:events\`.\n`;

export const lit = (v: unknown) => JSON.stringify(v);
/** `text` inside a template literal. */
export const tpl = (text: string) => text.replace(/[`\\]|\$\{/g, (m) => `\\${m}`);

export function condition(f: Field, v: string): string {
  switch (f.when) {
    case "nonNull":
      return `${v} !== null`;
    case "nonEmpty":
      return `${v} !== ""`;
    case "positive":
      return `${v} > 0`;
    default:
      return v;
  }
}

/** The record's value with a null written as `nullAs`. */
export function valueOrNullAs(f: Field, v: string): string {
  return f.nullAs === undefined ? v : `(${v} ?? ${lit(f.nullAs)})`;
}

export function docComment(text: string, indent = ""): string {
  return `${indent}/** ${text} */\n`;
}
