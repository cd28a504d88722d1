import { describe, expect, it } from "vitest";
import { runModes, SIM_MODES, type SideResult } from "../sim/run.js";
import { buildScenario } from "../sim/scenario.js";

const VENUES = ["hyperliquid", "dydx", "drift"] as const;

/** Every mode on one scenario and seed, by mode. */
function compare(name: string, seed: number): Record<string, SideResult> {
  const s = buildScenario(name, seed);
  if (s === null) throw new Error(`no scenario ${name}`);
  return Object.fromEntries(runModes(s, SIM_MODES).map((r) => [r.result.mode, r.result]));
}

// Issue 14's bar, on a few seeds of each scenario (the README has seeds 1-5): soft wipes out no
// more accounts and leaves no more bad debt than any venue policy, and trades no deeper than hard.
describe("soft against hard and the venues on the same seeds", () => {
  it.each([
    ["cascade", 1],
    ["cascade", 3],
    ["oct2025", 1],
    ["oct2025", 7], // lost by one account (198 against drift's 197) before the sweep's defaults
  ] as const)(
    "%s seed %i: soft wipes out no more accounts, leaves no more bad debt, trades no deeper",
    (name, seed) => {
      const r = compare(name, seed);
      const soft = r.soft as SideResult;
      const hard = r.hard as SideResult;
      for (const v of VENUES) {
        const venue = r[v] as SideResult;
        expect(soft.accountsLiquidated, v).toBeLessThanOrEqual(venue.accountsLiquidated);
        expect(soft.badDebt, v).toBeLessThanOrEqual(venue.badDebt);
      }
      expect(soft.accountsLiquidated).toBeLessThanOrEqual(hard.accountsLiquidated);
      expect(soft.badDebt).toBeLessThanOrEqual(hard.badDebt);
      expect(soft.maxDrawdownPpm).toBeLessThanOrEqual(hard.maxDrawdownPpm);
      // The debt of the bankrupt accounts soft still holds at the end: less than hard realised, and
      // within the fund soft's penalties built.
      expect(soft.badDebt + soft.openDeficit).toBeLessThanOrEqual(hard.badDebt + hard.openDeficit);
      expect(soft.openDeficit).toBeLessThanOrEqual(soft.insuranceFund);
      if (name === "cascade") expect(hard.badDebt).toBeGreaterThan(0);
    },
  );

  // crowded used to be where soft lost to drift (it wiped out a few accounts where drift wiped out
  // none): positions no partial close restores are now worked down on a ramp, so the rebound finds
  // them open. The same bar, and soft is done where drift is not.
  it.each([1, 3])("crowded seed %i: the same bar, and soft has finished where drift has not", (seed) => {
    const r = compare("crowded", seed);
    const soft = r.soft as SideResult;
    const drift = r.drift as SideResult;
    for (const m of ["hard", ...VENUES]) {
      expect(soft.accountsLiquidated, m).toBeLessThanOrEqual((r[m] as SideResult).accountsLiquidated);
      expect(soft.badDebt, m).toBeLessThanOrEqual((r[m] as SideResult).badDebt);
    }
    for (const m of ["hard", "hyperliquid", "dydx"])
      expect(soft.accountsLiquidated, m).toBeLessThan((r[m] as SideResult).accountsLiquidated);
    expect(soft.maxDrawdownPpm).toBeLessThan((r.hard as SideResult).maxDrawdownPpm);
    expect(soft.badDebt).toBe(0);
    expect(soft.stillInLiquidation).toBe(0);
    expect(drift.stillInLiquidation * 10).toBeGreaterThanOrEqual(drift.accountsTouched * 9);
  });
});
