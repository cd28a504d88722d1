/**
 * How fast any money layer behind the engine's hooks could make the margined bench flow: the
 * margined suite's measurement (bench/suites/margined-flow.ts: the flow bare and with every limit
 * order margined, in lockstep, paired by chunk) with the real margin engine replaced by the lean
 * stand-ins of bench/lean-margin-hooks.ts and bench/lean-object-hooks.ts. Those are prices, not
 * accounting: each does at most the work a margined order needs, so its ratio bounds what the
 * present seam can reach.
 *
 *   node dist/bench/margin-ceiling.bench.js [--commands 1000000] [--rounds 5] [--reps 2] [--accounts 20]
 *
 * `--accounts` spreads the flow's orders over that many accounts (the flow generator's default,
 * and the suite's, is 20; the flat store holds up to 16,000): with many, an account's figures are no
 * longer in cache between its orders, where objects and columns could differ.
 *
 * Each variant runs in its own process (in one process several hook classes would make the
 * engine's calls into them polymorphic and slow every variant), its bare and margined sides on the
 * same hook class, `reps` processes a variant, variants alternating. A figure is the median over
 * the processes of the paired ratio (bare ÷ margined time of the same chunk, median over chunks).
 */
import { spawnSync } from "node:child_process";
import { fileURLToPath } from "node:url";
import { MatchingEngine } from "../engine/engine.js";
import type { MarginHooks } from "../engine/margin-hooks.js";
import type { EngineEvent } from "../protocol/events.js";
import { generateFlow } from "../sim/flow-generator.js";
import { FLOW_SEED } from "./flows.js";
import { DecodedFlatHooks, EmptyHooks, FlatHooks, LookupHooks } from "./lean-margin-hooks.js";
import { ObjectHooks } from "./lean-object-hooks.js";
import { machineInfo } from "./machine.js";
import { median } from "./report.js";
import {
  type FlowEngine,
  lockstepRound,
  newSide,
  pairedRatio,
  type Side,
  timedCommands,
  withoutAccounts,
} from "./suites/margined-flow.js";

type Factory = ((onEvent: (e: EngineEvent) => void) => FlowEngine) | undefined;

const onHooks =
  (make: () => MarginHooks): Factory =>
  (onEvent) =>
    new MatchingEngine({ onEvent, margin: make() });

/** Variant → its engine factory (undefined: the exported Engine, the real margin layer). */
const VARIANTS: ReadonlyArray<readonly [string, string, Factory]> = [
  [
    "none",
    "no money layer (margin: null; accounts and self-trade prevention only)",
    (onEvent) => new MatchingEngine({ onEvent }),
  ],
  ["empty", "hooks that do nothing", onHooks(() => new EmptyHooks())],
  ["lookup", "only the account name lookup (a Map read a margined order)", onHooks(() => new LookupHooks())],
  ["objects", "lean layer in objects (account → position records), accounts by name", onHooks(() => new ObjectHooks())],
  ["flat", "lean flat store in columns, accounts found by name (Map)", onHooks(() => new FlatHooks("columns"))],
  ["records", "lean flat store in 64-byte records, accounts by name (Map)", onHooks(() => new FlatHooks("records"))],
  [
    "decoded",
    "lean flat store in columns, account integer decoded from the name (no Map)",
    onHooks(() => new DecodedFlatHooks("columns")),
  ],
  [
    "decoded-records",
    "lean flat store in 64-byte records, account integer decoded (no Map)",
    onHooks(() => new DecodedFlatHooks("records")),
  ],
  ["real", "the real margin engine (exported Engine)", undefined],
];

function argValue(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

interface Reading {
  paired: number;
  ratioOfMedians: number;
  bareRate: number;
  marginedRate: number;
  events: number;
  rejects: number;
}

function measure(variant: string, commands: number, rounds: number, accounts: number): Reading {
  const entry = VARIANTS.find(([name]) => name === variant);
  if (entry === undefined) throw new Error(`unknown variant ${variant}`);
  const make = entry[2];
  const margined = generateFlow({ commands, seed: FLOW_SEED, accountPpm: 1_000_000, accounts });
  const sides = [newSide("bare", withoutAccounts(margined), make), newSide("margined", margined, make)];
  lockstepRound(sides, 0, false); // JIT
  for (let r = 1; r <= rounds; r++) lockstepRound(sides, r, true);
  const [bare, marg] = sides as [Side, Side];
  const rate = (s: Side): number => (timedCommands(s) * 1000) / median(s.ms);
  return {
    paired: pairedRatio(bare, marg),
    ratioOfMedians: rate(marg) / rate(bare),
    bareRate: rate(bare),
    marginedRate: rate(marg),
    events: marg.events,
    rejects: marg.rejects,
  };
}

function main(): void {
  const commands = argValue("commands", 1_000_000);
  const rounds = argValue("rounds", 5);
  const accounts = argValue("accounts", 20);
  const at = process.argv.indexOf("--variant");
  if (at >= 0) {
    process.stdout.write(`${JSON.stringify(measure(process.argv[at + 1] as string, commands, rounds, accounts))}\n`);
    return;
  }
  const reps = argValue("reps", 2);
  const readings = new Map<string, Reading[]>();
  const self = fileURLToPath(import.meta.url);
  for (let rep = 0; rep < reps; rep++) {
    for (const [name] of VARIANTS) {
      const args = [
        self,
        "--variant",
        name,
        "--commands",
        String(commands),
        "--rounds",
        String(rounds),
        "--accounts",
        String(accounts),
      ];
      const out = spawnSync(process.execPath, args, { encoding: "utf8" });
      if (out.status !== 0) throw new Error(`variant ${name} failed: ${out.stderr}`);
      const list = readings.get(name) ?? [];
      list.push(JSON.parse(out.stdout) as Reading);
      readings.set(name, list);
      process.stderr.write(`margin ceiling: ${name} ${rep + 1}/${reps}\n`);
    }
  }
  const m = machineInfo();
  console.log(
    `${commands} commands, seed ${FLOW_SEED}, ${accounts} accounts, every limit order margined; ${rounds} rounds in lockstep a process, ${reps} processes a variant; ${m.cores} cores, ${m.cpuModel}`,
  );
  console.log("| variant | paired ratio (each process) | ratio of medians | bare | margined | events | rejects |");
  console.log("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
  for (const [name, label] of VARIANTS) {
    const list = readings.get(name) as Reading[];
    const paired = list.map((r) => r.paired.toFixed(3)).join(" / ");
    const byMedian = median(list.map((r) => r.ratioOfMedians)).toFixed(3);
    const bare = `${(median(list.map((r) => r.bareRate)) / 1e6).toFixed(2)}M/s`;
    const marg = `${(median(list.map((r) => r.marginedRate)) / 1e6).toFixed(2)}M/s`;
    const first = list[0] as Reading;
    console.log(`| ${label} | ${paired} | ${byMedian} | ${bare} | ${marg} | ${first.events} | ${first.rejects} |`);
  }
}

main();
