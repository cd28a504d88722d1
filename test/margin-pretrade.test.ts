import { describe, expect, it } from "vitest";
import { marginedEngine, rejectReasons } from "./margin-helpers.js";

/** Default tiers: first bracket IMR 0.8%, MMR 0.4%; no fees. Oracle 100. */
function funded(amount: number) {
  const m = marginedEngine();
  m.run({ type: "oracle", price: 100 }, { type: "deposit", account: "a", amount });
  return m;
}

describe("pre-trade risk", () => {
  it("rejects a margined order before the instrument has an oracle price, not an unmargined one", () => {
    const m = marginedEngine();
    m.run({ type: "deposit", account: "a", amount: 1000 });
    expect(rejectReasons(m.run({ type: "limit", id: 1, side: "buy", price: 100, qty: 1, account: "a" }))).toEqual([
      "NO_MARK_PRICE",
    ]);
    expect(rejectReasons(m.run({ type: "limit", id: 2, side: "buy", price: 100, qty: 1 }))).toEqual([]);
  });

  it("accepts an order whose initial margin equals equity and rejects one unit of risk more", () => {
    const m = funded(8);
    // 10 @ 100 resting: IM = 0.8% of 1000 = 8.
    expect(rejectReasons(m.run({ type: "limit", id: 1, side: "buy", price: 100, qty: 10, account: "a" }))).toEqual([]);
    // one more lot: worst position 11 → IM ceil(8.8) = 9 > 8.
    expect(rejectReasons(m.run({ type: "limit", id: 2, side: "buy", price: 100, qty: 1, account: "a" }))).toEqual([
      "INSUFFICIENT_MARGIN",
    ]);
  });

  it("rejects an order from an account that never deposited", () => {
    const m = funded(1000);
    expect(rejectReasons(m.run({ type: "limit", id: 1, side: "buy", price: 100, qty: 1, account: "nobody" }))).toEqual([
      "INSUFFICIENT_MARGIN",
    ]);
    expect(m.margin.accounts.has("nobody")).toBe(false);
  });

  it("counts the worse of all buys filling or all sells filling, not both", () => {
    const m = funded(8);
    m.run({ type: "limit", id: 1, side: "buy", price: 99, qty: 10, account: "a" });
    expect(rejectReasons(m.run({ type: "limit", id: 2, side: "sell", price: 101, qty: 10, account: "a" }))).toEqual([]);
  });

  it("charges an order priced through the oracle with what it would lose on filling", () => {
    const m = funded(100);
    // buy 10 @ 105 rests (no asks): IM 8 + loss (105 − 100) × 10 = 58.
    expect(rejectReasons(m.run({ type: "limit", id: 1, side: "buy", price: 105, qty: 10, account: "a" }))).toEqual([]);
    // buy 10 @ 110: IM of 20 lots = 16, loss 50 + 100 → 166 > 100.
    expect(rejectReasons(m.run({ type: "limit", id: 2, side: "buy", price: 110, qty: 10, account: "a" }))).toEqual([
      "INSUFFICIENT_MARGIN",
    ]);
  });

  it("prices a market order at the levels it would sweep", () => {
    const m = funded(30);
    m.run(
      { type: "limit", id: 1, side: "sell", price: 100, qty: 5 },
      { type: "limit", id: 2, side: "sell", price: 104, qty: 5 },
    );
    // sweep: 5 @ 100 (no loss) + 5 @ 104 (loss 20); IM of 10 lots at the oracle = 8 → 28 ≤ 30.
    const events = m.run({ type: "market", id: 3, side: "buy", qty: 10, account: "a" });
    expect(rejectReasons(events)).toEqual([]);
    expect(m.account("a").positions[0]).toMatchObject({ qty: 10, entryNotional: 1020 });
    m.run({ type: "limit", id: 4, side: "sell", price: 110, qty: 10 });
    // 10 more @ 110: loss 100 → refused.
    expect(rejectReasons(m.run({ type: "market", id: 5, side: "buy", qty: 10, account: "a" }))).toEqual([
      "INSUFFICIENT_MARGIN",
    ]);
  });

  it("never refuses an order that lowers the requirement, even below initial margin", () => {
    const m = funded(9);
    m.run(
      { type: "limit", id: 1, side: "sell", price: 100, qty: 10 },
      { type: "limit", id: 2, side: "buy", price: 100, qty: 10, account: "a" },
      { type: "oracle", price: 99 }, // equity 9 − 10 = −1: below IM (and MM)
    );
    expect(rejectReasons(m.run({ type: "limit", id: 3, side: "sell", price: 99, qty: 4, account: "a" }))).toEqual([]);
    expect(rejectReasons(m.run({ type: "limit", id: 4, side: "buy", price: 98, qty: 1, account: "a" }))).toEqual([
      "INSUFFICIENT_MARGIN",
    ]);
  });

  it("checks a modify that raises quantity or moves the price, not one that lowers quantity", () => {
    const m = funded(8);
    m.run({ type: "limit", id: 1, side: "buy", price: 100, qty: 10, account: "a" });
    expect(rejectReasons(m.run({ type: "modify", id: 1, qty: 11 }))).toEqual(["INSUFFICIENT_MARGIN"]);
    expect(rejectReasons(m.run({ type: "modify", id: 1, price: 101 }))).toEqual(["INSUFFICIENT_MARGIN"]);
    expect(rejectReasons(m.run({ type: "modify", id: 1, qty: 5 }))).toEqual([]);
    expect(rejectReasons(m.run({ type: "modify", id: 1, price: 99, qty: 10 }))).toEqual([]);
  });

  it("leaves the state untouched when it rejects", () => {
    const m = funded(8);
    const before = m.engine.stateHash();
    m.run({ type: "limit", id: 1, side: "buy", price: 100, qty: 11, account: "a" });
    expect(m.engine.stateHash()).toBe(before);
  });
});
