/**
 * The command streams every suite shares: the generated mixed flow (seed fixed, so every run and
 * every peer sees the same commands) and its per-command categories for latency breakdowns.
 */
import type { Command } from "../protocol/commands.js";
import { generateFlow } from "../sim/flow-generator.js";

export const FLOW_SEED = 42;

export const CATEGORY_NAMES = ["limit GTC", "limit IOC/FOK", "market", "cancel", "modify", "other"] as const;
export const LIMIT_GTC = 0;
export const LIMIT_IOC_FOK = 1;
export const MARKET = 2;
export const CANCEL = 3;
export const MODIFY = 4;
export const OTHER = 5;

export function categoryOf(command: Command): number {
  switch (command.type) {
    case "limit":
      return command.tif === undefined || command.tif === "GTC" ? LIMIT_GTC : LIMIT_IOC_FOK;
    case "market":
      return MARKET;
    case "cancel":
      return CANCEL;
    case "modify":
      return MODIFY;
    default:
      return OTHER;
  }
}

export function categoriesOf(commands: readonly Command[]): Uint8Array {
  const out = new Uint8Array(commands.length);
  for (let i = 0; i < commands.length; i++) out[i] = categoryOf(commands[i] as Command);
  return out;
}

let cached: Command[] | null = null;

/** The mixed flow of `n` commands (generated once per process, then shared). */
export function mixedFlow(n: number): Command[] {
  if (cached === null || cached.length < n) cached = generateFlow({ commands: n, seed: FLOW_SEED });
  return cached.length === n ? cached : cached.slice(0, n);
}
