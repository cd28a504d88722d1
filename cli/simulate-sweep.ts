/**
 * `softliq simulate --sweep`: the soft liquidator's parameter grid on N seeds in pool threads
 * (sim/param-sweep.ts): the Pareto frontier as a table, one JSON line with --json, a chart with --svg.
 */
import { writeFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { frontierSvg } from "../sim/frontier-svg.js";
import { runParamSweep, scenarioIntervalNs, sweepTable } from "../sim/param-sweep.js";
import { SCENARIOS } from "../sim/scenario.js";
import { defaultGrid, parseGrid } from "../sim/sweep-grid.js";
import { intFlag, type ParsedArgs, stringFlag, UsageError } from "./args.js";
import { EXIT_OK } from "./exit-codes.js";
import { checkOutputFiles } from "./output-check.js";

/** Seeds per grid point when --seeds is not given. */
const SWEEP_SEEDS = 3;

export async function simulateSweep(args: ParsedArgs): Promise<number> {
  if (!args.flags.has("sweep")) throw new UsageError("--grid is for --sweep");
  for (const other of ["mode", "flow", "list"])
    if (args.flags.has(other)) throw new UsageError(`--${other} is not for --sweep (it sweeps soft)`);
  const scenario = stringFlag(args, "scenario") as string;
  const interval = scenarioIntervalNs(scenario);
  if (interval === null) throw new UsageError(`--scenario is one of ${SCENARIOS.join(", ")}`);
  const gridText = stringFlag(args, "grid");
  const axes = gridText === undefined ? defaultGrid(interval) : parseGrid(gridText);
  if (typeof axes === "string") throw new UsageError(`--grid: ${axes}`);
  const seeds = intFlag(args, "seeds", SWEEP_SEEDS);
  if (seeds < 1) throw new UsageError("--seeds must be at least 1");
  const threads = intFlag(args, "parallel", availableParallelism());
  if (threads < 1) throw new UsageError("--parallel must be at least 1");
  const svgPath = stringFlag(args, "svg");
  checkOutputFiles(svgPath);
  const report = await runParamSweep({ scenario, firstSeed: intFlag(args, "seed"), seeds, axes, threads });
  if (svgPath !== undefined) await writeFile(svgPath, frontierSvg(report));
  process.stdout.write(args.flags.has("json") ? `${JSON.stringify(report)}\n` : sweepTable(report));
  return EXIT_OK;
}
