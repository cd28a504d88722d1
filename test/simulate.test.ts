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
    expect(other?.fair).not.toEqual(s.fair);
  });

  it("liquidates fewer accounts whole, trades less far below the fair price and keeps more equity soft than hard", () => {
    for (const name of ["cascade", "thin"]) {
      const s = buildScenario(name, 1);
      if (s === null) throw new Error(`no scenario ${name}`);
      const hard = runSide(s, "hard").result;
      const soft = runSide(s, "soft").result;
      expect(hard.accountsTouched).toBeGreaterThan(0);
      expect(soft.accountsLiquidated).toBeLessThan(hard.accountsLiquidated);
      expect(soft.maxDrawdownPpm).toBeLessThan(hard.maxDrawdownPpm);
      expect(soft.maxOracleGapPpm).toBeLessThan(hard.maxOracleGapPpm);
      expect(soft.liquidationSlippagePpm).toBeLessThan(hard.liquidationSlippagePpm);
      expect(soft.closedQty).toBeLessThan(hard.closedQty);
      // The penalty follows what was closed: the soft side pays less of it.
      expect(soft.penalties).toBeLessThan(hard.penalties);
    }
  });

  it("closes nothing in mode off, and every scenario runs", () => {
    for (const name of SCENARIOS) {
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
    expect(sweep.softBetter.accountsLiquidated).toBe(3);
    expect(softliq(["simulate", "--seeds", "2", "--svg", "x.svg"]).code).toBe(2);
  });

  it("refuses an unknown scenario or mode with exit 2", () => {
    expect(softliq(["simulate", "--scenario", "nope"]).code).toBe(2);
    expect(softliq(["simulate", "--mode", "off"]).code).toBe(2);
  });
});
