import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runParamSweep } from "../sim/param-sweep.js";
import { runSide } from "../sim/run.js";
import { buildScenario } from "../sim/scenario.js";
import { gridPoints, type PointFigures, paramsOf, paretoFrontier, parseGrid } from "../sim/sweep-grid.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = join(ROOT, "dist", "cli", "softliq.js");
const dir = mkdtempSync(join(tmpdir(), "softliq-sweep-"));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function softliq(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const point = (maxDrawdownPpm: number, debt: number, equityRetained: number): PointFigures => ({
  maxDrawdownPpm,
  badDebt: debt,
  openDeficit: 0,
  debt,
  equityRetained,
  accountsLiquidated: 0,
});

describe("the parameter sweep's frontier", () => {
  it("keeps the points no other point matches or beats on all three and beats on one", () => {
    const points = [
      point(100, 0, 500), // 0: frontier (shallowest)
      point(200, 0, 900), // 1: frontier (more equity for more drawdown)
      point(200, 10, 900), // 2: dominated by 1 (more debt, the rest equal)
      point(300, 0, 800), // 3: dominated by 1 (worse drawdown and equity)
      point(150, 5, 950), // 4: frontier (most equity)
      point(100, 0, 500), // 5: equal to 0: neither dominates the other
    ];
    expect(paretoFrontier(points)).toEqual([0, 1, 4, 5]);
    expect(paretoFrontier([])).toEqual([]);
    expect(paretoFrontier([point(1, 1, 1)])).toEqual([0]);
  });

  it("reads a --grid of axes and takes every combination of their values", () => {
    const axes = parseGrid("participation=50000,100000/penalty=0,5000,10000");
    if (typeof axes === "string") throw new Error(axes);
    const points = gridPoints(axes);
    expect(points).toHaveLength(6);
    expect(points[0]).toEqual({ participation: 50_000, penalty: 0 });
    expect(points[5]).toEqual({ participation: 100_000, penalty: 10_000 });
    expect(paramsOf(points[1] ?? {})).toEqual({ participationPpm: 50_000, penaltyPpm: 5_000 });
    expect(parseGrid("slope=1,2")).toMatch(/unknown parameter/);
    expect(parseGrid("bound=1,-2")).toMatch(/non-negative integers/);
    expect(parseGrid("bound=1/bound=2")).toMatch(/twice/);
    expect(parseGrid("bound")).toMatch(/non-negative integers/);
  });

  it("gives the same report on one thread as on two, with each point's medians over its seeds", async () => {
    const axes = parseGrid("participation=100000,200000");
    if (typeof axes === "string") throw new Error(axes);
    const options = { scenario: "flash", firstSeed: 3, seeds: 3, axes };
    const one = await runParamSweep({ ...options, threads: 1 });
    const two = await runParamSweep({ ...options, threads: 2 });
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
    expect(one.seeds).toEqual([3, 5]);
    // The shipped participation (10%) is the defaults' point; 20% is not.
    expect(one.points.map((p) => p.defaults)).toEqual([true, false]);
    expect(one.defaultsOnFrontier).toBe(one.points[0]?.frontier);
    const drawdowns = [3, 4, 5].map((seed) => {
      const s = buildScenario("flash", seed);
      if (s === null) throw new Error("no flash scenario");
      return runSide(s, "soft", { params: { participationPpm: 200_000 } }).result.maxDrawdownPpm;
    });
    expect(one.points[1]?.maxDrawdownPpm).toBe(drawdowns.sort((a, b) => a - b)[1]);
    expect(one.points.some((p) => p.frontier)).toBe(true);
  });
});

describe("softliq simulate --sweep", () => {
  it("prints the frontier, one JSON line with --json, and draws it with --svg", () => {
    const svg = join(dir, "frontier.svg");
    const args = ["simulate", "--sweep", "--scenario", "flash", "--grid", "penalty=0,5000", "--seeds", "1"];
    const json = softliq([...args, "--json", "--svg", svg, "--parallel", "2"]);
    expect(json.code).toBe(0);
    const report = JSON.parse(json.stdout.trim().split("\n").at(-1) as string);
    expect(report.grid).toEqual({ penalty: [0, 5000] });
    expect(report.points).toHaveLength(2);
    for (const p of report.points)
      for (const key of ["maxDrawdownPpm", "badDebt", "openDeficit", "equityRetained", "accountsLiquidated"])
        expect(Number.isSafeInteger(p[key]), key).toBe(true);
    expect(readFileSync(svg, "utf8")).toMatch(/^<svg[^>]*>[\s\S]*equity retained[\s\S]*<\/svg>\n$/);
    const text = softliq(args);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^scenario flash, soft, seeds 1-1: 2 grid points/);
    expect(text.stdout).toMatch(/penalty +drawdown ppm +bad debt +open deficit +equity retained +liquidated/);
  });

  it("refuses what is not a sweep with exit 2", () => {
    expect(softliq(["simulate", "--sweep", "--mode", "hard"]).code).toBe(2);
    expect(softliq(["simulate", "--sweep", "--grid", "slope=1"]).code).toBe(2);
    expect(softliq(["simulate", "--grid", "bound=1"]).code).toBe(2);
    expect(softliq(["simulate", "--sweep", "--scenario", "nope"]).code).toBe(2);
  });
});
