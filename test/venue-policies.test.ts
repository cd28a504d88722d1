import { describe, expect, it } from "vitest";
import { coverLots, insuranceFee } from "../liquidator/drift-policy.js";
import { fillablePrice, liquidatableLots } from "../liquidator/dydx-policy.js";
import type { LiquidationMode } from "../liquidator/liquidation-params.js";
import { slippageBound } from "../liquidator/liquidation-slice.js";
import { equityOf, maintenanceOf } from "../liquidator/pre-trade-risk.js";
import type { Command, LiquidationParams } from "../protocol/commands.js";
import type { EventObject } from "../protocol/events.js";
import { type Margined, marginedEngine } from "./margin-helpers.js";

/**
 * The venue policies' key rules, each case worked by hand first. MM 5%, IM 10% on one bracket;
 * account a goes long at 1,000 from an unmargined seller; the venue's defaults unless said.
 */

type Of<T extends EventObject["type"]> = Extract<EventObject, { type: T }>;
const ofType = <T extends EventObject["type"]>(events: readonly EventObject[], type: T): Of<T>[] =>
  events.filter((e): e is Of<T> => e.type === type);

const TIERS = [{ maxNotional: 1e12, imrPpm: 100_000, mmrPpm: 50_000 }];
const SECOND = 1_000_000_000;

/** a: long `lots` at 1,000 on `collateral`; then the bids given rest; the oracle still at 1,000. */
function longAccount(
  mode: LiquidationMode,
  lots: number,
  collateral: number,
  bids: readonly [number, number][],
  liquidation: LiquidationParams = {},
): Margined {
  const m = marginedEngine({ liquidation: mode });
  const setup: Command[] = [
    { type: "instrument", symbol: "X", tiers: TIERS, liquidation },
    { type: "oracle", price: 1000 },
    { type: "deposit", account: "a", amount: collateral },
    { type: "limit", id: "s", side: "sell", price: 1000, qty: lots },
    { type: "limit", id: "a", side: "buy", price: 1000, qty: lots, account: "a" },
  ];
  for (const [i, [price, qty]] of bids.entries()) setup.push({ type: "limit", id: `bid${i}`, side: "buy", price, qty });
  m.run(...setup);
  expect(m.account("a").positions[0]?.qty).toBe(lots);
  return m;
}

describe("hyperliquid", () => {
  /**
   * Long 200 on 20,000; oracle 945: equity 20,000 − 11,000 = 9,000 against MM 9,450 (95.2%, above
   * 2/3). Notional 189,000 > 100,000 and no partial before: 20% goes, 40 lots, to the 944 bid. After
   * it: collateral 20,000 − 40 × 56 = 17,760, long 160: equity 17,760 − 8,800 = 8,960 over MM 7,560.
   */
  function partialCase(): Margined {
    const m = longAccount("hyperliquid", 200, 20_000, [
      [944, 40],
      [900, 500],
    ]);
    const events = m.run({ type: "oracle", price: 945, ts: SECOND });
    const orders = ofType(events, "liquidation_order");
    expect(orders.map((o) => [o.side, o.qty, o.price])).toEqual([["sell", 40, 1]]); // a market order
    expect(ofType(events, "liquidation_reduced").map((r) => [r.qty, r.notional, r.penalty])).toEqual([[40, 37_760, 0]]);
    expect(m.account("a").positions[0]?.qty).toBe(160);
    expect(equityOf(m.account("a"))).toBe(8_960);
    expect(m.account("a").stage).toBe(0); // healthy: the trader keeps the rest
    return m;
  }

  it("sends 20% of a position over 100,000 as its first liquidation, and stops at the maintenance margin", () => {
    partialCase();
  });

  it("takes the whole position when it breaches again inside the 30 s cooldown", () => {
    const m = partialCase();
    // 10 s later, oracle 935: equity 17,760 − 10,400 = 7,360 < MM 7,480; notional 149,600 > 100,000,
    // but inside the cooldown: the whole 160 go, to the 900 bid.
    const events = m.run({ type: "oracle", price: 935, ts: 11 * SECOND });
    expect(ofType(events, "liquidation_order").map((o) => o.qty)).toEqual([160]);
    expect(m.account("a").positions[0]?.qty).toBe(0);
  });

  it("is partial again after the cooldown", () => {
    const m = partialCase();
    // 40 s later: ⌈160 × 20%⌉ = 32 lots.
    const events = m.run({ type: "oracle", price: 935, ts: 41 * SECOND });
    expect(ofType(events, "liquidation_order").map((o) => o.qty)).toEqual([32]);
  });

  it("sends a position at or under 100,000 whole", () => {
    // Long 100 on 10,000, oracle 945: notional 94,500 ≤ 100,000: one order for all 100.
    const m = longAccount("hyperliquid", 100, 10_000, [[940, 500]]);
    const events = m.run({ type: "oracle", price: 945, ts: SECOND });
    expect(ofType(events, "liquidation_order").map((o) => o.qty)).toEqual([100]);
  });
});

describe("dydx", () => {
  /**
   * Long 100 on 10,000; oracle 945: equity 4,500, MM 4,725 (95.2%). ABR = 1 − 4,500 / 4,725 =
   * 225 / 4,725; with SMMR 150% the spread is ABR × 1.5 × PMMR = 337.5, so the fillable price is
   * (94,500 − 337.5) / 100 = 941.625, rounded up for a sell: 942. The block limit: 10% of 94,500 =
   * 9,450 (over the 1,000 minimum, under 100,000 a block): ⌊9,450 / 945⌋ = 10 lots.
   */
  it("sends one IOC at the fillable price for 10% of the position, its fee bounded by 1.5%", () => {
    const m = longAccount("dydx", 100, 10_000, [
      [943, 5],
      [942, 10],
      [941, 100],
    ]);
    const events = m.run({ type: "oracle", price: 945, ts: SECOND });
    const a = m.account("a");
    const p = a.positions[0];
    expect(ofType(events, "liquidation_order").map((o) => [o.qty, o.price])).toEqual([[10, 942]]);
    // 5 at 943 + 5 at 942 = 9,425; fee min(1.5% × 9,425 = 141, room −25 + ⌊4,500 × 472 / 4,725⌋ = 424).
    expect(ofType(events, "liquidation_reduced").map((r) => [r.qty, r.notional, r.penalty])).toEqual([
      [10, 9_425, 141],
    ]);
    expect(p?.qty).toBe(90);
    // 10,000 − 575 − 141 = 9,284; equity 9,284 − 4,950 = 4,334 over MM 4,253: back at 100%, done.
    expect(a.collateral).toBe(9_284);
    expect(equityOf(a)).toBe(4_334);
    expect(a.stage).toBe(0);
    expect(m.margin.insuranceFund).toBe(141);
  });

  it("computes the fillable price and the block limit as GetFillablePrice and GetLiquidatablePositionSizeDelta", () => {
    const m = longAccount("dydx", 100, 10_000, []);
    m.run({ type: "oracle", price: 945, ts: SECOND });
    const a = m.account("a");
    const p = a.positions[0];
    if (p === undefined) throw new Error("no position");
    expect(fillablePrice(p, equityOf(a), maintenanceOf(a))).toBe(942);
    expect(liquidatableLots(p)).toBe(10);
    // At zero equity or below ABR is 1: 945 × (1 − 1.5 × 5%) = 874.125 → 875.
    expect(fillablePrice(p, 0, maintenanceOf(a))).toBe(875);
    expect(fillablePrice(p, -100, maintenanceOf(a))).toBe(875);
  });

  it("sends at most one order per account per block", () => {
    // Only 2 lots at 943 inside the fillable price: the account stays in breach after the first
    // order; the next goes one block (1 s of command time) later, not before.
    const m = longAccount("dydx", 100, 10_000, [
      [943, 2],
      [800, 1000],
    ]);
    const first = m.run({ type: "oracle", price: 945, ts: SECOND });
    expect(ofType(first, "liquidation_order").length).toBe(1);
    const inBlock = m.run({ type: "tick", ts: SECOND + 500_000_000 }, { type: "tick", ts: 2 * SECOND - 1 });
    expect(ofType(inBlock, "liquidation_order")).toEqual([]);
    const next = m.run({ type: "limit", id: "b943", side: "buy", price: 943, qty: 50, ts: 2 * SECOND });
    expect(ofType(next, "liquidation_order").length).toBe(1);
  });
});

describe("drift", () => {
  /**
   * Long 100 on 10,000; oracle 945: equity 4,500, MM 4,725, buffer 2% × 94,500 = 1,890: shortage
   * 6,615 − 4,500 = 2,115. The insurance fee clamp: 95% × (5% + 2% − 1% − 2,115 / 94,500) = 3.57%,
   * so the 1% fee stands. Each lot frees 945 × (5% + 2% − 1% − 1%) = 47.25: ⌈2,115 / 47.25⌉ = 45
   * lots; 44 free 2,079, short of it.
   */
  it("covers the shortage with the fewest whole lots, one lot fewer not covering it", () => {
    const m = longAccount("drift", 100, 10_000, []);
    m.run({ type: "oracle", price: 945, ts: SECOND });
    const p = m.account("a").positions[0];
    if (p === undefined) throw new Error("no position");
    expect(insuranceFee(p, 2_115)).toBe(10_000);
    expect(coverLots(p, 2_115, 10_000)).toBe(45);
    expect(44 * 47.25).toBeLessThan(2_115);
    expect(45 * 47.25).toBeGreaterThanOrEqual(2_115);
  });

  it("takes 10% of the shortage's lots at first and the rest as the share ramps over 60 s", () => {
    // At the start the share is 10%: 211 of 2,115 may be freed, ⌈45 × 211 / 2,115⌉ = 5 lots, to the
    // book at the liquidator's price ⌈945 × 99%⌉ = 936 or better; the fund gets 1% × 5 × 945 = 47.
    const m = longAccount("drift", 100, 10_000, [[940, 1000]]);
    const events = m.run({ type: "oracle", price: 945, ts: SECOND });
    expect(ofType(events, "liquidation_order").map((o) => [o.qty, o.price])).toEqual([[5, 936]]);
    expect(ofType(events, "liquidation_reduced").map((r) => r.penalty)).toEqual([47]);
    // Nothing more at once: the freed margin has reached its share.
    const same = m.run({ type: "tick", ts: SECOND + 1 });
    expect(ofType(same, "liquidation_order")).toEqual([]);
    // After the ramp the account is worked until it covers MM + buffer, and it leaves liquidation there.
    m.run({ type: "tick", ts: 62 * SECOND });
    const a = m.account("a");
    expect(a.stage).toBe(0);
    const p = a.positions[0];
    if (p === undefined) throw new Error("no position");
    const buffered = maintenanceOf(a) + Math.ceil((p.notional() * 20_000) / 1_000_000);
    expect(equityOf(a)).toBeGreaterThanOrEqual(buffered);
    expect(a.liquidationSince).toBe(-1);
  });
});

describe("the venue parameters", () => {
  it("are checked field by field, and a rejected instrument changes nothing", () => {
    const m = marginedEngine({ liquidation: "dydx" });
    const before = m.engine.stateHash();
    const bad: LiquidationParams[] = [
      { dydx: { bogus: 1 } as never },
      { drift: { bufferPpm: 1_000_001 } },
      { hyperliquid: { cooldownNs: -1 } },
      { dydx: { spreadToMmrPpm: 100_000_001 } },
      { drift: [] as never },
    ];
    for (const liquidation of bad) {
      const events = m.run({ type: "instrument", symbol: "X", liquidation });
      expect(events.map((e) => (e.type === "rejected" ? e.reason : e.type))).toEqual(["INVALID_LIQUIDATION"]);
    }
    expect(m.engine.stateHash()).toBe(before);
    expect(
      m.run({ type: "instrument", symbol: "X", liquidation: { dydx: { spreadToMmrPpm: 2_000_000 } } })[0]?.type,
    ).toBe("accepted");
  });

  it("enter the state hash only when given", () => {
    const plain = marginedEngine({ liquidation: "drift" });
    plain.run({ type: "instrument", symbol: "X" });
    const defaults = marginedEngine({ liquidation: "drift" });
    defaults.run({ type: "instrument", symbol: "X", liquidation: {} });
    const tuned = marginedEngine({ liquidation: "drift" });
    tuned.run({ type: "instrument", symbol: "X", liquidation: { drift: { rampNs: 0 } } });
    expect(tuned.engine.stateHash()).not.toBe(defaults.engine.stateHash());
    expect(plain.engine.stateHash()).not.toBe(tuned.engine.stateHash());
  });
});

describe("the slippage bound that widens as health falls (dYdX's ABR, an option)", () => {
  it("adds slippageWidenPpm × (1 − equity / MM) to the bound", () => {
    // Health 4,500 / 4,725: ABR = 225 / 4,725; widen 10%: +⌊100,000 × 225 / 4,725⌋ = 4,761 ppm, so the
    // bound is 1.4761% below 945: ⌈945 × (1 − 0.014761)⌉ = 932 (931.05… up), against 936 without.
    const widened = longAccount("soft", 100, 10_000, [[900, 1000]], {
      slippageWidenPpm: 100_000,
      maxSlippagePpm: 10_000,
    });
    const plain = longAccount("soft", 100, 10_000, [[900, 1000]], { maxSlippagePpm: 10_000 });
    const [a] = widened.account("a").positions;
    const [b] = plain.account("a").positions;
    widened.run({ type: "oracle", price: 945, ts: SECOND });
    plain.run({ type: "oracle", price: 945, ts: SECOND });
    if (a === undefined || b === undefined) throw new Error("no position");
    expect(slippageBound(a)).toBe(932);
    expect(slippageBound(b)).toBe(936);
  });
});
