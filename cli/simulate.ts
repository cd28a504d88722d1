/**
 * `softliq simulate`: the liquidation cascade simulation, hard and soft side by side on the same
 * market, accounts and shock (sim/). The last stdout line is the JSON summary with --json.
 */
import { writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import type { Command } from "../protocol/commands.js";
import { commandToJsonl } from "../protocol/flow-writer.js";
import { reportHtml, uplotAssets } from "../sim/report-html.js";
import { runModes, SIM_MODES, type SidePath, type SideResult, type SimMode } from "../sim/run.js";
import { buildScenario, SCENARIOS, scenarioDescription } from "../sim/scenario.js";
import { chartSvg } from "../sim/svg.js";
import type { SimulateTaskInput } from "../sim/sweep-task.js";
import { builtModuleUrl } from "../worker/module-url.js";
import { TaskPool } from "../worker/pool.js";
import { intFlag, type ParsedArgs, stringFlag, UsageError } from "./args.js";
import type { CommandSpec } from "./command-spec.js";
import { EXIT_OK } from "./exit-codes.js";
import { checkOutputFiles } from "./output-check.js";
import { LOBSTER_DESCRIPTION, simulateLobster } from "./simulate-lobster.js";
import { simulateSweep } from "./simulate-sweep.js";

/** The scenario played on a real day's file rather than built from a seed. */
const LOBSTER = "lobster";
const ALL_SCENARIOS = [...SCENARIOS, LOBSTER];

export const SIMULATE_COMMAND: CommandSpec = {
  name: "simulate",
  usage: `softliq simulate [--scenario ${SCENARIOS.join("|")}] [--mode both|all|${SIM_MODES.join("|")}] [--seed N] [--json] [--svg OUT.svg] [--report OUT.html] [--flow OUT.jsonl]
                 [--seeds N [--parallel P]] | --list [--json]
                 | --scenario lobster --lobster FILE.zip [--at HH:MM[:SS]] [--side long|short] [--window MIN] [--mode MODE] [--json]
                 | --sweep [--scenario NAME] [--grid AXES] [--seed FIRST] [--seeds N] [--parallel P] [--json] [--svg OUT.svg]`,
  what: "Plays the liquidation cascade simulation: the same market, accounts and shock once per liquidation mode, side by side.",
  flags: [
    { flag: "--scenario NAME", help: `${ALL_SCENARIOS.join(", ")} (--list names them)`, default: "cascade" },
    {
      flag: "--lobster FILE.zip",
      help: "the LOBSTER day (zip, or MESSAGE.csv,ORDERBOOK.csv) the lobster scenario replays; its --seed is echoed, not used: the day is the data",
    },
    {
      flag: "--at TIME",
      help: "lobster: when the position breaches (HH:MM or HH:MM:SS, the day's clock)",
      default: "10:30",
    },
    { flag: "--side SIDE", help: "lobster: the position, long or short", default: "long" },
    { flag: "--window MIN", help: "lobster: minutes of the day followed after the breach", default: "30" },
    {
      flag: "--mode MODE",
      help: `both (hard and soft), all (${SIM_MODES.join(", ")}) or one of them`,
      default: "both",
    },
    { flag: "--list", help: "name the scenarios (with --json: one JSON line)" },
    { flag: "--seed N", help: "the seed of the price path and the accounts", default: "1" },
    { flag: "--json", help: "end with one JSON line: one key per mode" },
    { flag: "--svg OUT.svg", help: "draw the run" },
    { flag: "--report OUT.html", help: "write the run as one self-contained page: charts and the comparison table" },
    { flag: "--flow OUT.jsonl", help: "write the commands as an order-flow file (replaying it gives the same run)" },
    {
      flag: "--seeds N",
      help: "N seeds from --seed on, as tasks in a thread pool: medians, and on how many seeds soft did better",
    },
    { flag: "--parallel P", help: "threads for --seeds (default: the machine's parallelism)" },
    {
      flag: "--sweep",
      help: "soft over a grid of its parameters on --seeds seeds (default 3) in pool threads: the Pareto frontier of drawdown, debt and equity retained",
    },
    {
      flag: "--grid AXES",
      help: "the sweep's axes, name=v1,v2 joined by / (participation, interval, bound, target, penalty; ppm or ns); default 3 values each of participation, interval, bound, target",
    },
  ],
  run: runSimulate,
};

/** The modes a --mode value names (null: not one). */
function modesOf(mode: string): SimMode[] | null {
  if (mode === "both") return ["hard", "soft"];
  if (mode === "all") return [...SIM_MODES];
  return (SIM_MODES as readonly string[]).includes(mode) ? [mode as SimMode] : null;
}

async function runSimulate(args: ParsedArgs): Promise<number> {
  if (args.positionals.length > 0) throw new UsageError("simulate takes no file");
  if (args.flags.has("sweep") || args.flags.has("grid")) {
    if (stringFlag(args, "scenario") === LOBSTER) throw new UsageError("--sweep is not for --scenario lobster");
    return simulateSweep(args);
  }
  if (args.flags.has("list")) {
    const scenarios = ALL_SCENARIOS.map((n) => ({
      name: n,
      description: n === LOBSTER ? LOBSTER_DESCRIPTION : scenarioDescription(n),
    }));
    if (args.flags.has("json")) process.stdout.write(`${JSON.stringify({ scenarios })}\n`);
    else process.stdout.write(scenarios.map((x) => `${x.name.padEnd(10)}${x.description}\n`).join(""));
    return EXIT_OK;
  }
  const name = stringFlag(args, "scenario") as string;
  const seed = intFlag(args, "seed");
  const picked = modesOf(stringFlag(args, "mode") as string);
  if (picked === null) throw new UsageError(`--mode is both, all or one of ${SIM_MODES.join(", ")}`);
  const modes: readonly SimMode[] = picked;
  if (name === LOBSTER) return simulateLobster(args, modes, seed);
  for (const f of ["lobster", "at", "side", "window"])
    if (args.flags.has(f)) throw new UsageError(`--${f} is for --scenario lobster`);
  const scenario = buildScenario(name, seed);
  if (scenario === null) throw new UsageError(`--scenario is one of ${ALL_SCENARIOS.join(", ")}`);
  if (args.flags.has("seeds")) {
    if (args.flags.has("svg") || args.flags.has("flow") || args.flags.has("report"))
      throw new UsageError("--svg, --report and --flow draw one run: not with --seeds");
    const count = intFlag(args, "seeds", 1);
    if (count < 1) throw new UsageError("--seeds must be at least 1");
    const threads = intFlag(args, "parallel", availableParallelism());
    if (threads < 1) throw new UsageError("--parallel must be at least 1");
    return sweep(name, seed, count, modes, threads, args.flags.has("json"));
  }
  const results: Record<string, SideResult> = {};
  const paths: Record<string, SidePath> = {};
  const flowPath = stringFlag(args, "flow");
  const reportPath = stringFlag(args, "report");
  checkOutputFiles(stringFlag(args, "svg"), reportPath, flowPath);
  // The flow of the soft side (or of the one mode run): the makers' quotes depend on the mode.
  const flowMode = modes.includes("soft") ? "soft" : (modes[0] as SimMode);
  const flow: Command[] = [];
  for (const run of runModes(scenario, modes, flowPath === undefined ? null : flowMode, flow)) {
    results[run.result.mode] = run.result;
    paths[run.result.mode] = run.path;
  }
  const svgPath = stringFlag(args, "svg");
  if (svgPath !== undefined) {
    const first = scenario.instruments[0];
    if (first !== undefined)
      await writeFile(
        svgPath,
        chartSvg(`softliq simulate: ${name} (seed ${seed}), ${first.symbol}`, first.symbol, first.fair, paths),
      );
  }
  if (reportPath !== undefined)
    await writeFile(reportPath, reportHtml({ scenario, seed, results, paths, rows: ROWS }, uplotAssets()));
  if (flowPath !== undefined) await writeFile(flowPath, `${flow.map(commandToJsonl).join("\n")}\n`);
  const summary = { scenario: name, seed, ...results };
  if (args.flags.has("json")) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return EXIT_OK;
  }
  process.stdout.write(formatTable(name, seed, results));
  return EXIT_OK;
}

/**
 * Seeds seed … seed+count−1, each mode, in pool threads: the median of every figure per mode, and
 * on how many seeds soft did better than hard on each (with both modes).
 */
async function sweep(
  name: string,
  first: number,
  count: number,
  modes: readonly SimMode[],
  threads: number,
  json: boolean,
): Promise<number> {
  const inputs: SimulateTaskInput[] = [];
  for (let seed = first; seed < first + count; seed++) inputs.push({ scenario: name, seed, modes: [...modes] });
  const pool = new TaskPool({ threads: Math.max(1, Math.min(threads, inputs.length)) });
  let runs: SideResult[];
  try {
    // One task a seed, its modes together (equityRetained counts the same accounts on each side).
    const perSeed = await pool.map<SimulateTaskInput, SideResult[]>(
      builtModuleUrl("../sim/sweep-task.js", import.meta.url),
      "simulateTask",
      inputs,
    );
    runs = perSeed.flat();
  } finally {
    await pool.close();
  }
  const medians: Record<string, Record<string, number>> = {};
  for (const mode of modes) {
    const mine = runs.filter((r) => r.mode === mode);
    const m: Record<string, number> = {};
    for (const [key] of ROWS) m[key] = median(mine.map((r) => r[key] as number));
    medians[mode] = m;
  }
  const softBetter: Record<string, number> = {};
  const hardAt = modes.indexOf("hard");
  const softAt = modes.indexOf("soft");
  const pairs = hardAt >= 0 && softAt >= 0;
  if (pairs) {
    for (const [key, , lowerIsBetter] of ROWS) {
      if (lowerIsBetter === undefined) continue;
      let n = 0;
      for (let i = 0; i < runs.length; i += modes.length) {
        const hard = runs[i + hardAt]?.[key] as number;
        const soft = runs[i + softAt]?.[key] as number;
        if (lowerIsBetter ? soft < hard : soft > hard) n++;
      }
      softBetter[key] = n;
    }
  }
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ scenario: name, seeds: [first, first + count - 1], ...medians, softBetter })}\n`,
    );
    return EXIT_OK;
  }
  let out = `scenario ${name}, seeds ${first}-${first + count - 1}: ${scenarioDescription(name)}\n`;
  out += `median over ${count} seeds${"".padEnd(24)}${modes.map((m) => m.padStart(14)).join("")}`;
  out += pairs ? `   soft better than hard on\n` : "\n";
  for (const [key, label, lowerIsBetter] of ROWS) {
    out += `${label.padEnd(44)}${modes.map((m) => String(medians[m]?.[key]).padStart(14)).join("")}`;
    out += pairs && lowerIsBetter !== undefined ? `   ${softBetter[key]}/${count}\n` : "\n";
  }
  process.stdout.write(out);
  return EXIT_OK;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : Math.round(((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2);
}

/** Figure, label, and whether lower is better for the accounts (undefined: neither). */
export const ROWS: [keyof SideResult, string, boolean?][] = [
  ["accountsTouched", "accounts touched by a liquidation", true],
  ["accountsLiquidated", "accounts liquidated entirely", true],
  ["equityRetained", "their equity left (quote units)", false],
  ["badDebt", "bad debt (quote units)", true],
  ["maxDrawdownPpm", "deepest trade below the fair price (ppm)", true],
  ["maxOracleGapPpm", "deepest oracle below the fair price (ppm)", true],
  ["liquidationSlippagePpm", "liquidation fills below the oracle (ppm)", true],
  ["stillInLiquidation", "accounts still in liquidation at the end", true],
  ["openDeficit", "debt of accounts still open at the end", true],
  ["adlQty", "lots auto-deleveraged", true],
  ["backstopQty", "lots taken by backstops"],
  ["childOrders", "liquidation orders"],
  ["closedQty", "lots closed", true],
  ["penalties", "penalties to the insurance fund", true],
  ["insuranceFund", "insurance fund at the end"],
  ["criticalityPpm", "criticality R before the shock (ppm)"],
  ["peakCriticalityPpm", "criticality R at its peak (ppm; R capped at 1,000)"],
];

function formatTable(name: string, seed: number, results: Record<string, SideResult>): string {
  const modes = Object.keys(results);
  let out = `scenario ${name} (seed ${seed}): ${scenarioDescription(name)}\n`;
  out += `${"".padEnd(44)}${modes.map((m) => m.padStart(14)).join("")}\n`;
  for (const [key, label] of ROWS) {
    out += `${label.padEnd(44)}${modes.map((m) => String(results[m]?.[key]).padStart(14)).join("")}\n`;
  }
  return out;
}
