import { describe, expect, it } from "vitest";
import { FLOW_SEED } from "../bench/flows.js";
import { DecodedFlatHooks, FlatHooks, type LeanReadout } from "../bench/lean-margin-hooks.js";
import { ObjectHooks } from "../bench/lean-object-hooks.js";
import { MatchingEngine } from "../engine/engine.js";
import type { MarginHooks } from "../engine/margin-hooks.js";
import { Engine } from "../exchange.js";
import { BUY, type Command, DEFAULT_SYMBOL, SELL } from "../protocol/commands.js";
import type { EngineEvent } from "../protocol/events.js";
import { generateFlow } from "../sim/flow-generator.js";

/**
 * The margin ceiling bench (bench/margin-ceiling.bench.ts) prices the seam with lean money layers;
 * its figures mean something only if those do the accounting they claim. On the bench flow (every
 * limit order margined, nothing refused) each must match exactly as the real margin engine does
 * and end with the same positions, entry costs, open orders and settled collateral.
 */
const ACCOUNTS = Array.from({ length: 20 }, (_, i) => `acct${i + 1}`);
/** The bench's own flow, shorter: its market orders carry no account (a margined maker, an unmargined taker). */
const BENCH_FLOW: Command[] = generateFlow({ commands: 60_000, seed: FLOW_SEED, accountPpm: 1_000_000 });
/**
 * The same with an account (and a protection bound: the lean check has no sweep) on every market
 * order, so that every trade is between margined accounts and lots and cash are conserved among them.
 */
const CLOSED_FLOW: Command[] = BENCH_FLOW.map((c) =>
  c.type === "market" ? { ...c, account: ACCOUNTS[Number(c.id) % ACCOUNTS.length] as string, protectionPpm: 5_000 } : c,
);

/** Runs `flow` through the real engine and a lean layer side by side; the first event that differs, else null. */
function runBoth(flow: readonly Command[], hooks: MarginHooks & LeanReadout): { real: Engine; differs: unknown } {
  const realEvents: string[] = [];
  const leanEvents: string[] = [];
  const real = new Engine({ onEvent: (e: EngineEvent) => realEvents.push(JSON.stringify(e)) });
  const lean = new MatchingEngine({ margin: hooks, onEvent: (e: EngineEvent) => leanEvents.push(JSON.stringify(e)) });
  for (const command of flow) {
    real.apply(command);
    lean.apply(command);
  }
  expect(leanEvents.length).toBeGreaterThan(flow.length);
  expect(leanEvents.length).toBe(realEvents.length);
  // The first difference, not the whole arrays: a diff of 100k events would not fit in memory.
  const at = leanEvents.findIndex((e, i) => e !== realEvents[i]);
  return { real, differs: at === -1 ? null : { at, lean: leanEvents[at], real: realEvents[at] } };
}

/** Every account's position, entry cost, collateral and open lots as the real engine has them; how many traded. */
function expectSameHoldings(real: Engine, hooks: LeanReadout): number {
  let traded = 0;
  for (const name of ACCOUNTS) {
    const report = real.account(name);
    if (report === null) throw new Error(`no account ${name}`);
    const position = report.positions[DEFAULT_SYMBOL];
    expect(hooks.holding(name, 0)).toEqual({
      qty: position?.qty ?? 0,
      cost: position?.entryNotional ?? 0,
      collateral: report.collateral,
    });
    if ((position?.qty ?? 0) !== 0) traded++;
    for (const side of ["buy", "sell"] as const) {
      const open = real.restingOrders(DEFAULT_SYMBOL, side).filter((o) => o.account === name);
      expect(hooks.openLots(name, 0, side === "buy" ? BUY : SELL)).toBe(open.reduce((sum, o) => sum + o.open, 0));
    }
  }
  return traded;
}

describe.each([
  ["flat columns, by name", () => new FlatHooks("columns")],
  ["flat records, by name", () => new FlatHooks("records")],
  ["flat columns, decoded", () => new DecodedFlatHooks("columns")],
  ["flat records, decoded", () => new DecodedFlatHooks("records")],
  ["in objects", () => new ObjectHooks()],
] as const)("the lean money layer (%s)", (_label, makeHooks) => {
  it.each([
    ["the bench's flow", BENCH_FLOW],
    ["the flow with margined market orders", CLOSED_FLOW],
  ])("gives the real engine's events on %s and ends with its positions, costs, open lots and collateral", (_, flow) => {
    const hooks = makeHooks();
    const { real, differs } = runBoth(flow, hooks);
    expect(differs).toBeNull();
    expect(expectSameHoldings(real, hooks)).toBeGreaterThan(10);
  });

  it("refuses what the real engine refuses for initial margin, and takes what it takes", () => {
    const hooks = makeHooks();
    const { real, differs } = runBoth(
      [
        { type: "oracle", price: 10_000 },
        { type: "deposit", account: "acct1", amount: 1_000 },
        { type: "deposit", account: "acct2", amount: 1_000_000_000 },
        { type: "limit", id: 1, side: "sell", price: 10_000, qty: 50, account: "acct2" },
        // 200,000 of notional needs 1,600 (0.8%): refused; 100,000 needs 800: taken.
        { type: "limit", id: 2, side: "buy", price: 10_000, qty: 20, account: "acct1", tif: "IOC" },
        { type: "limit", id: 3, side: "buy", price: 10_000, qty: 10, account: "acct1", tif: "IOC" },
        // A resting bid counts: 10 held and 10 more open is again 200,000.
        { type: "limit", id: 4, side: "buy", price: 9_000, qty: 10, account: "acct1" },
      ],
      hooks,
    );
    expect(differs).toBeNull();
    expect(hooks.holding("acct1", 0)).toEqual({ qty: 10, cost: 100_000, collateral: 1_000 });
    expect(real.account("acct1")?.positions[DEFAULT_SYMBOL]?.qty).toBe(10);
    expect(hooks.openLots("acct1", 0, BUY)).toBe(0);
  });

  it("conserves lots and cash: Σ positions 0, Σ cash the deposits", () => {
    const hooks = makeHooks();
    const engine = new MatchingEngine({ margin: hooks });
    let deposits = 0;
    for (const command of CLOSED_FLOW) {
      engine.apply(command);
      if (command.type === "deposit") deposits += command.amount;
    }
    expect(deposits).toBe(20 * 1e12);
    expect(hooks.netLots(0)).toBe(0);
    expect(hooks.cash()).toBe(deposits);
    expect(hooks.breaches).toBe(0);
  });

  it("counts an account below maintenance margin when it trades", () => {
    const hooks = makeHooks();
    const engine = new MatchingEngine({ margin: hooks });
    const run = (commands: Command[]): void => {
      for (const c of commands) engine.apply(c);
    };
    run([
      { type: "oracle", price: 10_000 },
      { type: "deposit", account: "acct1", amount: 1_000 },
      { type: "deposit", account: "acct2", amount: 1_000_000_000 },
      { type: "limit", id: 1, side: "sell", price: 10_000, qty: 10, account: "acct2" },
      // 100,000 of notional: initial margin 800 (0.8%) of the 1,000 deposited.
      { type: "limit", id: 2, side: "buy", price: 10_000, qty: 10, account: "acct1", tif: "IOC" },
      { type: "oracle", price: 9_920 },
    ]);
    expect(hooks.holding("acct1", 0).qty).toBe(10);
    expect(hooks.breaches).toBe(0); // the lean layer looks only after a fill
    // Equity 1,000 − 800 = 200 against a maintenance margin of 397 (358 once it holds 9): found when it trades again.
    run([
      { type: "limit", id: 3, side: "buy", price: 9_920, qty: 1, account: "acct2" },
      { type: "limit", id: 4, side: "sell", price: 9_920, qty: 1, account: "acct1", reduceOnly: true, tif: "IOC" },
    ]);
    expect(hooks.holding("acct1", 0)).toEqual({ qty: 9, cost: 90_000, collateral: 920 });
    expect(hooks.breaches).toBe(1);
  });
});
