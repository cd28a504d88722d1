import { describe, expect, it } from "vitest";
import { DEFAULT_TIERS, TierTable } from "../liquidator/margin-tiers.js";
import { marginedEngine } from "./margin-helpers.js";

describe("tiered margin", () => {
  const tiers = new TierTable(DEFAULT_TIERS);

  it("applies a bracket's rate up to and including its maxNotional", () => {
    // 50,000 USDT = 5e10 quote units: 0.4% MMR, 0.8% IMR.
    expect(tiers.tierOf(50_000_000_000)).toBe(0);
    expect(tiers.maintenance(50_000_000_000)).toBe(200_000_000);
    expect(tiers.initial(50_000_000_000)).toBe(400_000_000);
  });

  it("moves the whole notional to the next rate one unit above the boundary, rounding up", () => {
    expect(tiers.tierOf(50_000_000_001)).toBe(1);
    // 50,000,000,001 × 0.5% = 250,000,000.005 → 250,000,001
    expect(tiers.maintenance(50_000_000_001)).toBe(250_000_001);
    expect(tiers.initial(50_000_000_001)).toBe(500_000_001);
  });

  it("follows Binance's 2021 BTCUSDT maintenance rates bracket by bracket", () => {
    const usdt = 1_000_000;
    const rates = [
      [50_000, 4_000],
      [250_000, 5_000],
      [1_000_000, 10_000],
      [10_000_000, 25_000],
      [20_000_000, 50_000],
      [50_000_000, 100_000],
      [100_000_000, 125_000],
      [200_000_000, 150_000],
      [300_000_000, 250_000],
    ];
    for (const [cap, mmr] of rates) {
      const t = tiers.tierOf((cap as number) * usdt);
      expect(tiers.mmrPpm(t)).toBe(mmr);
    }
    expect(tiers.mmrPpm(tiers.tierOf(300_000_001 * usdt))).toBe(500_000);
    expect(tiers.imrPpm(tiers.tierOf(300_000_001 * usdt))).toBe(1_000_000);
  });

  it("uses the last bracket beyond every maxNotional of a custom table", () => {
    const custom = new TierTable([
      { maxNotional: 1000, imrPpm: 100_000, mmrPpm: 50_000 },
      { maxNotional: 5000, imrPpm: 200_000, mmrPpm: 100_000 },
    ]);
    expect(custom.maintenance(1000)).toBe(50);
    expect(custom.maintenance(1001)).toBe(101); // 100.1 rounds up
    expect(custom.maintenance(9000)).toBe(900);
  });

  it("charges a one-bracket table's rates on every notional, beyond its maxNotional too", () => {
    const one = new TierTable([{ maxNotional: 1000, imrPpm: 100_000, mmrPpm: 50_000 }]);
    expect(one.maintenance(999)).toBe(50); // 49.95 rounds up
    expect(one.maintenance(1000)).toBe(50);
    expect(one.maintenance(10_000)).toBe(500);
    expect(one.initial(10_001)).toBe(1001); // 1000.1 rounds up
  });

  it("bounds the initial margin of every notional up to a point by the highest rate so far", () => {
    // The rates fall from the first bracket to the second: a notional in the second may need less
    // than one in the first, and the bound of the second holds for both.
    const falling = new TierTable([
      { maxNotional: 1000, imrPpm: 100_000, mmrPpm: 50_000 },
      { maxNotional: 5000, imrPpm: 40_000, mmrPpm: 20_000 },
    ]);
    expect(falling.initial(1000)).toBe(100);
    expect(falling.initial(2000)).toBe(80);
    expect(falling.initialUpTo(2000)).toBe(200);
    expect(falling.initialUpTo(1000)).toBe(100);
  });

  it("reports health against the maintenance margin of the position's bracket", () => {
    const m = marginedEngine();
    m.run(
      {
        type: "instrument",
        symbol: "X",
        tiers: [
          { maxNotional: 1000, imrPpm: 100_000, mmrPpm: 50_000 },
          { maxNotional: 5000, imrPpm: 200_000, mmrPpm: 100_000 },
        ],
      },
      { type: "deposit", account: "a", amount: 1000 },
      { type: "oracle", price: 100 },
      { type: "limit", id: 1, side: "sell", price: 100, qty: 10 },
      { type: "limit", id: 2, side: "buy", price: 100, qty: 10, account: "a" },
    );
    // notional 1000, first bracket: MM 50, equity 1000 → health 20,000,000 ppm.
    expect(m.engine.account("a")?.healthPpm).toBe(20_000_000);
    // oracle 101: notional 1010 is in the second bracket: MM 101, equity 1010 → 10,000,000 ppm.
    m.run({ type: "oracle", price: 101 });
    expect(m.engine.account("a")).toMatchObject({ equity: 1010, healthPpm: 10_000_000 });
  });
});
