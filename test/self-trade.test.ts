import { describe, expect, it } from "vitest";
import { engineWith, expectConsistent, fillsOf, limit, queueOf, run, strip, typesOf } from "./helpers.js";

/** Asks: 1 (other account) at 100, 2 (own, account "a") at 100, 3 (other) at 101. */
function book() {
  return engineWith(
    limit(1, "sell", 100, 2, { account: "b" }),
    limit(2, "sell", 100, 3, { account: "a" }),
    limit(3, "sell", 101, 4, { account: "b" }),
  );
}

describe("self-trade prevention", () => {
  it("by default (expire_maker) cancels the own resting order and keeps matching", () => {
    const { engine, events } = book();
    const out = run(engine, events, limit(9, "buy", 101, 6, { account: "a" }));
    expect(strip(out.slice(1))).toEqual([
      expect.objectContaining({ type: "fill", makerId: 1, qty: 2, takerRemaining: 4 }),
      { type: "cancelled", id: 2, symbol: "X", remaining: 3, reason: "SELF_TRADE" },
      expect.objectContaining({ type: "fill", makerId: 3, qty: 4, takerRemaining: 0 }),
    ]);
    expect(engine.depth()).toEqual({ bids: [], asks: [] });
    expectConsistent(engine);
  });

  it("expire_taker stops at the own order and cancels the taker's rest; the maker stays", () => {
    const { engine, events } = book();
    const out = run(engine, events, limit(9, "buy", 101, 6, { account: "a", stp: "expire_taker" }));
    expect(typesOf(out)).toEqual(["accepted", "fill", "cancelled:SELF_TRADE"]);
    expect(out.at(-1)).toMatchObject({ id: 9, remaining: 4 });
    expect(queueOf(engine, "sell")).toEqual([
      [2, 100, 3],
      [3, 101, 4],
    ]);
    expect(engine.order(9)).toBeNull();
    expectConsistent(engine);
  });

  it("expire_both cancels the own maker and the taker's rest", () => {
    const { engine, events } = book();
    const out = run(engine, events, limit(9, "buy", 101, 6, { account: "a", stp: "expire_both" }));
    expect(strip(out.slice(1))).toEqual([
      expect.objectContaining({ type: "fill", makerId: 1, qty: 2 }),
      { type: "cancelled", id: 2, symbol: "X", remaining: 3, reason: "SELF_TRADE" },
      { type: "cancelled", id: 9, symbol: "X", remaining: 4, reason: "SELF_TRADE" },
    ]);
    expect(queueOf(engine, "sell")).toEqual([[3, 101, 4]]);
    expectConsistent(engine);
  });

  it("uses the taker's mode, not the maker's", () => {
    const { engine, events } = engineWith(limit(1, "sell", 100, 3, { account: "a", stp: "expire_taker" }));
    const out = run(engine, events, limit(9, "buy", 100, 1, { account: "a" }));
    expect(typesOf(out)).toEqual(["accepted", "cancelled:SELF_TRADE"]);
    expect(out[1]).toMatchObject({ id: 1 });
    expect(queueOf(engine, "buy")).toEqual([[9, 100, 1]]);
  });

  it("needs an account on both sides: orders without one never self-trade", () => {
    const { engine, events } = engineWith(limit(1, "sell", 100, 1), limit(2, "sell", 100, 1, { account: "a" }));
    const out = run(engine, events, limit(9, "buy", 100, 2, { stp: "expire_both" }));
    expect(fillsOf(out)).toEqual([
      [1, 100, 1],
      [2, 100, 1],
    ]);
    const other = engineWith(limit(1, "sell", 100, 1));
    expect(
      fillsOf(run(other.engine, other.events, limit(9, "buy", 100, 1, { account: "a", stp: "expire_both" }))),
    ).toEqual([[1, 100, 1]]);
  });

  it('treats the account 7 and the account "7" as one account', () => {
    const { engine, events } = engineWith(limit(1, "sell", 100, 1, { account: 7 }));
    const out = run(engine, events, limit(9, "buy", 100, 1, { account: "7" }));
    expect(typesOf(out)).toEqual(["accepted", "cancelled:SELF_TRADE"]);
  });

  it("cancels a market order's rest with SELF_TRADE under expire_taker", () => {
    const { engine, events } = book();
    const out = run(engine, events, { type: "market", id: 9, side: "buy", qty: 9, account: "a", stp: "expire_taker" });
    expect(typesOf(out)).toEqual(["accepted", "fill", "cancelled:SELF_TRADE"]);
    expect(out.at(-1)).toMatchObject({ id: 9, remaining: 7 });
  });

  it("reports NO_LIQUIDITY when expire_maker emptied the opposite side", () => {
    const { engine, events } = engineWith(limit(1, "sell", 100, 2, { account: "a" }));
    const out = run(engine, events, { type: "market", id: 9, side: "buy", qty: 1, account: "a" });
    expect(typesOf(out)).toEqual(["accepted", "cancelled:SELF_TRADE", "cancelled:NO_LIQUIDITY"]);
    expect(out.at(-1)).toMatchObject({ id: 9, remaining: 1 });
  });

  describe("fill-or-kill pre-check", () => {
    it("does not count own orders under expire_maker, and cancels them only when the FOK fills", () => {
      const fails = book();
      const hash = fails.engine.stateHash();
      // other-account depth within 101 is 2 + 4 = 6
      const out = run(fails.engine, fails.events, limit(9, "buy", 101, 7, { account: "a", tif: "FOK" }));
      expect(typesOf(out)).toEqual(["accepted", "cancelled:FOK_UNFILLABLE"]);
      expect(fails.engine.stateHash()).toBe(hash);

      const fills = book();
      const ok = run(fills.engine, fills.events, limit(9, "buy", 101, 6, { account: "a", tif: "FOK" }));
      expect(typesOf(ok)).toEqual(["accepted", "fill", "cancelled:SELF_TRADE", "fill"]);
    });

    it("fails when an own order stands before the quantity is reached under expire_taker or expire_both", () => {
      for (const stp of ["expire_taker", "expire_both"] as const) {
        const { engine, events } = book();
        const hash = engine.stateHash();
        const out = run(engine, events, limit(9, "buy", 101, 3, { account: "a", tif: "FOK", stp }));
        expect(typesOf(out)).toEqual(["accepted", "cancelled:FOK_UNFILLABLE"]);
        expect(engine.stateHash()).toBe(hash);
      }
    });

    it("succeeds when the quantity is reached before the own order under expire_taker", () => {
      const { engine, events } = book();
      const out = run(engine, events, limit(9, "buy", 101, 2, { account: "a", tif: "FOK", stp: "expire_taker" }));
      expect(typesOf(out)).toEqual(["accepted", "fill"]);
      expect(queueOf(engine, "sell")[0]).toEqual([2, 100, 3]);
    });
  });
});
