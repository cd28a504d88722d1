import { describe, expect, it } from "vitest";
import { DecodedFlatHooks, FlatHooks } from "../bench/lean-margin-hooks.js";
import { ObjectHooks } from "../bench/lean-object-hooks.js";
import { MatchingEngine } from "../engine/engine.js";
import { Engine } from "../exchange.js";
import { type Command, DEFAULT_SYMBOL } from "../protocol/commands.js";
import type { EngineEvent } from "../protocol/events.js";
import { generateFlow } from "../sim/flow-generator.js";

/**
 * The margin ceiling bench (bench/margin-ceiling.bench.ts) prices the seam with a lean money
 * layer; its figure means something only if that layer does the accounting it claims. On the
 * bench flow (every limit order margined, nothing refused) it must match exactly as the real
 * margin engine does and end with the same positions, open orders and settled collateral.
 */
describe.each([
  ["by name", FlatHooks],
  ["decoded", DecodedFlatHooks],
  ["in objects", ObjectHooks],
] as const)("the lean flat money layer (%s)", (_label, Hooks) => {
  const accounts = Array.from({ length: 20 }, (_, i) => `acct${i + 1}`);
  // The bench flow margins its limit orders; its market orders get an account here too (and a
  // protection bound: the lean check has no sweep), so that every trade is between margined
  // accounts and lots and cash are conserved among them.
  const flow: Command[] = generateFlow({ commands: 60_000, seed: 42, accountPpm: 1_000_000 }).map((c) =>
    c.type === "market"
      ? { ...c, account: accounts[Number(c.id) % accounts.length] as string, protectionPpm: 5_000 }
      : c,
  );

  it("gives the real engine's events and ends with its positions, open lots and collateral", () => {
    const realEvents: string[] = [];
    const leanEvents: string[] = [];
    const real = new Engine({ onEvent: (e: EngineEvent) => realEvents.push(JSON.stringify(e)) });
    const hooks = new Hooks();
    const lean = new MatchingEngine({ margin: hooks, onEvent: (e: EngineEvent) => leanEvents.push(JSON.stringify(e)) });
    for (const command of flow) {
      real.apply(command);
      lean.apply(command);
    }
    expect(leanEvents.length).toBeGreaterThan(100_000);
    // The first difference, not the whole arrays: a diff of 100k events would not fit in memory.
    const differs = leanEvents.findIndex((e, i) => e !== realEvents[i]);
    expect(differs === -1 ? null : { at: differs, lean: leanEvents[differs], real: realEvents[differs] }).toBeNull();
    expect(leanEvents.length).toBe(realEvents.length);

    let traded = 0;
    for (const name of accounts) {
      const report = real.account(name);
      if (report === null) throw new Error(`no account ${name}`);
      const held = hooks.holding(name, 0);
      expect(held.qty).toBe(report.positions[DEFAULT_SYMBOL]?.qty ?? 0);
      expect(held.collateral).toBe(report.collateral);
      if (held.qty !== 0) traded++;
      for (const side of ["buy", "sell"] as const) {
        const open = real.restingOrders(DEFAULT_SYMBOL, side).filter((o) => o.account === name);
        expect(hooks.openLots(name, 0, side === "buy" ? 0 : 1)).toBe(open.reduce((sum, o) => sum + o.open, 0));
      }
    }
    expect(traded).toBeGreaterThan(10);
  });

  it("conserves lots and cash: Σ positions 0, Σ cash the deposits", () => {
    const hooks = new Hooks();
    const engine = new MatchingEngine({ margin: hooks });
    let deposits = 0;
    for (const command of flow) {
      engine.apply(command);
      if (command.type === "deposit") deposits += command.amount;
    }
    expect(deposits).toBe(20 * 1e12);
    expect(hooks.netLots(0)).toBe(0);
    expect(hooks.cash()).toBe(deposits);
    expect(hooks.breaches).toBe(0);
  });

  it("counts an account below maintenance margin when it trades", () => {
    const hooks = new Hooks();
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
    // Equity 1,000 − 800 = 200 against a maintenance margin of 397: found when it trades again.
    run([
      { type: "limit", id: 3, side: "buy", price: 9_920, qty: 1, account: "acct2" },
      { type: "limit", id: 4, side: "sell", price: 9_920, qty: 1, account: "acct1", reduceOnly: true, tif: "IOC" },
    ]);
    expect(hooks.holding("acct1", 0)).toEqual({ qty: 9, collateral: 920 });
    expect(hooks.breaches).toBe(1);
  });
});
