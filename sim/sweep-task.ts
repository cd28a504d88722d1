/**
 * One simulation run as a task-pool task (worker/pool.ts): `softliq simulate --seeds N` runs
 * seeds × modes in parallel pool threads. Returns the figures only (the chart's series stay home).
 */
import type { LiquidationMode } from "../liquidator/liquidation-params.js";
import { runModes, type SideResult } from "./run.js";
import { buildScenario } from "./scenario.js";

export interface SimulateTaskInput {
  scenario: string;
  seed: number;
  modes: LiquidationMode[];
}

/** One seed, every mode asked for (so that equityRetained counts the same accounts on each side). */
export async function simulateTask(input: SimulateTaskInput): Promise<SideResult[]> {
  const scenario = buildScenario(input.scenario, input.seed);
  if (scenario === null) throw new Error(`no scenario ${input.scenario}`);
  return runModes(scenario, input.modes).map((r) => r.result);
}
