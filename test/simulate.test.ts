import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { runSide } from "../sim/run.js";
import { buildScenario, SCENARIOS } from "../sim/scenario.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = join(ROOT, "dist", "cli", "softliq.js");
const dir = mkdtempSync(join(tmpdir(), "softliq-sim-"));

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function softliq(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("the cascade simulation", () => {
  it("gives the same result for the same scenario and seed, and another for another seed", () => {
    const s = buildScenario("cascade", 7);
    const again = buildScenario("cascade", 7);
    if (s === null || again === null) throw new Error("no cascade scenario");
    expect(runSide(again, "soft").result).toEqual(runSide(s, "soft").result);
    const other = buildScenario("cascade", 8);
    expect(other?.instruments[0]?.fair).not.toEqual(s.instruments[0]?.fair);
  });

  it("trades no deeper than hard on the cascade, and hard leaves bad debt there", () => {
    const s = buildScenario("cascade", 1);
    if (s === null) throw new Error("no cascade scenario");
    const hard = runSide(s, "hard").result;
    const soft = runSide(s, "soft").result;
    expect(hard.accountsTouched).toBeGreaterThan(0);
    expect(hard.badDebt).toBeGreaterThan(0);
    expect(soft.maxDrawdownPpm).toBeLessThan(hard.maxDrawdownPpm);
    expect(soft.liquidationSlippagePpm).toBeLessThan(hard.liquidationSlippagePpm);
    // Lots taken from the accounts, on the book and by auto-deleveraging (hard passes more off-book).
    expect(soft.closedQty + soft.adlQty).toBeLessThan(hard.closedQty + hard.adlQty);
  });

  it("opens longs and shorts, and reports R and the insurance fund's path", () => {
    const s = buildScenario("crowded", 2);
    if (s === null) throw new Error("no crowded scenario");
    const sides = s.accounts.map((a) => Math.sign(a.positions[0]?.qty ?? 0));
    expect(sides).toContain(1);
    expect(sides).toContain(-1);
    const run = runSide(s, "soft");
    expect(run.result.insuranceFundPath.length).toBeGreaterThan(1);
    expect(run.path.criticalityPpm).toHaveLength(s.steps);
    expect(run.path.healthBefore.reduce((x, y) => x + y, 0)).toBe(s.accounts.length);
  });

  it("closes nothing in mode off, and every scenario runs", () => {
    for (const name of SCENARIOS.filter((n) => n !== "oct2025")) {
      const s = buildScenario(name, 3);
      if (s === null) throw new Error(`no scenario ${name}`);
      const off = runSide(s, "off").result;
      expect(off).toMatchObject({ accountsTouched: 0, childOrders: 0, closedQty: 0, penalties: 0 });
    }
  });

  it("softliq simulate --json ends with the contract's summary; --svg draws the run", () => {
    const svg = join(dir, "run.svg");
    const r = softliq(["simulate", "--scenario", "cascade", "--seed", "2", "--json", "--svg", svg]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split("\n").at(-1) as string);
    expect(summary.scenario).toBe("cascade");
    for (const side of [summary.hard, summary.soft]) {
      for (const key of [
        "accountsLiquidated",
        "accountsTouched",
        "badDebt",
        "maxDrawdownPpm",
        "liquidationSlippagePpm",
        "equityRetained",
      ]) {
        expect(Number.isSafeInteger(side[key]), key).toBe(true);
      }
    }
    const drawing = readFileSync(svg, "utf8");
    expect(drawing.startsWith("<svg")).toBe(true);
    expect(drawing.match(/<polyline/g)).toHaveLength(3);
    const one = JSON.parse(
      softliq(["simulate", "--mode", "soft", "--json"]).stdout.trim().split("\n").at(-1) as string,
    );
    expect(Object.keys(one)).toEqual(["scenario", "seed", "soft"]);
    const list = JSON.parse(softliq(["simulate", "--list", "--json"]).stdout.trim().split("\n").at(-1) as string);
    expect(list.scenarios.map((x: { name: string }) => x.name)).toEqual([
      "cascade",
      "flash",
      "thin",
      "crowded",
      "oct2025",
      "lobster",
    ]);
  });

  it("--mode all runs every liquidating mode on the same seed, and the same seed gives the same JSON and flow", () => {
    const flowA = join(dir, "a.jsonl");
    const flowB = join(dir, "b.jsonl");
    const a = softliq(["simulate", "--scenario", "flash", "--mode", "all", "--seed", "5", "--json", "--flow", flowA]);
    const b = softliq(["simulate", "--scenario", "flash", "--mode", "all", "--seed", "5", "--json", "--flow", flowB]);
    expect(a.code).toBe(0);
    expect(a.stdout).toBe(b.stdout);
    expect(readFileSync(flowA, "utf8")).toBe(readFileSync(flowB, "utf8"));
    const summary = JSON.parse(a.stdout.trim().split("\n").at(-1) as string);
    for (const mode of ["soft", "hard", "hyperliquid", "dydx", "drift"]) {
      for (const key of ["adlQty", "backstopQty", "criticalityPpm", "insuranceFund"]) {
        expect(Number.isSafeInteger(summary[mode][key]), `${mode} ${key}`).toBe(true);
      }
      expect(Array.isArray(summary[mode].insuranceFundPath)).toBe(true);
    }
  });

  it("sweeps seeds in pool threads: medians per mode, and on how many seeds soft did better", () => {
    const r = softliq(["simulate", "--seeds", "3", "--seed", "4", "--parallel", "2", "--json"]);
    expect(r.code).toBe(0);
    const sweep = JSON.parse(r.stdout.trim().split("\n").at(-1) as string);
    expect(sweep.seeds).toEqual([4, 6]);
    const medianOf = (mode: "hard" | "soft", key: "accountsLiquidated" | "maxDrawdownPpm"): number => {
      const values = [4, 5, 6].map((seed) => {
        const s = buildScenario("cascade", seed);
        if (s === null) throw new Error("no cascade scenario");
        return runSide(s, mode).result[key];
      });
      return values.sort((a, b) => a - b)[1] as number;
    };
    expect(sweep.hard.accountsLiquidated).toBe(medianOf("hard", "accountsLiquidated"));
    expect(sweep.soft.maxDrawdownPpm).toBe(medianOf("soft", "maxDrawdownPpm"));
    expect(softliq(["simulate", "--seeds", "2", "--svg", "x.svg"]).code).toBe(2);
  });

  it("refuses an unknown scenario or mode with exit 2", () => {
    expect(softliq(["simulate", "--scenario", "nope"]).code).toBe(2);
    expect(softliq(["simulate", "--mode", "off"]).code).toBe(2);
  });
});
