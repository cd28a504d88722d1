// Issue 14's bar, seed by seed: on each seed of each scenario, does soft wipe out no more accounts
// and leave no more bad debt than every venue policy and hard, and trade no deeper than hard?
// Run after `npm run build`: node tools/policy-bar.mjs [FIRST LAST] [cascade,crowded,oct2025] [PARAMS-JSON]
// (PARAMS-JSON: instrument.liquidation overrides, e.g. '{"targetHealthPpm":1250000}'). One line a
// seed (accounts wiped out and bad debt soft/hard/hyperliquid/dydx/drift), then the failures; exit 1
// when any seed fails.
import { runModes } from "../dist/sim/run.js";
import { buildScenario } from "../dist/sim/scenario.js";

const [first = "1", last = "20", scenarios = "cascade,crowded,oct2025", params = "{}"] = process.argv.slice(2);
const modes = ["soft", "hard", "hyperliquid", "dydx", "drift"];
const overrides = JSON.parse(params);
let failures = 0;
for (const name of scenarios.split(",")) {
  for (let seed = Number(first); seed <= Number(last); seed++) {
    const scenario = buildScenario(name, seed);
    if (scenario === null) throw new Error(`no scenario ${name}`);
    const r = Object.fromEntries(
      runModes(scenario, modes, null, null, overrides).map((x) => [x.result.mode, x.result]),
    );
    const soft = r.soft;
    const why = [];
    for (const m of modes.slice(1)) {
      if (soft.accountsLiquidated > r[m].accountsLiquidated)
        why.push(`wiped out ${soft.accountsLiquidated} > ${m}'s ${r[m].accountsLiquidated}`);
      if (soft.badDebt > r[m].badDebt) why.push(`bad debt ${soft.badDebt} > ${m}'s ${r[m].badDebt}`);
    }
    if (soft.maxDrawdownPpm > r.hard.maxDrawdownPpm)
      why.push(`drawdown ${soft.maxDrawdownPpm} > hard's ${r.hard.maxDrawdownPpm}`);
    if (why.length > 0) failures++;
    const wiped = modes.map((m) => r[m].accountsLiquidated).join("/");
    const debt = modes.map((m) => r[m].badDebt).join("/");
    console.log(`${name} ${seed}: wiped out ${wiped}, bad debt ${debt}: ${why.length === 0 ? "ok" : why.join("; ")}`);
  }
}
console.log(`${failures} seed(s) fail the bar`);
process.exit(failures === 0 ? 0 : 1);
