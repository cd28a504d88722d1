/**
 * `softliq simulate --sweep`: the soft liquidator over a grid of its parameters (sweep-grid.ts) on
 * N seeds, one task per point and seed on the thread pool (param-sweep-task.ts), reduced to the
 * medians per point and the Pareto frontier. The same grid and seeds give the same report
 * whatever the number of threads: tasks come back in input order and each is a seeded run.
 */
import { DEFAULT_LIQUIDATION } from "../liquidator/liquidation-params.js";
import { builtModuleUrl } from "../worker/module-url.js";
import { TaskPool } from "../worker/pool.js";
import type { SweepTaskInput, SweepTaskOutput } from "./param-sweep-task.js";
import { buildScenario } from "./scenario.js";
import {
  type GridPoint,
  gridPoints,
  median,
  type PointFigures,
  paramsOf,
  paretoFrontier,
  SWEEP_PARAMS,
  type SweepAxis,
  type SweepParam,
} from "./sweep-grid.js";

export interface SweepOptions {
  scenario: string;
  firstSeed: number;
  seeds: number;
  axes: readonly SweepAxis[];
  threads: number;
}

export interface SweepRow extends PointFigures {
  point: GridPoint;
  frontier: boolean;
  /** The point is the scenario's parameters as shipped (the project's defaults where it sets none). */
  defaults: boolean;
}

export interface SweepReport {
  scenario: string;
  seeds: [number, number];
  grid: Partial<Record<SweepParam, number[]>>;
  points: SweepRow[];
  /** Whether the defaults' point lies on the frontier; null: the grid does not hold it. */
  defaultsOnFrontier: boolean | null;
}

export async function runParamSweep(options: SweepOptions): Promise<SweepReport> {
  const points = gridPoints(options.axes);
  const seeds: number[] = [];
  for (let s = options.firstSeed; s < options.firstSeed + options.seeds; s++) seeds.push(s);
  const inputs: SweepTaskInput[] = [];
  for (const point of points)
    for (const seed of seeds) inputs.push({ scenario: options.scenario, seed, params: paramsOf(point) });
  const pool = new TaskPool({ threads: Math.max(1, Math.min(options.threads, inputs.length)) });
  let outputs: SweepTaskOutput[];
  try {
    outputs = await pool.map<SweepTaskInput, SweepTaskOutput>(
      builtModuleUrl("./param-sweep-task.js", import.meta.url),
      "sweepPointTask",
      inputs,
    );
  } finally {
    await pool.close();
  }
  return sweepReport(options, points, seeds.length, outputs);
}

/** Reduces the task outputs (point-major, seed-minor, as runParamSweep orders them) to the report. */
export function sweepReport(
  options: SweepOptions,
  points: readonly GridPoint[],
  seedCount: number,
  outputs: readonly SweepTaskOutput[],
): SweepReport {
  const at = (p: number, s: number): SweepTaskOutput => outputs[p * seedCount + s] as SweepTaskOutput;
  // Per seed, the accounts touched at any point: equity retained counts the same accounts everywhere.
  const retained: number[][] = points.map(() => []);
  for (let s = 0; s < seedCount; s++) {
    const union = new Set<string>();
    for (let p = 0; p < points.length; p++) for (const name of at(p, s).touched) union.add(name);
    for (let p = 0; p < points.length; p++) {
      const equity = at(p, s).equity;
      let sum = 0;
      for (const name of union) sum += equity[name] ?? 0;
      (retained[p] as number[]).push(sum);
    }
  }
  const figures: PointFigures[] = points.map((_, p) => {
    const runs = Array.from({ length: seedCount }, (_, s) => at(p, s));
    return {
      maxDrawdownPpm: median(runs.map((r) => r.maxDrawdownPpm)),
      badDebt: median(runs.map((r) => r.badDebt)),
      openDeficit: median(runs.map((r) => r.openDeficit)),
      debt: median(runs.map((r) => r.badDebt + r.openDeficit)),
      equityRetained: median(retained[p] as number[]),
      accountsLiquidated: median(runs.map((r) => r.accountsLiquidated)),
    };
  });
  const onFrontier = new Set(paretoFrontier(figures));
  const shipped = shippedPoint(options.scenario, options.firstSeed);
  const rows: SweepRow[] = points.map((point, p) => ({
    point,
    ...(figures[p] as PointFigures),
    frontier: onFrontier.has(p),
    defaults: Object.entries(point).every(([name, v]) => shipped[name as SweepParam] === v),
  }));
  const defaultsRow = rows.find((r) => r.defaults);
  const grid: Partial<Record<SweepParam, number[]>> = {};
  for (const axis of options.axes) grid[axis.param] = [...axis.values];
  return {
    scenario: options.scenario,
    seeds: [options.firstSeed, options.firstSeed + seedCount - 1],
    grid,
    points: rows,
    defaultsOnFrontier: defaultsRow === undefined ? null : defaultsRow.frontier,
  };
}

/** Every sweepable parameter's value as the scenario runs it (its own block over the defaults). */
function shippedPoint(scenario: string, seed: number): Record<SweepParam, number> {
  const own = buildScenario(scenario, seed)?.liquidation ?? {};
  const point = {} as Record<SweepParam, number>;
  for (const [name, key] of Object.entries(SWEEP_PARAMS))
    point[name as SweepParam] = own[key] ?? DEFAULT_LIQUIDATION[key];
  return point;
}

/** The scenario's slice interval (the default grid's interval axis starts there). */
export function scenarioIntervalNs(scenario: string): number | null {
  const s = buildScenario(scenario, 1);
  return s === null ? null : (s.liquidation.sliceIntervalNs ?? DEFAULT_LIQUIDATION.sliceIntervalNs);
}

/** The text table: the frontier by drawdown, then the defaults' point if it is not on it. */
export function sweepTable(report: SweepReport): string {
  const params = Object.keys(report.grid) as SweepParam[];
  const frontier = report.points.filter((r) => r.frontier).sort((a, b) => a.maxDrawdownPpm - b.maxDrawdownPpm);
  const defaults = report.points.find((r) => r.defaults);
  const [first, last] = report.seeds;
  let out = `scenario ${report.scenario}, soft, seeds ${first}-${last}: ${report.points.length} grid points, ${frontier.length} on the Pareto frontier (medians over the seeds)\n`;
  const head = [...params, "drawdown ppm", "bad debt", "open deficit", "equity retained", "liquidated", ""];
  const line = (r: SweepRow, mark: string): string[] => [
    ...params.map((p) => String(r.point[p])),
    String(r.maxDrawdownPpm),
    String(r.badDebt),
    String(r.openDeficit),
    String(r.equityRetained),
    String(r.accountsLiquidated),
    mark,
  ];
  const body = frontier.map((r) => line(r, r.defaults ? "defaults" : ""));
  if (defaults !== undefined && !defaults.frontier) body.push(line(defaults, "defaults (not on the frontier)"));
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const row = (cells: string[]): string =>
    `${cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padStart(widths[i] as number)))
      .join("  ")
      .trimEnd()}\n`;
  out += row(head);
  for (const b of body) out += row(b);
  if (defaults === undefined) out += "the defaults' point is not in this grid\n";
  return out;
}
