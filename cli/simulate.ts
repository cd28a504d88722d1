/**
 * `softliq simulate`: the liquidation cascade simulation, hard and soft side by side on the same
 * market, accounts and shock (sim/). The last stdout line is the JSON summary with --json.
 */
import { writeFile } from "node:fs/promises";
import type { Command } from "../protocol/commands.js";
import { commandToJsonl } from "../protocol/flow-writer.js";
import { runSide, type SidePath, type SideResult } from "../sim/run.js";
import { buildScenario, SCENARIOS, scenarioDescription } from "../sim/scenario.js";
import { chartSvg } from "../sim/svg.js";
import { intFlag, parseArgs, stringFlag, UsageError } from "./args.js";
import { EXIT_OK } from "./replay.js";

export const SIMULATE_USAGE = `softliq simulate [--scenario ${SCENARIOS.join("|")}] [--mode soft|hard|both] [--seed N] [--json] [--svg OUT.svg] [--flow OUT.jsonl]`;

export async function runSimulate(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, ["scenario", "mode", "seed", "svg", "flow"], ["json"]);
  if (args.positionals.length > 0) throw new UsageError("simulate takes no file");
  const name = stringFlag(args, "scenario") ?? "cascade";
  const seed = intFlag(args, "seed", 1);
  const scenario = buildScenario(name, seed);
  if (scenario === null) throw new UsageError(`--scenario is one of ${SCENARIOS.join(", ")}`);
  const mode = stringFlag(args, "mode") ?? "both";
  if (mode !== "soft" && mode !== "hard" && mode !== "both") throw new UsageError("--mode is soft, hard or both");
  const modes: readonly ("soft" | "hard")[] = mode === "both" ? ["hard", "soft"] : [mode];
  const results: Record<string, SideResult> = {};
  const paths: Record<string, SidePath> = {};
  const flowPath = stringFlag(args, "flow");
  // The flow of the soft side (or of the one mode run): the makers' quotes depend on the mode.
  const flowMode = modes.includes("soft") ? "soft" : modes[0];
  const flow: Command[] = [];
  for (const m of modes) {
    const { result, path } = runSide(scenario, m, flowPath !== undefined && m === flowMode ? flow : null);
    results[m] = result;
    paths[m] = path;
  }
  const svgPath = stringFlag(args, "svg");
  if (svgPath !== undefined) {
    await writeFile(svgPath, chartSvg(`softliq simulate: ${name} (seed ${seed})`, scenario.fair, paths));
  }
  if (flowPath !== undefined) await writeFile(flowPath, `${flow.map(commandToJsonl).join("\n")}\n`);
  const summary = { scenario: name, seed, ...results };
  if (args.flags.has("json")) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return EXIT_OK;
  }
  process.stdout.write(formatTable(name, seed, results));
  return EXIT_OK;
}

const ROWS: [keyof SideResult, string][] = [
  ["accountsTouched", "accounts touched by a liquidation"],
  ["accountsLiquidated", "accounts liquidated entirely"],
  ["equityRetained", "their equity left (quote units)"],
  ["badDebt", "bad debt (quote units)"],
  ["maxDrawdownPpm", "deepest trade below the fair price (ppm)"],
  ["maxOracleGapPpm", "deepest oracle below the fair price (ppm)"],
  ["liquidationSlippagePpm", "liquidation fills below the oracle (ppm)"],
  ["childOrders", "liquidation orders"],
  ["closedQty", "lots closed"],
  ["penalties", "penalties to the insurance fund"],
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
