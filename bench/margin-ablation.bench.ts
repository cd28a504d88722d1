/**
 * Where the fully margined flow's extra time goes: the margined bench flow through the margin
 * engine with one group of hooks made free at a time (a subclass whose hooks do nothing), beside
 * the bare flow and the margined flow on an engine without a money layer (accounts and self-trade
 * prevention only). An ablated run is no longer correct margin accounting: it only prices a hook.
 *
 *   node dist/bench/margin-ablation.bench.js [--commands 300000] [--rounds 5] [--reps 3]
 *
 * Each variant runs in its own process (in one process the subclasses would make the engine's
 * hook calls polymorphic and slow every variant down), `reps` times, alternating variants; a
 * figure is the least CPU time (user + system) of one application of the flow over all rounds.
 * On a shared machine whose speed swings between processes (this project's: up to 2x) it ranks
 * only large parts; tools/paired-builds.mjs prices hooks paired, in one process, within ~3%.
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { Engine as MatchingEngine } from "../engine/engine.js";
import type { MarginHooks } from "../engine/margin-hooks.js";
import { Engine } from "../exchange.js";
import { MarginEngine } from "../liquidator/margin-engine.js";
import type { Command } from "../protocol/commands.js";
import type { RejectCode } from "../protocol/reject-codes.js";
import { generateFlow } from "../sim/flow-generator.js";
import { FLOW_SEED } from "./flows.js";
import { withoutAccounts } from "./suites/margined-flow.js";

const VARIANTS = [
  "bare",
  "no margin layer",
  "margined",
  "free check",
  "free fills",
  "free after",
  "free open",
  "all free",
];

function argValue(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

/** A margin engine class with the chosen hooks doing nothing (one class per process: a class per round would make the engine's hook calls polymorphic). */
function ablatedClass(free: Set<string>): new () => MarginEngine {
  class Ablated extends MarginEngine {}
  const p = Ablated.prototype as unknown as Record<string, unknown>;
  const nothing = (): null => null;
  if (free.has("check")) {
    p.checkOrder = (book: { oraclePrice: number } | null): RejectCode | null =>
      book === null || book.oraclePrice === 0 ? "NO_MARK_PRICE" : null;
  }
  if (free.has("fills")) p.onFill = nothing;
  if (free.has("after")) p.afterCommand = nothing;
  if (free.has("open")) {
    p.onOrderRested = nothing;
    p.onOrderReduced = nothing;
    p.onOrderRemoved = nothing;
  }
  return Ablated;
}

function engineFor(variant: string): () => { apply(c: unknown): void } {
  if (variant === "bare" || variant === "margined") return () => new Engine();
  if (variant === "no margin layer") return () => new Engine({ margin: false });
  const free = new Set(variant === "all free" ? ["check", "fills", "after", "open"] : [variant.slice(5)]);
  const Ablated = ablatedClass(free);
  return () => new MatchingEngine({ margin: new Ablated() as MarginHooks });
}

function measure(variant: string, commands: number, rounds: number): number {
  const margined = generateFlow({ commands, seed: FLOW_SEED, accountPpm: 1_000_000 });
  const flow: Command[] = variant === "bare" ? withoutAccounts(margined) : margined;
  const make = engineFor(variant);
  let best = Number.POSITIVE_INFINITY;
  for (let r = 0; r <= rounds; r++) {
    const engine = make();
    const cpu = process.cpuUsage();
    for (let i = 0; i < flow.length; i++) engine.apply(flow[i]);
    const used = process.cpuUsage(cpu);
    if (r > 0) best = Math.min(best, (used.user + used.system) / 1000); // round 0 warms the JIT
  }
  return best;
}

function main(): void {
  const commands = argValue("commands", 300_000);
  const rounds = argValue("rounds", 5);
  const variant = process.argv[process.argv.indexOf("--variant") + 1];
  if (process.argv.includes("--variant") && variant !== undefined) {
    process.stdout.write(`${measure(variant, commands, rounds)}\n`);
    return;
  }
  const reps = argValue("reps", 3);
  const best = new Map<string, number>();
  const self = fileURLToPath(import.meta.url);
  for (let rep = 0; rep < reps; rep++) {
    for (const v of VARIANTS) {
      const args = [self, "--variant", v, "--commands", String(commands), "--rounds", String(rounds)];
      const out = spawnSync(process.execPath, args, { encoding: "utf8" });
      if (out.status !== 0) throw new Error(`variant ${v} failed: ${out.stderr}`);
      best.set(v, Math.min(best.get(v) ?? Number.POSITIVE_INFINITY, Number(out.stdout)));
    }
  }
  const bare = best.get("bare") as number;
  const margined = best.get("margined") as number;
  console.log(`${commands} commands, seed ${FLOW_SEED}, least CPU ms of ${rounds} rounds × ${reps} processes`);
  console.log("| variant | CPU ms | ratio bare ÷ variant | saved against margined |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const v of VARIANTS) {
    const ms = best.get(v) as number;
    console.log(`| ${v} | ${ms.toFixed(0)} | ${(bare / ms).toFixed(2)} | ${(margined - ms).toFixed(0)} |`);
  }
}

main();
