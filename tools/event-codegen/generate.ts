/**
 * Writes the event code from the one table (protocol/event-schema.ts): the record, the plain
 * objects and the JSON line (events.generated.ts), the line's bytes (event-bytes.generated.ts) and
 * the wire layout (worker/wire/event-codec.generated.ts). The output is straight-line code, as fast as
 * the hand-written writers it replaced: one `case` or function an event type, keys pre-packed, no
 * loop over the table at run time. `npm run generate:events` writes it; test/event-schema.test.ts
 * fails while what is checked in differs from what this makes.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { EVENT_SCHEMA, type EventSpec } from "../../protocol/event-schema.js";
import { bytesFile } from "./bytes-file.js";
import { eventsFile } from "./events-file.js";
import { resolveSchema } from "./table.js";
import { wireFile } from "./wire-file.js";

export const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Where each generated file goes (relative to the repository's root). */
export const OUTPUTS = {
  events: "protocol/events.generated.ts",
  bytes: "protocol/event-bytes.generated.ts",
  wire: "worker/wire/event-codec.generated.ts",
} as const;

/** Formats a generated file as `biome check --write` would (the lint then finds nothing to change). */
function format(path: string, text: string): string {
  const biome = fileURLToPath(new URL("../../node_modules/.bin/biome", import.meta.url));
  const r = spawnSync(biome, ["check", "--write", `--stdin-file-path=${path}`], {
    cwd: ROOT,
    input: text,
    encoding: "utf8",
  });
  if (r.status !== 0 || r.stdout === "") throw new Error(`biome failed on ${path}: ${r.stderr}`);
  return r.stdout;
}

/** Every generated file: its path (from the repository's root) and its text. */
export function generateEventSources(schema: readonly EventSpec[] = EVENT_SCHEMA): { path: string; text: string }[] {
  const { events, record } = resolveSchema(schema);
  return [
    { path: OUTPUTS.events, text: eventsFile(events, record) },
    { path: OUTPUTS.bytes, text: bytesFile(events) },
    { path: OUTPUTS.wire, text: wireFile(events) },
  ].map(({ path, text }) => ({ path, text: format(path, text) }));
}
