/**
 * The liquidator's costs. `node dist/bench/liquidation.bench.js [--json]`
 *
 * 1. Accounts in liquidation that wait (nothing inside their bound): the liquidator looks at every
 *    account in liquidation after every command, so each one costs every command something. Here
 *    K accounts wait while an unrelated instrument trades; the cost per command against K = 0.
 * 2. The cascade simulation, per scenario and mode: commands applied per second with the
 *    liquidator at work (makers re-quoting, the oracle moving, children sliced), and wall time.
 */
import { Engine } from "../exchange.js";
import { runSide, type Scenario, type SideResult } from "../index.js";
import type { LiquidationMode } from "../liquidator/liquidation-params.js";
import type { Command } from "../protocol/commands.js";
import { buildScenario, SCENARIOS } from "../sim/scenario.js";

const TIERS = [{ maxNotional: 1e12, imrPpm: 100_000, mmrPpm: 50_000 }];

/** ns per command on instrument Z while `waiting` accounts on X sit in liquidation with no depth inside their bound. */
function waitingCost(waiting: number, mode: LiquidationMode): number {
  const e = new Engine({ liquidation: mode });
  e.apply({ type: "instrument", symbol: "X", tiers: TIERS, liquidation: { sliceIntervalNs: 1000 } });
  e.apply({ type: "instrument", symbol: "Z" });
  e.apply({ type: "oracle", symbol: "X", price: 1000 });
  e.apply({ type: "limit", id: "seller", symbol: "X", side: "sell", price: 1000, qty: 10 * Math.max(1, waiting) });
  for (let i = 0; i < waiting; i++) {
    // 1,000 to 1,019 on 10 lots at 1,000: all in breach at 945 (MM 473), none in stage 2.
    e.apply({ type: "deposit", account: `a${i}`, amount: 1000 + (i % 20) });
    e.apply({ type: "limit", id: `b${i}`, symbol: "X", side: "buy", price: 1000, qty: 10, account: `a${i}` });
  }
  for (let i = 0; i < 50; i++)
    e.apply({ type: "limit", id: `far${i}`, symbol: "X", side: "buy", price: 800 - i, qty: 10 });
  e.apply({ type: "oracle", symbol: "X", price: 945, ts: 1 });
  const flow: Command[] = [];
  let ts = 2;
  for (let i = 0; i < 60_000; i++) {
    ts += 10;
    flow.push({
      type: "limit",
      id: i + 1,
      symbol: "Z",
      side: i % 2 ? "buy" : "sell",
      price: 100 + (i % 7),
      qty: 1,
      ts,
    });
  }
  for (let i = 0; i < 10_000; i++) e.apply(flow[i] as Command); // warm-up
  const start = process.hrtime.bigint();
  for (let i = 10_000; i < flow.length; i++) e.apply(flow[i] as Command);
  return Math.round(Number(process.hrtime.bigint() - start) / (flow.length - 10_000));
}

interface SimRow {
  scenario: string;
  mode: LiquidationMode;
  commands: number;
  ms: number;
  commandsPerSec: number;
  childOrders: number;
}

function simulation(scenario: Scenario, mode: LiquidationMode): SimRow {
  const flow: Command[] = [];
  runSide(scenario, mode); // warm-up
  const start = process.hrtime.bigint();
  const { result } = runSide(scenario, mode, { flow });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  return row(scenario.name, mode, flow.length, ms, result);
}

function row(name: string, mode: LiquidationMode, commands: number, ms: number, r: SideResult): SimRow {
  return {
    scenario: name,
    mode,
    commands,
    ms: Math.round(ms * 10) / 10,
    commandsPerSec: Math.round((commands * 1000) / ms),
    childOrders: r.childOrders,
  };
}

function main(): void {
  const json = process.argv.includes("--json");
  const waiting = [0, 100, 1_000, 10_000].map((k) => ({
    accounts: k,
    softNs: waitingCost(k, "soft"),
    offNs: waitingCost(k, "off"),
  }));
  const sims: SimRow[] = [];
  for (const name of SCENARIOS) {
    const scenario = buildScenario(name, 1) as Scenario;
    for (const mode of ["hard", "soft"] as const) sims.push(simulation(scenario, mode));
  }
  if (json) {
    console.log(JSON.stringify({ waiting, simulation: sims }));
    return;
  }
  console.log("accounts in liquidation waiting for depth: ns per unrelated command (soft / off)");
  for (const w of waiting) console.log(`  ${String(w.accounts).padStart(6)}: ${w.softNs} / ${w.offNs}`);
  console.log("cascade simulation (seed 1), the whole engine with the liquidator at work:");
  for (const s of sims) {
    console.log(
      `  ${s.scenario.padEnd(8)} ${s.mode.padEnd(5)} ${s.commands} commands in ${s.ms} ms: ${s.commandsPerSec}/s, ${s.childOrders} child orders`,
    );
  }
}

main();
