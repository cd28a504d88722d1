import { describe, expect, it } from "vitest";
import { marginedEngine, rejectReasons } from "./margin-helpers.js";

describe("deposits and withdrawals", () => {
  it("moves collateral and emits accepted events carrying account and amount", () => {
    const m = marginedEngine();
    const events = m.run(
      { type: "deposit", account: "a", amount: 500 },
      { type: "withdraw", account: "a", amount: 200 },
    );
    expect(events).toEqual([
      { seq: 1, ts: 0, type: "accepted", command: "deposit", account: "a", amount: 500 },
      { seq: 2, ts: 0, type: "accepted", command: "withdraw", account: "a", amount: 200 },
    ]);
    expect(m.engine.account("a")).toEqual({ collateral: 300, equity: 300, healthPpm: null, positions: {} });
  });

  it("refuses to withdraw more than the settled balance, or from an unknown account", () => {
    const m = marginedEngine();
    m.run({ type: "deposit", account: "a", amount: 500 });
    expect(rejectReasons(m.run({ type: "withdraw", account: "a", amount: 501 }))).toEqual(["INSUFFICIENT_COLLATERAL"]);
    expect(rejectReasons(m.run({ type: "withdraw", account: "b", amount: 1 }))).toEqual(["INSUFFICIENT_COLLATERAL"]);
    expect(m.account("a").collateral).toBe(500);
  });

  it("refuses a withdrawal that would leave equity below initial margin, down to the unit", () => {
    const m = marginedEngine();
    m.run(
      { type: "deposit", account: "a", amount: 100 },
      { type: "oracle", price: 100 },
      { type: "limit", id: 1, side: "sell", price: 100, qty: 50 },
      { type: "limit", id: 2, side: "buy", price: 100, qty: 50, account: "a" },
    );
    // IM = 0.8% of 5000 = 40: 60 may leave, 61 may not.
    expect(rejectReasons(m.run({ type: "withdraw", account: "a", amount: 61 }))).toEqual(["INSUFFICIENT_MARGIN"]);
    expect(rejectReasons(m.run({ type: "withdraw", account: "a", amount: 60 }))).toEqual([]);
    expect(m.engine.account("a")).toMatchObject({ collateral: 40, equity: 40 });
  });

  it("counts the worst case of open orders in what must stay", () => {
    const m = marginedEngine();
    m.run(
      { type: "deposit", account: "a", amount: 100 },
      { type: "oracle", price: 100 },
      { type: "limit", id: 1, side: "buy", price: 100, qty: 50, account: "a" },
    );
    expect(rejectReasons(m.run({ type: "withdraw", account: "a", amount: 61 }))).toEqual(["INSUFFICIENT_MARGIN"]);
    m.run({ type: "cancel", id: 1 });
    expect(rejectReasons(m.run({ type: "withdraw", account: "a", amount: 100 }))).toEqual([]);
  });

  it("does not pay out unrealized profit beyond the settled balance", () => {
    const m = marginedEngine();
    m.run(
      { type: "deposit", account: "a", amount: 100 },
      { type: "oracle", price: 100 },
      { type: "limit", id: 1, side: "sell", price: 100, qty: 10 },
      { type: "limit", id: 2, side: "buy", price: 100, qty: 10, account: "a" },
      { type: "oracle", price: 200 }, // unrealized +1000
    );
    expect(rejectReasons(m.run({ type: "withdraw", account: "a", amount: 101 }))).toEqual(["INSUFFICIENT_COLLATERAL"]);
    expect(rejectReasons(m.run({ type: "withdraw", account: "a", amount: 100 }))).toEqual([]);
  });

  it("refuses deposits and withdrawals on the bare matching engine", async () => {
    const { recordingEngine } = await import("./helpers.js");
    const { engine, events } = recordingEngine();
    engine.apply({ type: "deposit", account: "a", amount: 1 });
    expect(events).toMatchObject([{ type: "rejected", reason: "UNSUPPORTED_COMMAND" }]);
  });
});
