/**
 * `npm run generate:events`: writes the event code generated from protocol/event-schema.ts
 * (see tools/event-codegen/generate.ts). Run it after changing the schema; commit what it writes.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { generateEventSources, ROOT } from "./event-codegen/generate.js";

for (const { path, text } of generateEventSources()) {
  const file = join(ROOT, path);
  let old = "";
  try {
    old = readFileSync(file, "utf8");
  } catch {
    // a new file
  }
  if (old === text) continue;
  writeFileSync(file, text);
  console.log(`wrote ${path}`);
}
