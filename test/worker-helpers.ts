import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../exchange.js";
import type { Command } from "../protocol/commands.js";
import { eventToJson } from "../protocol/events.js";

/** The in-process reference: each command's events as JSON lines, and the final state hash. */
export function referenceRun(commands: readonly unknown[]): {
  perCommand: string[][];
  all: string[];
  stateHash: string;
  seq: number;
  accounts: ReturnType<Engine["accounts"]>;
} {
  const perCommand: string[][] = [];
  const all: string[] = [];
  let current: string[] = [];
  const engine = new Engine({
    onEvent(e) {
      const line = eventToJson(e);
      current.push(line);
      all.push(line);
    },
  });
  for (const c of commands) {
    current = [];
    engine.apply(c);
    perCommand.push(current);
  }
  return { perCommand, all, stateHash: engine.stateHash(), seq: engine.seq, accounts: engine.accounts() };
}

export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `softliq-${prefix}-`));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Commands in the flow format, typed loosely (tests also send invalid ones). */
export type AnyCommand = Command | Record<string, unknown>;
