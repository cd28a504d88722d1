/**
 * The soft liquidator's parameter sweep as data: the grid (axes of `instrument.liquidation` values,
 * every combination a point), the medians over seeds, and the Pareto frontier of drawdown, debt
 * and equity retained. No engine here: sim/param-sweep.ts runs the points.
 */
import type { LiquidationParams } from "../protocol/commands.js";

/** The parameters a sweep may vary, by their short names on the command line. */
export const SWEEP_PARAMS = {
  participation: "participationPpm",
  interval: "sliceIntervalNs",
  bound: "maxSlippagePpm",
  target: "targetHealthPpm",
  penalty: "penaltyPpm",
} as const satisfies Record<string, keyof LiquidationParams>;

export type SweepParam = keyof typeof SWEEP_PARAMS;

export interface SweepAxis {
  param: SweepParam;
  values: number[];
}

/** One grid point: a value per swept parameter (the rest are the scenario's own). */
export type GridPoint = Partial<Record<SweepParam, number>>;

/**
 * The default grid: 3 × 3 × 3 × 3 = 81 points, each axis the default and one step either side
 * (participation 5/10/20%, the scenario's slice interval ×1/×2/×4, bound 0.5/1/2%, target
 * 110/125/150%); the penalty stays at its default (`--grid penalty=…` sweeps it). The interval
 * does not go below the scenario's own: the one-market scenarios quote every 100 ms without ticks
 * between, so a shorter interval would change nothing.
 */
export function defaultGrid(scenarioIntervalNs: number): SweepAxis[] {
  return [
    { param: "participation", values: [50_000, 100_000, 200_000] },
    { param: "interval", values: [scenarioIntervalNs, 2 * scenarioIntervalNs, 4 * scenarioIntervalNs] },
    { param: "bound", values: [5_000, 10_000, 20_000] },
    { param: "target", values: [1_100_000, 1_250_000, 1_500_000] },
  ];
}

/**
 * `--grid` text: axes separated by `/`, each `name=v1,v2,…` with non-negative integers (ppm, ns),
 * e.g. `participation=50000,100000/penalty=0,5000`. Returns the axes or the reason it is not one.
 */
export function parseGrid(text: string): SweepAxis[] | string {
  const axes: SweepAxis[] = [];
  for (const part of text.split("/")) {
    const eq = part.indexOf("=");
    const name = eq < 0 ? part : part.slice(0, eq);
    if (!Object.hasOwn(SWEEP_PARAMS, name))
      return `unknown parameter "${name}" (${Object.keys(SWEEP_PARAMS).join(", ")})`;
    const param = name as SweepParam;
    if (axes.some((a) => a.param === param)) return `${param} given twice`;
    const values =
      eq < 0
        ? []
        : part
            .slice(eq + 1)
            .split(",")
            .map(Number);
    if (values.length === 0 || values.some((v) => !Number.isSafeInteger(v) || v < 0))
      return `${param} needs non-negative integers, e.g. ${param}=1,2`;
    if (new Set(values).size !== values.length) return `${param} repeats a value`;
    axes.push({ param, values });
  }
  return axes;
}

/** Every combination of the axes' values, the last axis varying fastest. */
export function gridPoints(axes: readonly SweepAxis[]): GridPoint[] {
  let points: GridPoint[] = [{}];
  for (const axis of axes) {
    const next: GridPoint[] = [];
    for (const p of points) for (const v of axis.values) next.push({ ...p, [axis.param]: v });
    points = next;
  }
  return points;
}

/** A grid point as `instrument.liquidation` overrides. */
export function paramsOf(point: GridPoint): LiquidationParams {
  const params: LiquidationParams = {};
  for (const [name, value] of Object.entries(point)) params[SWEEP_PARAMS[name as SweepParam]] = value;
  return params;
}

/** A grid point's figures: medians over the seeds. */
export interface PointFigures {
  maxDrawdownPpm: number;
  badDebt: number;
  openDeficit: number;
  /** badDebt + openDeficit per seed, then the median: debt realised or still owed at the end. */
  debt: number;
  equityRetained: number;
  accountsLiquidated: number;
}

/**
 * The indices of the points on the Pareto frontier: no other point at most as deep a drawdown, at
 * most as much debt and at least as much equity retained, and strictly better on one of them.
 * Equal points do not dominate each other, so both stay.
 */
export function paretoFrontier(points: readonly PointFigures[]): number[] {
  const frontier: number[] = [];
  for (let i = 0; i < points.length; i++) {
    const p = points[i] as PointFigures;
    let dominated = false;
    for (let j = 0; j < points.length && !dominated; j++) {
      const q = points[j] as PointFigures;
      const noWorse = q.maxDrawdownPpm <= p.maxDrawdownPpm && q.debt <= p.debt && q.equityRetained >= p.equityRetained;
      const better = q.maxDrawdownPpm < p.maxDrawdownPpm || q.debt < p.debt || q.equityRetained > p.equityRetained;
      dominated = noWorse && better;
    }
    if (!dominated) frontier.push(i);
  }
  return frontier;
}

/** The median of integers, the mean of the middle two (rounded) for an even count. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error("median of nothing");
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : Math.round(((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2);
}
