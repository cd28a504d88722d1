import { describe, expect, it } from "vitest";
import { marginedEngine } from "./margin-helpers.js";

/**
 * One position's life, long for L and short for its counterparty S, with the arithmetic written out.
 * Fees: maker 1000 ppm (0.1%), taker 2000 ppm (0.2%), each rounded up (against the account).
 * L always takes; S always makes.
 */
describe("PnL and fees on a worked example", () => {
  const m = marginedEngine();
  m.run(
    { type: "instrument", symbol: "X", makerFeePpm: 1000, takerFeePpm: 2000 },
    { type: "deposit", account: "L", amount: 1_000_000 },
    { type: "deposit", account: "S", amount: 1_000_000 },
    { type: "oracle", price: 100 },
  );
  const L = () => m.account("L");
  const S = () => m.account("S");
  const position = (name: string) => m.account(name).positions[0];
  const trade = (id: number, takerSide: "buy" | "sell", price: number, qty: number) => {
    const makerSide = takerSide === "buy" ? "sell" : "buy";
    const events = m.run(
      { type: "limit", id: id * 2, side: makerSide, price, qty, account: "S" },
      { type: "limit", id: id * 2 + 1, side: takerSide, price, qty, account: "L", tif: "IOC" },
    );
    expect(events.filter((e) => e.type === "fill").map((e) => (e.type === "fill" ? e.qty : 0))).toEqual([qty]);
  };

  it("opens: entry notional is the cost, fees are charged on notional", () => {
    // 10 @ 100: notional 1000; L pays ceil(1000 × 0.2%) = 2, S pays ceil(1000 × 0.1%) = 1.
    trade(1, "buy", 100, 10);
    expect(position("L")).toMatchObject({ qty: 10, entryNotional: 1000 });
    expect(position("S")).toMatchObject({ qty: -10, entryNotional: 1000 });
    expect(L().collateral).toBe(999_998);
    expect(S().collateral).toBe(999_999);
    expect(m.margin.feesCollected).toBe(3);
  });

  it("adds: entry notional accumulates, unrealized PnL uses the oracle", () => {
    // 5 @ 110: notional 550; L pays ceil(1.1) = 2, S pays ceil(0.55) = 1.
    trade(2, "buy", 110, 5);
    expect(position("L")).toMatchObject({ qty: 15, entryNotional: 1550 });
    expect(position("S")).toMatchObject({ qty: -15, entryNotional: 1550 });
    expect(L().collateral).toBe(999_996);
    expect(S().collateral).toBe(999_998);
    // At oracle 100: L's unrealized = 15 × 100 − 1550 = −50; S's = 1550 − 1500 = +50.
    expect(m.engine.account("L")).toMatchObject({ collateral: 999_996, equity: 999_946 });
    expect(m.engine.account("S")).toMatchObject({ collateral: 999_998, equity: 1_000_048 });
  });

  it("reduces: the released entry share rounds so that realized PnL rounds down for each side", () => {
    // 4 @ 120: notional 480; fees ceil(0.96) = 1 and ceil(0.48) = 1.
    // Share of entry: 1550 × 4 / 15 = 413.33…  L (long, sells) releases ceil = 414: realized 480 − 414 = 66.
    // S (short, buys) releases floor = 413: realized 413 − 480 = −67.
    trade(3, "sell", 120, 4);
    expect(position("L")).toMatchObject({ qty: 11, entryNotional: 1136 });
    expect(position("S")).toMatchObject({ qty: -11, entryNotional: 1137 });
    expect(L().collateral).toBe(999_996 + 66 - 1);
    expect(S().collateral).toBe(999_998 - 67 - 1);
    expect(m.margin.feesCollected).toBe(8);
  });

  it("flips: closes the whole position, then opens the rest at the fill price", () => {
    // 16 @ 90: notional 1440; fees ceil(2.88) = 3 and ceil(1.44) = 2.
    // L closes 11 (releases all 1136): realized 990 − 1136 = −146; opens short 5 @ 90 (entry 450).
    // S closes 11 (releases all 1137): realized 1137 − 990 = +147; opens long 5 @ 90.
    trade(4, "sell", 90, 16);
    expect(position("L")).toMatchObject({ qty: -5, entryNotional: 450 });
    expect(position("S")).toMatchObject({ qty: 5, entryNotional: 450 });
    expect(L().collateral).toBe(1_000_061 - 146 - 3);
    expect(S().collateral).toBe(999_930 + 147 - 2);
  });

  it("closes: qty and entry return to zero, and money is conserved to the unit", () => {
    // 5 @ 95: notional 475; fees ceil(0.95) = 1 and ceil(0.475) = 1.
    // L (short) realizes 450 − 475 = −25; S (long) realizes 475 − 450 = +25.
    trade(5, "buy", 95, 5);
    expect(position("L")).toMatchObject({ qty: 0, entryNotional: 0 });
    expect(position("S")).toMatchObject({ qty: 0, entryNotional: 0 });
    expect(L().collateral).toBe(999_912 - 25 - 1);
    expect(S().collateral).toBe(1_000_075 + 25 - 1);
    expect(m.margin.feesCollected).toBe(15);
    // The rounding of step 3 (66 vs −67) is undone by step 4 (−146 vs +147): realized PnL sums to zero.
    expect(L().collateral + S().collateral + m.margin.feesCollected).toBe(2_000_000);
    expect(m.engine.account("L")?.healthPpm).toBeNull();
  });
});

describe("maker rebates", () => {
  it("credits a negative maker fee rounded down and takes it from the fee pot", () => {
    const m = marginedEngine();
    m.run(
      { type: "instrument", symbol: "X", makerFeePpm: -1500, takerFeePpm: 2500 },
      { type: "deposit", account: "M", amount: 10_000 },
      { type: "deposit", account: "T", amount: 10_000 },
      { type: "oracle", price: 100 },
      { type: "limit", id: 1, side: "sell", price: 101, qty: 7, account: "M" },
      { type: "limit", id: 2, side: "buy", price: 101, qty: 7, account: "T" },
    );
    // notional 707: rebate floor(707 × 0.15%) = floor(1.0605) = 1; taker fee ceil(707 × 0.25%) = ceil(1.7675) = 2.
    expect(m.account("M").collateral).toBe(10_001);
    expect(m.account("T").collateral).toBe(9_998);
    expect(m.margin.feesCollected).toBe(1);
  });

  it("charges no fee to an order without an account", () => {
    const m = marginedEngine();
    m.run(
      { type: "instrument", symbol: "X", makerFeePpm: 1000, takerFeePpm: 2000 },
      { type: "deposit", account: "T", amount: 10_000 },
      { type: "oracle", price: 100 },
      { type: "limit", id: 1, side: "sell", price: 100, qty: 10 },
      { type: "limit", id: 2, side: "buy", price: 100, qty: 10, account: "T" },
    );
    expect(m.account("T").collateral).toBe(9_998);
    expect(m.margin.feesCollected).toBe(2);
  });
});
