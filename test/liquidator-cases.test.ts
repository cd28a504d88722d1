import { describe, expect, it } from "vitest";
import type { LiquidationMode } from "../liquidator/liquidation-params.js";
import type { MarginEngine } from "../liquidator/margin-engine.js";
import { equityOf } from "../liquidator/pre-trade-risk.js";
import type { Command } from "../protocol/commands.js";
import type { EventObject } from "../protocol/events.js";
import { type Margined, marginedEngine } from "./margin-helpers.js";
import { HAND_WORKED } from "./support/hand-worked.js";

/** Issue 19's cases, each worked by hand first: MM 5% on one bracket unless said. */

type Of<T extends EventObject["type"]> = Extract<EventObject, { type: T }>;
const ofType = <T extends EventObject["type"]>(events: readonly EventObject[], type: T): Of<T>[] =>
  events.filter((e): e is Of<T> => e.type === type);

const MM5_IM5 = [{ maxNotional: 1e12, imrPpm: 50_000, mmrPpm: 50_000 }];
const MM5_IM10 = [{ maxNotional: 1e12, imrPpm: 100_000, mmrPpm: 50_000 }];

function engine(mode: LiquidationMode = "soft"): Margined {
  return marginedEngine({ liquidation: mode });
}

describe("the bankruptcy price", () => {
  it("includes the taker fee the close will pay: a 95%-healthy account is never left owing", () => {
    // Taker fee 0.1%, bound 10%; long 100 at 1,000 with 10,000 after the opening fee; bids only 900 × 200;
    // oracle 945: equity 4,500 (95%). Selling all 100 at 900 loses 4,500 and pays a fee of 90: the old
    // limit, 945 − 4,500 / 100 = 900, let it through and left the account flat owing 90. With the fee
    // (and one unit a lot held back for the per-fill rounding): ceil((94,500 − 4,400) / (100 × 0.999)) = 902.
    const m = engine();
    m.run(
      {
        type: "instrument",
        symbol: "X",
        tiers: MM5_IM10,
        takerFeePpm: 1_000,
        liquidation: { ...HAND_WORKED, maxSlippagePpm: 100_000 },
      },
      { type: "oracle", price: 1000 },
      { type: "deposit", account: "a", amount: 10_100 },
      { type: "limit", id: "s", side: "sell", price: 1000, qty: 100 },
      { type: "limit", id: "a", side: "buy", price: 1000, qty: 100, account: "a" },
      { type: "limit", id: "bid", side: "buy", price: 900, qty: 200 },
    );
    expect(m.account("a").collateral).toBe(10_000);
    const events = m.run({ type: "oracle", price: 945, ts: 1 }, { type: "tick", ts: 1_000_000_000 });
    expect(ofType(events, "fill")).toEqual([]); // 900 is past the bankruptcy price 902: it waits
    expect(ofType(events, "liquidation_insurance")).toEqual([]);
    expect(equityOf(m.account("a"))).toBe(4_500);
    // A bid at the bankruptcy price fills, and leaves the account above zero.
    const later = m.run({ type: "limit", id: "b902", side: "buy", price: 902, qty: 200, ts: 2_000_000_000 });
    expect(ofType(later, "fill").filter((f) => f.liquidation).length).toBeGreaterThan(0);
    expect(equityOf(m.account("a"))).toBeGreaterThanOrEqual(0);
  });
});

describe("auto-deleveraging", () => {
  /**
   * IM = MM = 5%. b: 2,400, long 40 at 1,000 from an unmargined seller (at 940 its equity is exactly 0).
   * s6: 1,200, short 20 at 935 to an unmargined buyer. No bids. Oracle 930: b's equity 2,400 − 2,800 =
   * −400 and the fund is empty: bankruptcy price 930 + 400 / 40 = 940, 10 above the oracle. s6's profit
   * at 930 is 20 × 5 = 100: it gives up at most that, 10 lots at 940 (10 × 10 = 100). Then s6 is short
   * 10 at 935 with −50 realized and +50 unrealized: nothing left to give, however many turns follow
   * (the old rule looked at the unrealized 50 alone and took 5 more lots, then 2, …).
   */
  function adlCase(): Margined {
    const m = engine();
    m.run(
      { type: "instrument", symbol: "X", tiers: MM5_IM5, liquidation: HAND_WORKED },
      { type: "oracle", price: 1000 },
      { type: "deposit", account: "b", amount: 2_400 },
      { type: "deposit", account: "s6", amount: 1_200 },
      { type: "limit", id: "u-sell", side: "sell", price: 1000, qty: 40 },
      { type: "limit", id: "b-buy", side: "buy", price: 1000, qty: 40, account: "b" },
      { type: "oracle", price: 940 },
      { type: "limit", id: "s6-sell", side: "sell", price: 935, qty: 20, account: "s6" },
      { type: "limit", id: "u-buy", side: "buy", price: 935, qty: 20 },
    );
    return m;
  }

  it("takes at most a counterparty's profit over its position's life, not again on later turns", () => {
    const m = adlCase();
    expect(m.account("s6").positions[0]?.qty).toBe(-20);
    const events = m.run(
      { type: "oracle", price: 930, ts: 1 },
      { type: "tick", ts: 1_000 },
      { type: "tick", ts: 2_000 },
      { type: "tick", ts: 3_000 },
    );
    expect(ofType(events, "liquidation_adl")).toEqual([
      expect.objectContaining({ account: "b", counterparty: "s6", side: "sell", price: 940, qty: 10 }),
    ]);
    expect(m.account("s6").positions[0]?.qty).toBe(-10);
    expect(m.account("s6").positions[0]?.realizedPnl).toBe(-50);
    expect(equityOf(m.account("s6"))).toBe(1_200); // 1,200 + 100 of profit at 930, all given up
  });
});

describe("an account entering liquidation", () => {
  it("has its resting orders that would increase the position cancelled (reason LIQUIDATION)", () => {
    // a: long 100 at 1,000 on 10,000 (MM 5%, IM 10%) with a resting bid 940 × 15 (it would grow the
    // long) and a reduce-only ask; oracle 945 breaches it. Another account's child would have filled
    // the bid and grown the long by 15 while it was being reduced.
    const m = engine();
    const events = m.run(
      {
        type: "instrument",
        symbol: "X",
        tiers: MM5_IM10,
        liquidation: { ...HAND_WORKED, participationPpm: 1_000_000 },
      },
      { type: "oracle", price: 1000 },
      { type: "deposit", account: "a", amount: 12_000 },
      { type: "limit", id: "s", side: "sell", price: 1000, qty: 100 },
      { type: "limit", id: "a-open", side: "buy", price: 1000, qty: 100, account: "a" },
      { type: "limit", id: "a-bid", side: "buy", price: 940, qty: 15, account: "a" },
      { type: "limit", id: "a-ro", side: "sell", price: 1100, qty: 10, account: "a", reduceOnly: true },
      { type: "limit", id: "bid", side: "buy", price: 944, qty: 500 },
      { type: "oracle", price: 925, ts: 1 },
    );
    const cancelled = ofType(events, "cancelled").filter((c) => c.reason === "LIQUIDATION");
    expect(cancelled.map((c) => [c.id, c.remaining])).toEqual([["a-bid", 15]]);
    expect(m.engine.order("a-ro")).not.toBeNull(); // reduce-only: it can only shrink the position
    expect(m.account("a").positions[0]?.openBuyQty).toBe(0);
  });
});

describe("an account holding several positions", () => {
  /**
   * Cross margin, MM 5%, IM 10%: a long 100 X and 60 Y at 1,000 on 18,000; both oracles at 945:
   * equity 18,000 − 8,800 = 9,200 against MM 4,725 + 2,835 = 7,560 (121.7%), below... then Y falls to
   * 900 (equity 6,500 against 7,425: 87.5%). X's book is thin near the oracle (940 × 30, then 900);
   * Y's is deep at 899. Largest MM first works X: selling X at 940 and 900 costs more than Y at 899.
   */
  function twoLegs(): { m: Margined; events: EventObject[] } {
    const m = engine();
    const liquidation = { participationPpm: 1_000_000, marketParticipationPpm: 1_000_000, maxSlippagePpm: 60_000 };
    const flow: Command[] = [
      { type: "instrument", symbol: "X", tiers: MM5_IM10, liquidation: { ...HAND_WORKED, ...liquidation } },
      { type: "instrument", symbol: "Y", tiers: MM5_IM10, liquidation: { ...HAND_WORKED, ...liquidation } },
      { type: "oracle", symbol: "X", price: 1000 },
      { type: "oracle", symbol: "Y", price: 1000 },
      { type: "deposit", account: "a", amount: 18_000 },
      { type: "limit", id: "sx", symbol: "X", side: "sell", price: 1000, qty: 100 },
      { type: "limit", id: "ax", symbol: "X", side: "buy", price: 1000, qty: 100, account: "a" },
      { type: "limit", id: "sy", symbol: "Y", side: "sell", price: 1000, qty: 60 },
      { type: "limit", id: "ay", symbol: "Y", side: "buy", price: 1000, qty: 60, account: "a" },
      { type: "limit", id: "bx1", symbol: "X", side: "buy", price: 940, qty: 30 },
      { type: "limit", id: "bx2", symbol: "X", side: "buy", price: 900, qty: 100 },
      { type: "limit", id: "by", symbol: "Y", side: "buy", price: 899, qty: 200 },
      { type: "oracle", symbol: "X", price: 945, ts: 1 },
    ];
    m.run(...flow);
    const events = m.run({ type: "oracle", symbol: "Y", price: 900, ts: 2 });
    return { m, events };
  }

  it("works first the position whose partial close restores the target with the least notional", () => {
    const { m, events } = twoLegs();
    const reduced = ofType(events, "liquidation_reduced");
    expect(reduced[0]?.symbol).toBe("Y");
    expect(reduced.every((r) => r.symbol === "Y")).toBe(true);
    expect(ofType(events, "liquidation_stage").at(-1)?.stage).toBe("restored");
    const fund = (m.engine.marginEngine as MarginEngine).insuranceFund;
    expect(fund).toBe(reduced.reduce((n, r) => n + r.penalty, 0));
  });
});

describe("the participation share", () => {
  it("weighs depth by its distance from the touch: far lots cannot size a child that sells most of itself there", () => {
    // Long 100 on 10,000 at 945 (95.2%): 10 lots at 945 and one 1,000-lot bid at 936, the 1% bound.
    // Unweighted, 10% of 1,010 lots made a child of 101 lots (capped by the close quantity), most sold
    // at 936. Weighted: 10 + 1,000 × (1 − 0.9 × 9 / 10) = 10 + 190 = 200 → a child of 20, 10 of them at 936.
    const m = engine();
    m.run(
      { type: "instrument", symbol: "X", tiers: MM5_IM10, liquidation: { ...HAND_WORKED, sliceIntervalNs: 1_000 } },
      { type: "oracle", price: 1000 },
      { type: "deposit", account: "a", amount: 10_000 },
      { type: "limit", id: "s", side: "sell", price: 1000, qty: 100 },
      { type: "limit", id: "a", side: "buy", price: 1000, qty: 100, account: "a" },
      { type: "limit", id: "near", side: "buy", price: 945, qty: 10 },
      { type: "limit", id: "far", side: "buy", price: 936, qty: 1_000 },
    );
    const events = m.run({ type: "oracle", price: 945, ts: 1 });
    expect(ofType(events, "liquidation_order")[0]).toMatchObject({ qty: 20, price: 936 });
  });
});

describe("the market-wide cap", () => {
  /**
   * IM = MM = 5%: a1 … a5 each long 100 at 1,000 on 10,000, 9,900, … 9,600; one bid level, 945 × 300,
   * at the touch (its lots count fully). The oracle falls to 945: equity 4,500, 4,400, … 4,100 against
   * MM 4,725 each (95.2% down to 86.8%). Each account's own share is 10% of the depth; the market's is
   * 25% of 300 = 75 per interval, allocated at the window's opening lowest health first: a5 30, a4 30,
   * a3 15, a2 and a1 nothing. The turn then visits them in creation order: a1 and a2 wait for the next
   * window; a3 sends its 15; a4 its own 10% of the 285 left, 28; a5 10% of 257, 25: 68 lots in all.
   */
  function five(marketParticipationPpm: number): { m: Margined; events: EventObject[] } {
    const m = engine();
    const liquidation = { marketParticipationPpm, sliceIntervalNs: 1_000 };
    const flow: Command[] = [
      { type: "instrument", symbol: "X", tiers: MM5_IM5, liquidation: { ...HAND_WORKED, ...liquidation } },
      { type: "oracle", price: 1000 },
    ];
    for (let i = 0; i < 5; i++) {
      const name = `a${i + 1}`;
      flow.push(
        { type: "deposit", account: name, amount: 10_000 - 100 * i },
        { type: "limit", id: `s${i}`, side: "sell", price: 1000, qty: 100 },
        { type: "limit", id: `b${i}`, side: "buy", price: 1000, qty: 100, account: name },
      );
    }
    flow.push({ type: "limit", id: "bid", side: "buy", price: 945, qty: 300 });
    m.run(...flow);
    const events = m.run({ type: "oracle", price: 945, ts: 1 });
    return { m, events };
  }

  const closedBy = (events: EventObject[]): Record<string, number> => {
    const out: Record<string, number> = {};
    for (const r of ofType(events, "liquidation_reduced")) out[r.account] = (out[r.account] ?? 0) + r.qty;
    return out;
  };

  it("bounds all accounts' children on one side together, lowest health first", () => {
    const { m, events } = five(250_000);
    expect(closedBy(events)).toEqual({ a3: 15, a4: 28, a5: 25 });
    // a1 and a2 wait for the next window, one interval on, and then go on.
    expect(m.account("a1").positions[0]?.nextSliceAt).toBe(1_001);
    const later = closedBy(m.run({ type: "tick", ts: 1_001 }));
    expect(later.a1 as number).toBeGreaterThan(0);
  });

  it("without it (100%), the same move lets every account take its own share of the same depth", () => {
    const closed = closedBy(five(1_000_000).events);
    expect(Object.keys(closed)).toHaveLength(5);
    expect(Object.values(closed).reduce((n, q) => n + q, 0)).toBeGreaterThan(100);
  });
});
