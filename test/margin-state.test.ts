import { describe, expect, it } from "vitest";
import { Engine } from "../exchange.js";
import type { Command } from "../protocol/commands.js";

function hashAfter(...commands: Command[]): string {
  const engine = new Engine();
  for (const c of commands) engine.apply(c);
  return engine.stateHash();
}

const open: Command[] = [
  { type: "oracle", price: 100 },
  { type: "deposit", account: "a", amount: 1000 },
  { type: "limit", id: 1, side: "sell", price: 100, qty: 5 },
  { type: "limit", id: 2, side: "buy", price: 100, qty: 5, account: "a" },
];

describe("the state hash with accounts", () => {
  it("changes with collateral, positions and the oracle", () => {
    const base = hashAfter(...open);
    expect(hashAfter(...open, { type: "deposit", account: "a", amount: 1 })).not.toBe(base);
    expect(hashAfter(...open, { type: "oracle", price: 101 })).not.toBe(base);
    expect(
      hashAfter(
        ...open,
        { type: "limit", id: 3, side: "sell", price: 100, qty: 1 },
        {
          type: "limit",
          id: 4,
          side: "buy",
          price: 100,
          qty: 1,
          account: "a",
        },
      ),
    ).not.toBe(base);
  });

  it("is the same however the state was reached", () => {
    const direct = hashAfter({ type: "deposit", account: "a", amount: 300 });
    const roundabout = hashAfter(
      { type: "deposit", account: "a", amount: 500 },
      { type: "withdraw", account: "a", amount: 200 },
      { type: "deposit", account: "b", amount: 7 },
      { type: "withdraw", account: "b", amount: 7 },
    );
    expect(roundabout).toBe(direct);
  });

  it("reports no accounts before any margined activity", () => {
    const engine = new Engine();
    engine.apply({ type: "limit", id: 1, side: "sell", price: 100, qty: 5 });
    expect(engine.accounts()).toEqual({ accounts: {}, insuranceFund: 0, feesCollected: 0, capDeferrals: 0 });
  });
});
