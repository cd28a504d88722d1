/**
 * One grid point on one seed as a task-pool task (worker/pool.ts): the soft liquidator with the
 * point's parameters. Returns the figures, and every account's equity with the accounts touched, so
 * that the sweep can count equity retained over the same accounts at every point (param-sweep.ts).
 */
import type { LiquidationParams } from "../protocol/commands.js";
import { BACKSTOP_ACCOUNT, runSide } from "./run.js";
import { buildScenario } from "./scenario.js";

export interface SweepTaskInput {
  scenario: string;
  seed: number;
  params: LiquidationParams;
}

export interface SweepTaskOutput {
  maxDrawdownPpm: number;
  badDebt: number;
  openDeficit: number;
  accountsLiquidated: number;
  /** Every trading account's equity at the end (the backstop's left out). */
  equity: Record<string, number>;
  touched: string[];
  stateHash: string;
}

export async function sweepPointTask(input: SweepTaskInput): Promise<SweepTaskOutput> {
  const scenario = buildScenario(input.scenario, input.seed);
  if (scenario === null) throw new Error(`no scenario ${input.scenario}`);
  const run = runSide(scenario, "soft", { params: input.params });
  const equity: Record<string, number> = {};
  for (const [name, value] of run.equity) if (name !== BACKSTOP_ACCOUNT) equity[name] = value;
  const r = run.result;
  return {
    maxDrawdownPpm: r.maxDrawdownPpm,
    badDebt: r.badDebt,
    openDeficit: r.openDeficit,
    accountsLiquidated: r.accountsLiquidated,
    equity,
    touched: [...run.touched].sort(),
    stateHash: r.stateHash,
  };
}
