import { readFileSync } from "node:fs";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exportState, restoreState } from "../engine/state-snapshot.js";
import { Engine } from "../exchange.js";
import type { LiquidationMode } from "../liquidator/liquidation-params.js";
import type { MarginEngine } from "../liquidator/margin-engine.js";
import { healthPpmOf } from "../liquidator/money.js";
import { slicePenalty } from "../liquidator/penalty.js";
import { equityOf, maintenanceOf } from "../liquidator/pre-trade-risk.js";
import type { Command, LiquidationParams } from "../protocol/commands.js";
import { type EventObject, eventToJson, eventToObject } from "../protocol/events.js";
import { marginedFlow, PREAMBLE } from "./margin-flows.js";
import { type Margined, marginedEngine } from "./margin-helpers.js";
import { HAND_WORKED } from "./support/hand-worked.js";

type Of<T extends EventObject["type"]> = Extract<EventObject, { type: T }>;

function ofType<T extends EventObject["type"]>(events: readonly EventObject[], type: T): Of<T>[] {
  return events.filter((e): e is Of<T> => e.type === type);
}

/** MM 5% on one bracket, IM 10%: health = equity / (5% of |qty| × oracle). */
const TIERS = [{ maxNotional: 1e12, imrPpm: 100_000, mmrPpm: 50_000 }];

interface Setup {
  mode?: LiquidationMode;
  liquidation?: LiquidationParams;
  collateral?: number;
  /** Account `a`'s position: long (> 0) or short, opened at 1,000. */
  qty?: number;
  /** Resting orders of others on the side the position closes against: [price, qty]. */
  depth?: [number, number][];
}

/** Account `a` holds `qty` lots opened at oracle 1,000 with `collateral`; the book holds `depth`. */
function setupFlow(s: Setup = {}): Command[] {
  const qty = s.qty ?? 100;
  const long = qty > 0;
  return [
    {
      type: "instrument",
      symbol: "X",
      tiers: TIERS,
      liquidation: { ...HAND_WORKED, sliceIntervalNs: 1_000, ...s.liquidation },
    },
    { type: "oracle", price: 1000 },
    { type: "deposit", account: "a", amount: s.collateral ?? 10_000 },
    { type: "limit", id: "open-maker", side: long ? "sell" : "buy", price: 1000, qty: Math.abs(qty) },
    { type: "limit", id: "open", side: long ? "buy" : "sell", price: 1000, qty: Math.abs(qty), account: "a" },
    ...(s.depth ?? []).map(
      ([price, lots], n): Command => ({ type: "limit", id: `d${n}`, side: long ? "buy" : "sell", price, qty: lots }),
    ),
  ];
}

/** setupFlow applied to an engine of the given mode (soft by default). */
function setup(s: Setup = {}): Margined {
  const m = marginedEngine({ liquidation: s.mode ?? "soft" });
  m.run(...setupFlow(s));
  return m;
}

function health(m: Margined, name = "a"): number | null {
  const a = m.account(name);
  const mm = maintenanceOf(a);
  return mm === 0 ? null : healthPpmOf(equityOf(a), mm);
}

/** A ladder of `levels` levels of `lots` each, from `top` one tick apart away from the oracle. */
function ladder(top: number, levels: number, lots: number, step = -1): [number, number][] {
  return Array.from({ length: levels }, (_, i) => [top + step * i, lots] as [number, number]);
}

describe("the soft liquidator", () => {
  it("closes the smallest quantity that restores the target health, in one child when the share allows", () => {
    // Long 100 from 1,000 on 10,000; at 945: equity 4,500 against MM 4,725 (95%).
    const m = setup({ depth: ladder(950, 20, 50), liquidation: { participationPpm: 1_000_000 } });
    const events = m.run({ type: "oracle", price: 945, ts: 1000 });
    const [child] = ofType(events, "liquidation_order");
    expect(child).toMatchObject({ account: "a", symbol: "X", side: "sell", id: "liq:1" });
    const closed = ofType(events, "liquidation_reduced");
    expect(closed).toHaveLength(1);
    const h = health(m) as number;
    expect(h).toBeGreaterThanOrEqual(1_250_000);
    expect(ofType(events, "liquidation_stage").map((e) => e.stage)).toEqual(["breach", "restored"]);
    // One lot fewer would not have done: replay the same state with that child by hand.
    const q = closed[0]?.qty as number;
    const fewer = marginedEngine({ liquidation: "off" });
    const before = setup({ depth: ladder(950, 20, 50), mode: "off" });
    before.run({ type: "oracle", price: 945, ts: 1000 });
    restoreState(exportState(before.engine), fewer.engine);
    const a = fewer.account("a");
    const [e0, m0] = [equityOf(a), maintenanceOf(a)];
    const fills = fewer.run({ type: "limit", id: "x", side: "sell", price: 1, qty: q - 1, tif: "IOC", account: "a" });
    const notional = ofType(fills, "fill").reduce((n, f) => n + f.price * f.qty, 0);
    const [e1, m1] = [equityOf(a), maintenanceOf(a)];
    const penalty = slicePenalty(5_000, 500_000, notional, e0, m0, e1 - e0, m0 - m1); // as the liquidator charges it
    expect(healthPpmOf(e1 - penalty, m1)).toBeLessThan(1_250_000);
  });

  it("slices: a child takes at most participationPpm of the depth inside the bound, then waits sliceIntervalNs", () => {
    // 10% of the depth inside the 1% bound (945..936: 10 levels × 10 lots), each level weighted by its
    // distance from the touch, 1 − 0.9 × k / 10 (the bound is ceil(9.45) = 10 ticks wide): 10 + 9 + 8 + … + 1 = 55 → 5.
    const m = setup({ depth: ladder(945, 20, 10), liquidation: { sliceIntervalNs: 1_000_000 } });
    const first = m.run({ type: "oracle", price: 945, ts: 1_000 });
    const [child] = ofType(first, "liquidation_order");
    expect(child).toMatchObject({ price: 936, qty: 5 }); // bound ceil(945 × 0.99) = 936
    // Within the interval: nothing more, however many commands pass.
    expect(ofType(m.run({ type: "tick", ts: 500_000 }, { type: "tick", ts: 1_000_999 }), "liquidation_order")).toEqual(
      [],
    );
    const next = ofType(m.run({ type: "tick", ts: 1_001_000 }), "liquidation_order");
    expect(next).toHaveLength(1);
    expect(m.account("a").positions[0]?.nextSliceAt).toBe(2_001_000);
  });

  it("in stage 2 doubles the share and halves the interval", () => {
    // At 935: equity 3,500 against MM 4,675 (74.9%, below stage 2's 80%).
    const m = setup({ depth: ladder(935, 20, 10), liquidation: { sliceIntervalNs: 1_000_000 } });
    const events = m.run({ type: "oracle", price: 935, ts: 1_000 });
    // The first child lifts it out of stage 2.
    expect(ofType(events, "liquidation_stage").map((e) => e.stage)).toEqual(["stage2", "breach"]);
    const [child] = ofType(events, "liquidation_order");
    // bound ceil(935 × 0.99) = 926: levels 935..926, 100 lots, weighted 55 (as above); 20% → 11.
    expect(child).toMatchObject({ price: 926, qty: 11 });
    expect(m.account("a").positions[0]?.nextSliceAt).toBe(501_000);
  });

  it("never sells past the bankruptcy price, even inside the slippage bound", () => {
    // Long 100 on 10,000 at 906: equity 600, MM 4,530; bankruptcy price 906 − 600/100 = 900 > the bound 897.
    const m = setup({ depth: [...ladder(903, 3, 10), ...ladder(900, 3, 100)] });
    const events = m.run({ type: "oracle", price: 906, ts: 1_000 });
    const [child] = ofType(events, "liquidation_order");
    expect(child?.price).toBe(900);
    const fills = ofType(events, "fill");
    expect(fills.length).toBeGreaterThan(0);
    for (const f of fills) expect(f.price).toBeGreaterThanOrEqual(900);
  });

  it("charges the penalty on the notional closed only, into the insurance fund", () => {
    const m = setup({ depth: ladder(950, 20, 50), liquidation: { penaltyPpm: 10_000, participationPpm: 1_000_000 } });
    const events = m.run({ type: "oracle", price: 945, ts: 1_000 });
    const [reduced] = ofType(events, "liquidation_reduced");
    const notional = ofType(events, "fill").reduce((n, f) => n + f.price * f.qty, 0);
    expect(reduced?.notional).toBe(notional);
    expect(reduced?.penalty).toBe(Math.ceil(notional / 100));
    expect((m.engine.marginEngine as MarginEngine).insuranceFund).toBe(reduced?.penalty);
    expect(reduced?.position).toBe(100 - (reduced?.qty as number));
  });

  it("waits for liquidity when nothing rests inside the bound, and goes on when the book refills", () => {
    const m = setup({ depth: [[900, 100]] });
    const events = m.run({ type: "oracle", price: 945, ts: 1_000 });
    expect(ofType(events, "liquidation_stage")).toHaveLength(1);
    expect(ofType(events, "liquidation_order")).toEqual([]);
    const refill = m.run({ type: "limit", id: "refill", side: "buy", price: 944, qty: 500, ts: 2_000 });
    expect(ofType(refill, "liquidation_order")).toHaveLength(1);
  });

  it("works a short position by buying from the asks", () => {
    // Short 100 from 1,000 on 10,000; at 1,052: equity 4,800 against MM 5,260.
    const m = setup({ qty: -100, depth: ladder(1050, 20, 50, 1) });
    const events = m.run({ type: "oracle", price: 1052, ts: 1_000 });
    const [child] = ofType(events, "liquidation_order");
    expect(child).toMatchObject({ side: "buy", price: 1062 }); // floor(1,052 × 1.01)
    expect(health(m) as number).toBeGreaterThanOrEqual(1_000_000);
  });

  it("holds a bankrupt account: nothing sold below its bankruptcy price, no debt realised, and a recovery saves it", () => {
    const m = setup({ depth: [[496, 100]] });
    // 10,000 + 100 × (500 − 1,000) = −40,000: bankrupt, the fund empty, no one to deleverage against.
    const events = m.run({ type: "oracle", price: 500, ts: 1_000 });
    expect(ofType(events, "liquidation_stage").map((e) => e.stage)).toEqual(["bankrupt"]);
    expect(ofType(events, "liquidation_order")).toEqual([]);
    expect(ofType(events, "liquidation_insurance")).toEqual([]);
    expect(ofType(m.run({ type: "tick", ts: 5_000 }), "liquidation_order")).toEqual([]);
    // Back at 990: equity 9,000 against MM 4,950 (182%), above the target: out of liquidation, whole.
    const back = m.run({ type: "oracle", price: 990, ts: 6_000 });
    expect(ofType(back, "liquidation_stage").map((e) => e.stage)).toEqual(["restored"]);
    expect(m.account("a").positions[0]?.qty).toBe(100);
    expect(m.account("a").collateral).toBe(10_000);
  });

  it("deleverages only the lots for the debt the fund cannot carry; the account keeps the rest", () => {
    const m = marginedEngine();
    m.run(
      { type: "instrument", symbol: "X", tiers: TIERS, liquidation: HAND_WORKED },
      { type: "oracle", price: 1000 },
      { type: "deposit", account: "a", amount: 10_000 },
      { type: "deposit", account: "b", amount: 20_000 },
      { type: "deposit", account: "c", amount: 6_000 },
      { type: "limit", id: "b-sell", side: "sell", price: 1000, qty: 100, account: "b" },
      { type: "limit", id: "a-buy", side: "buy", price: 1000, qty: 100, account: "a" },
      { type: "limit", id: "u-buy", side: "buy", price: 1000, qty: 50 },
      { type: "limit", id: "c-sell", side: "sell", price: 1000, qty: 50, account: "c" },
    );
    // A fund of 1,200 (what penalties would have paid in).
    (m.engine.marginEngine as MarginEngine).insuranceFund = 1_200;
    // At 880 a owes 2,000: bankruptcy price 880 + 2,000 / 100 = 900, each lot passed there gives back
    // 20; the fund carries 1,200, so ⌈(2,000 − 1,200) / 20⌉ = 40 lots go, to c (ranked first).
    const events = m.run({ type: "oracle", price: 880, ts: 1_000 });
    expect(ofType(events, "liquidation_adl")).toEqual([
      expect.objectContaining({ account: "a", counterparty: "c", side: "sell", price: 900, qty: 40 }),
    ]);
    expect(ofType(events, "fill").filter((f) => f.liquidation)).toEqual([]);
    expect(m.account("a").positions[0]?.qty).toBe(60);
    expect(equityOf(m.account("a"))).toBe(-1_200);
    expect((m.engine.marginEngine as MarginEngine).insuranceFund).toBe(1_200);
  });

  it("auto-deleverages a bankrupt account the fund cannot cover: the other side takes it at the bankruptcy price", () => {
    const m = marginedEngine();
    m.run(
      { type: "instrument", symbol: "X", tiers: TIERS, liquidation: HAND_WORKED },
      { type: "oracle", price: 1000 },
      { type: "deposit", account: "a", amount: 10_000 },
      { type: "deposit", account: "b", amount: 20_000 },
      { type: "deposit", account: "c", amount: 6_000 },
      { type: "limit", id: "b-sell", side: "sell", price: 1000, qty: 100, account: "b" },
      { type: "limit", id: "a-buy", side: "buy", price: 1000, qty: 100, account: "a" },
      { type: "limit", id: "u-buy", side: "buy", price: 1000, qty: 50 },
      { type: "limit", id: "c-sell", side: "sell", price: 1000, qty: 50, account: "c" },
      { type: "limit", id: "deep-bid", side: "buy", price: 870, qty: 500 },
    );
    // At 880 a's equity is 10,000 − 12,000 = −2,000 and the fund is empty: bankruptcy price 880 + 2,000/100 = 900.
    const events = m.run({ type: "oracle", price: 880, ts: 1_000 });
    // c is as profitable as b (12% of entry) and more leveraged (44,000 on 12,000 against 88,000 on 32,000): first.
    expect(ofType(events, "liquidation_adl")).toEqual([
      expect.objectContaining({ account: "a", counterparty: "c", side: "sell", price: 900, qty: 50 }),
      expect.objectContaining({ account: "a", counterparty: "b", side: "sell", price: 900, qty: 50 }),
    ]);
    expect(ofType(events, "fill").filter((f) => f.liquidation)).toEqual([]); // nothing went to the book
    expect(m.account("a").collateral).toBe(0); // exactly zero equity: no bad debt
    expect(m.account("b").positions[0]?.qty).toBe(-50);
    expect(m.account("c").positions[0]?.qty).toBe(0);
    expect(ofType(events, "liquidation_stage").map((e) => [e.account, e.stage])).toEqual([
      ["a", "bankrupt"],
      ["a", "restored"],
    ]);
  });

  it("gives the liquidator no turn after a rejected command", () => {
    const m = setup({ depth: ladder(945, 20, 10), liquidation: { sliceIntervalNs: 0 } });
    m.run({ type: "oracle", price: 945, ts: 1_000 });
    const rejected = m.run({ type: "cancel", id: "nope", ts: 2_000 });
    expect(rejected.map((e) => e.type)).toEqual(["rejected"]);
    expect(ofType(m.run({ type: "tick", ts: 2_000 }), "liquidation_order")).toHaveLength(1);
  });
});

describe("the README's worked example", () => {
  it("gives the events the README prints", () => {
    const lines: string[] = [];
    const engine = new Engine({ onEvent: (e) => lines.push(eventToJson(e)) });
    const flow: Command[] = [
      { type: "instrument", symbol: "X", tiers: TIERS, liquidation: { ...HAND_WORKED, sliceIntervalNs: 1000 } },
      { type: "oracle", price: 1000 },
      { type: "deposit", account: "a", amount: 10_000 },
      { type: "limit", id: 1, side: "sell", price: 1000, qty: 100 },
      { type: "limit", id: 2, side: "buy", price: 1000, qty: 100, account: "a" },
      ...ladder(950, 20, 50).map(
        ([price, qty], i): Command => ({ type: "limit", id: 100 + i, side: "buy", price, qty }),
      ),
      { type: "oracle", price: 945, ts: 1000 },
    ];
    for (const c of flow) engine.apply(c);
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    const printed = lines.slice(27);
    expect(printed).toHaveLength(5);
    for (const line of printed) expect(readme).toContain(line);
  });
});

describe("the hard liquidator and mode off", () => {
  it("hard: the whole position goes to the book at once, unbounded", () => {
    const m = setup({ mode: "hard", depth: ladder(950, 5, 30) });
    const events = m.run({ type: "oracle", price: 945, ts: 1_000 });
    expect(ofType(events, "liquidation_order")).toMatchObject([{ qty: 100, price: 1 }]);
    expect(ofType(events, "fill").map((f) => f.price)).toEqual([950, 949, 948, 947]);
    expect(m.account("a").positions[0]?.qty).toBe(0);
    expect(ofType(events, "liquidation_stage").map((e) => e.stage)).toEqual(["breach", "restored"]);
  });

  it("off: reports the stages and closes nothing", () => {
    const m = setup({ mode: "off", depth: ladder(950, 5, 30) });
    const events = m.run({ type: "oracle", price: 945, ts: 1_000 }, { type: "tick", ts: 10_000_000_000 });
    expect(events.filter((e) => e.type.startsWith("liquidation_") && e.type !== "liquidation_stage")).toEqual([]);
    expect(m.account("a").positions[0]?.qty).toBe(100);
  });
});

describe("liquidation through the worker and the journal", () => {
  it("gives the same events and state hash in the worker thread in every mode, the venues' too", async () => {
    const { EngineClient } = await import("../worker/engine-client.js");
    const flow: Command[] = [
      ...setupFlow({ depth: ladder(945, 20, 10) }),
      { type: "deposit", account: "bk", amount: 100_000 },
      { type: "backstop", account: "bk", symbol: "X", discountPpm: 5_000, maxNotional: 30_000 },
      { type: "oracle", price: 930, ts: 500 }, // stage 2 (and below hyperliquid's 2/3): the backstop serves
      { type: "oracle", price: 945, ts: 1_000 },
      ...Array.from({ length: 8 }, (_, i): Command => ({ type: "tick", ts: 2_000 + 1_000 * i })),
    ];
    for (const liquidation of ["soft", "hard", "hyperliquid", "dydx", "drift", "off"] as const) {
      const local: EventObject[] = [];
      const engine = new Engine({ liquidation, onEvent: (e) => local.push(eventToObject(e)) });
      for (const c of flow) engine.apply(c);
      const client = new EngineClient({ liquidation });
      await client.start();
      const remote = (await client.submitBatch(flow)).flat();
      const summary = await client.snapshot();
      await client.close();
      expect(remote).toEqual(local);
      expect(local.some((e) => e.type === "liquidation_stage")).toBe(true);
      expect(summary.stateHash).toBe(engine.stateHash());
    }
  });
});

describe("edge cases (found in review)", () => {
  const twoInstruments = (): Margined => {
    const m = marginedEngine();
    m.run(
      { type: "instrument", symbol: "X", tiers: TIERS, liquidation: HAND_WORKED },
      { type: "instrument", symbol: "Y", tiers: TIERS, liquidation: HAND_WORKED },
      { type: "oracle", symbol: "X", price: 1000 },
      { type: "oracle", symbol: "Y", price: 1000 },
      { type: "deposit", account: "a", amount: 3_000 },
      { type: "deposit", account: "b", amount: 1_100 },
      { type: "deposit", account: "d", amount: 100_000 },
      { type: "limit", id: "b-x", side: "sell", price: 1000, qty: 10, symbol: "X", account: "b" },
      { type: "limit", id: "a-x", side: "buy", price: 1000, qty: 10, symbol: "X", account: "a" },
      { type: "limit", id: "d-y", side: "sell", price: 1000, qty: 10, symbol: "Y", account: "d" },
      { type: "limit", id: "a-y", side: "buy", price: 1000, qty: 10, symbol: "Y", account: "a" },
      { type: "oracle", symbol: "X", price: 990 }, // b is 100 in profit on X
    );
    return m;
  };

  it("auto-deleveraging takes at most a counterparty's profit: it leaves no new bad debt", () => {
    const m = twoInstruments();
    expect(equityOf(m.account("b"))).toBe(1_200);
    // Y gaps: a's equity 3,000 − 100 − 5,000 = −2,100; the fund is empty. The bankruptcy price on
    // X (990 + 210) would cost b 210 a lot against 10 of profit a lot: b gives up 100 at most.
    const events = m.run({ type: "oracle", symbol: "Y", price: 500, ts: 1_000 });
    for (const e of ofType(events, "liquidation_adl")) expect(e.counterparty).not.toBe("b");
    expect(equityOf(m.account("b"))).toBeGreaterThanOrEqual(1_100);
  });

  it("reports and covers an account left flat in debt however it got there, once", () => {
    const m = setup({ collateral: 10_000 });
    m.run({ type: "limit", id: "low", side: "buy", price: 850, qty: 100 });
    // a closes its own long far below its bankruptcy price: 10,000 + 100 × (850 − 1,000) = −5,000.
    const events = m.run({
      type: "limit",
      id: "dump",
      side: "sell",
      price: 1,
      qty: 100,
      tif: "IOC",
      account: "a",
      reduceOnly: true,
    });
    expect(ofType(events, "liquidation_insurance")).toEqual([
      expect.objectContaining({ account: "a", badDebt: 5_000, amount: 0, insuranceFund: 0 }),
    ]);
    expect(ofType(m.run({ type: "deposit", account: "a", amount: 1_000 }), "liquidation_insurance")).toEqual([]);
    expect(m.account("a").collateral).toBe(-4_000);
  });

  it("once a bankrupt account is back above zero, the next position respects the bankruptcy price", () => {
    const m = marginedEngine();
    const liquidation = { penaltyPpm: 0, sliceIntervalNs: 1_000 };
    m.run(
      { type: "instrument", symbol: "X", tiers: TIERS, liquidation: { ...HAND_WORKED, ...liquidation } },
      { type: "instrument", symbol: "Y", tiers: TIERS, liquidation: { ...HAND_WORKED, ...liquidation } },
      { type: "oracle", symbol: "X", price: 1000 },
      { type: "oracle", symbol: "Y", price: 1000 },
      { type: "deposit", account: "a", amount: 2_100 },
      { type: "limit", id: "sx", symbol: "X", side: "sell", price: 1000, qty: 10 },
      { type: "limit", id: "ax", symbol: "X", side: "buy", price: 1000, qty: 10, account: "a" },
      { type: "limit", id: "sy", symbol: "Y", side: "sell", price: 1000, qty: 10 },
      { type: "limit", id: "ay", symbol: "Y", side: "buy", price: 1000, qty: 10, account: "a" },
      { type: "limit", id: "bx", symbol: "X", side: "buy", price: 1000, qty: 10 },
      { type: "limit", id: "by", symbol: "Y", side: "buy", price: 743, qty: 10 },
    );
    // Y at 750: equity −400, held (nothing sold below the bankruptcy price).
    expect(ofType(m.run({ type: "oracle", symbol: "Y", price: 750, ts: 1_000 }), "liquidation_order")).toEqual([]);
    // X at 1,041 (+410): equity +10, no longer bankrupt; the soft children go.
    const events = m.run({ type: "oracle", symbol: "X", price: 1041, ts: 2_000 });
    const orders = ofType(events, "liquidation_order");
    // Y's bankruptcy price is now 750 − 10/10 = 749: no child may go below it, and none leaves debt.
    for (const o of orders.filter((x) => x.symbol === "Y")) expect(o.price).toBeGreaterThanOrEqual(749);
    expect(ofType(events, "liquidation_insurance")).toEqual([]);
  });

  it("keeps a hard-mode child's money safe: no unbounded limit turns into an unsafe notional", () => {
    const m = marginedEngine({ liquidation: "hard" });
    const huge = 2 ** 52;
    m.run(
      { type: "instrument", symbol: "X", tiers: TIERS, liquidation: HAND_WORKED },
      { type: "oracle", price: 1000 },
      { type: "deposit", account: "a", amount: 1_000 },
      { type: "limit", id: "u-buy", side: "buy", price: 1000, qty: 3 },
      { type: "limit", id: "a-sell", side: "sell", price: 1000, qty: 3, account: "a" },
      { type: "limit", id: "x1", side: "sell", price: huge, qty: 1 },
      { type: "limit", id: "x2", side: "sell", price: huge + 1, qty: 1 },
      { type: "limit", id: "x3", side: "sell", price: huge + 2, qty: 1 },
    );
    const events = m.run({ type: "oracle", price: 1400, ts: 1_000 });
    for (const e of events) {
      for (const v of Object.values(e)) if (typeof v === "number") expect(Number.isSafeInteger(v)).toBe(true);
    }
    expect(Number.isSafeInteger(m.account("a").collateral)).toBe(true);
  });

  it("clamps the pacing clock to the safe range, so the state still restores", () => {
    const m = setup({ depth: [[945, 500]], liquidation: { sliceIntervalNs: Number.MAX_SAFE_INTEGER } });
    const events = m.run({ type: "oracle", price: 945, ts: 1_000 });
    expect(ofType(events, "liquidation_order")).toHaveLength(1);
    expect(m.account("a").positions[0]?.nextSliceAt).toBe(Number.MAX_SAFE_INTEGER);
    const copy = restoreState(JSON.parse(JSON.stringify(exportState(m.engine))), new Engine());
    expect(copy.stateHash()).toBe(m.engine.stateHash());
  });

  it("keeps pacing at the end of the clock: a slice due past 2^53 − 1 never comes", () => {
    // The same 10 ns of commands at the start and at the end of time give the same children.
    const end = Number.MAX_SAFE_INTEGER;
    for (const mode of ["soft", "hyperliquid", "dydx", "drift"] as const) {
      const childrenFrom = (t0: number): number => {
        const m = setup({ mode, depth: ladder(950, 20, 50), liquidation: { participationPpm: 10_000 } });
        const times = [t0, t0 + 5, t0 + 10, t0 + 10, t0 + 10];
        const events = m.run(
          { type: "oracle", price: 945, ts: times[0] },
          ...times.slice(1).map((ts) => ({ type: "tick" as const, ts })),
        );
        return ofType(events, "liquidation_order").length;
      };
      const early = childrenFrom(1_000);
      expect(early, mode).toBeGreaterThan(0);
      expect(childrenFrom(end - 10), mode).toBe(early);
    }
  });

  it("never gives a child order the id of a live order", () => {
    const m = setup({ depth: [[950, 500]] });
    m.run({ type: "limit", id: "liq:1", side: "buy", price: 949, qty: 500 }); // someone's legal id
    const events = m.run({ type: "oracle", price: 945, ts: 1_000 });
    const [child] = ofType(events, "liquidation_order");
    expect(child?.id).toBe("liq:2");
    expect(m.engine.order("liq:1")).not.toBeNull();
  });

  it("takes at most participationPpm of the depth: too little depth for one lot sends nothing", () => {
    const m = setup({ depth: [[944, 5]] }); // 10% of 5 lots is half a lot
    const events = m.run({ type: "oracle", price: 945, ts: 1_000 });
    expect(ofType(events, "liquidation_stage").map((e) => e.stage)).toEqual(["breach"]);
    expect(ofType(events, "liquidation_order")).toEqual([]);
  });

  it("ranks auto-deleveraging exactly: the more leveraged of two equally profitable shorts goes first", () => {
    const m = marginedEngine();
    m.run(
      { type: "instrument", symbol: "X", tiers: TIERS, liquidation: HAND_WORKED },
      { type: "oracle", price: 1000 },
      { type: "deposit", account: "c1", amount: 20_000_000 },
      { type: "deposit", account: "c2", amount: 19_999_999 }, // one unit less: more leveraged
      { type: "deposit", account: "a", amount: 150 },
      { type: "deposit", account: "d", amount: 1_000_000 },
      { type: "limit", id: "c1-sell", side: "sell", price: 1000, qty: 1, account: "c1" },
      { type: "limit", id: "a-buy", side: "buy", price: 1000, qty: 1, account: "a" },
      { type: "limit", id: "c2-sell", side: "sell", price: 1000, qty: 1, account: "c2" },
      { type: "limit", id: "d-buy", side: "buy", price: 1000, qty: 1, account: "d" },
    );
    const adl = ofType(m.run({ type: "oracle", price: 100, ts: 1_000 }), "liquidation_adl");
    expect(adl).toHaveLength(1);
    expect(adl[0]).toMatchObject({ account: "a", counterparty: "c2" });
  });

  it("still takes a handler written to the older onBreach interface: told once per entry", () => {
    const seen: string[] = [];
    const legacy = { onBreach: (a: { name: string }) => seen.push(a.name) };
    const engine = new Engine({ onBreach: legacy as never, liquidation: "off" });
    for (const c of [
      { type: "instrument", symbol: "X", tiers: TIERS, liquidation: HAND_WORKED },
      { type: "oracle", price: 1000 },
      { type: "deposit", account: "a", amount: 10_000 },
      { type: "limit", id: "m", side: "sell", price: 1000, qty: 100 },
      { type: "limit", id: "o", side: "buy", price: 1000, qty: 100, account: "a" },
    ] as Command[]) {
      engine.apply(c);
    }
    expect(() => engine.apply({ type: "oracle", price: 945 })).not.toThrow();
    engine.apply({ type: "oracle", price: 930 }); // deeper (stage 2): the same stay
    engine.apply({ type: "oracle", price: 1000 }); // restored
    engine.apply({ type: "oracle", price: 945 }); // a new entry
    expect(seen).toEqual(["a", "a"]);
  });
});

describe("the liquidator's wake-up schedule", () => {
  /** The same commands with the schedule and with every account looked at after every command. */
  function bothWays(preamble: readonly Command[], commands: readonly Command[], liquidation: LiquidationMode) {
    const run = (exhaustive: boolean): string[] => {
      const lines: string[] = [];
      const engine = new Engine({ liquidation, onEvent: (e) => lines.push(eventToJson(e)) });
      const liquidator = (engine.marginEngine as MarginEngine).liquidator;
      if (liquidator !== null) liquidator.exhaustive = exhaustive;
      for (const c of [...preamble, ...commands]) engine.apply(c);
      lines.push(engine.stateHash());
      return lines;
    };
    return { scheduled: run(false), exhaustive: run(true) };
  }

  // Wide slippage bounds so that children find depth in these small books; one variant paced
  // shorter than the flows' ticks with thin participation (many positions paced or parked), one
  // unpaced taking all it may.
  const withLiquidation = (liquidation: LiquidationParams): Command[] =>
    PREAMBLE.map((c) => (c.type === "instrument" ? { ...c, liquidation } : c));
  const PACED = withLiquidation({ sliceIntervalNs: 30_000_000, participationPpm: 300_000, maxSlippagePpm: 200_000 });
  const UNPACED = withLiquidation({ sliceIntervalNs: 0, participationPpm: 1_000_000, maxSlippagePpm: 200_000 });

  /** After each oracle move, an unmargined maker quotes both sides near it: depth for the children. */
  function withMakers(flow: readonly Command[]): Command[] {
    const out: Command[] = [];
    let n = 0;
    for (const c of flow) {
      out.push(c);
      if (c.type !== "oracle") continue;
      const symbol = c.symbol ?? "X";
      out.push({ type: "limit", id: `mb${n}`, symbol, side: "buy", price: Math.max(1, c.price - 1), qty: 20 });
      out.push({ type: "limit", id: `ms${n++}`, symbol, side: "sell", price: c.price + 1, qty: 20 });
    }
    return out;
  }

  it("gives exactly the events of looking at every account after every command", () => {
    let liquidationEvents = 0;
    fc.assert(
      fc.property(
        marginedFlow(8),
        fc.boolean(),
        fc.constantFrom("soft" as const, "hard" as const, "hyperliquid" as const, "dydx" as const, "drift" as const),
        (commands, paced, mode) => {
          const { scheduled, exhaustive } = bothWays(paced ? PACED : UNPACED, withMakers(commands), mode);
          expect(scheduled).toEqual(exhaustive);
          liquidationEvents += scheduled.filter((l) => l.includes('"type":"liquidation_order"')).length;
        },
      ),
      { numRuns: 200 },
    );
    // The flows reach liquidations (about 100-130 children over 200 runs since soft holds bankrupt
    // accounts; a bar of 100 failed on some seeds).
    expect(liquidationEvents).toBeGreaterThan(50);
  });

  it("wakes a parked account when depth arrives, and a paced one when its slice time comes", () => {
    const m = setup({ depth: [[900, 100]], liquidation: { sliceIntervalNs: 1_000 } });
    expect(ofType(m.run({ type: "oracle", price: 945, ts: 1_000 }), "liquidation_order")).toEqual([]);
    // Unrelated commands: still parked, nothing sent.
    expect(ofType(m.run({ type: "tick", ts: 5_000 }, { type: "tick", ts: 9_000 }), "liquidation_order")).toEqual([]);
    const refill = m.run({ type: "limit", id: "r", side: "buy", price: 944, qty: 100, ts: 10_000 });
    expect(ofType(refill, "liquidation_order")).toHaveLength(1); // woken by the order joining the bids
    expect(ofType(m.run({ type: "tick", ts: 10_500 }), "liquidation_order")).toEqual([]); // paced
    expect(ofType(m.run({ type: "tick", ts: 11_000 }), "liquidation_order")).toHaveLength(1); // due
  });
});

describe("an account changed during the liquidator's turn", () => {
  it("is looked at again in the same turn, afresh, when a child fills its resting order", () => {
    const flow: Command[] = [
      { type: "instrument", symbol: "X", tiers: TIERS, liquidation: { ...HAND_WORKED, sliceIntervalNs: 1_000 } },
      { type: "instrument", symbol: "Y", tiers: TIERS, liquidation: { ...HAND_WORKED, sliceIntervalNs: 1_000 } },
      { type: "oracle", symbol: "X", price: 1000 },
      { type: "oracle", symbol: "Y", price: 1000 },
      { type: "deposit", account: "A", amount: 30_000 },
      { type: "deposit", account: "C", amount: 10_000 },
      { type: "limit", id: "s1", symbol: "X", side: "sell", price: 1000, qty: 100 },
      { type: "limit", id: "a1", symbol: "X", side: "buy", price: 1000, qty: 100, account: "A" }, // A long 100 X
      { type: "limit", id: "b1", symbol: "X", side: "buy", price: 1000, qty: 100 },
      { type: "limit", id: "c1", symbol: "X", side: "sell", price: 1000, qty: 100, account: "C" }, // C short 100 X
      { type: "limit", id: "s2", symbol: "Y", side: "sell", price: 1000, qty: 200 },
      { type: "limit", id: "a2", symbol: "Y", side: "buy", price: 1000, qty: 200, account: "A" }, // A long 200 Y
      { type: "limit", id: "cb", symbol: "X", side: "buy", price: 1085, qty: 50, account: "C", reduceOnly: true },
      { type: "limit", id: "ask1", symbol: "X", side: "sell", price: 1101, qty: 30 },
      // X at 1,093: C (equity 700 on 100 lots) may buy up to its bankruptcy price 1,100: nothing
      // there, it waits for depth.
      { type: "oracle", symbol: "X", price: 1093, ts: 1000 },
    ];
    const crash: Command = { type: "oracle", symbol: "Y", price: 850, ts: 2000 };
    for (const exhaustive of [false, true]) {
      const events: EventObject[] = [];
      const engine = new Engine({ onEvent: (e) => events.push(eventToObject(e)) });
      ((engine.marginEngine as MarginEngine).liquidator as { exhaustive: boolean }).exhaustive = exhaustive;
      for (const c of flow) engine.apply(c);
      expect(events.filter((e) => e.type === "liquidation_order")).toEqual([]);
      events.length = 0;
      // Y crashes: A's child sells X into C's bid at 1,085, 8 under the oracle; C gains, its
      // bankruptcy price rises past 1,101 and, later in creation order, it buys in the same turn.
      engine.apply(crash);
      expect(ofType(events, "liquidation_order").map((e) => [e.account, e.side, e.price])).toEqual([
        ["A", "sell", 1083],
        ["C", "buy", 1101],
      ]);
    }
  });
});

describe("the wake-up schedule's bookkeeping", () => {
  it("keeps one entry for a parked account however often it is re-checked", () => {
    const m = setup({ depth: [[900, 100]], liquidation: { sliceIntervalNs: 1_000 } }); // outside the bound: it parks
    m.run({ type: "oracle", price: 945, ts: 1000 });
    for (let i = 0; i < 2_000; i++) m.run({ type: "oracle", price: 945 + (i % 2), ts: 2000 + i });
    const schedule = (m.engine.marginEngine as MarginEngine).liquidator as unknown as {
      schedule: { waits: { accounts: unknown[] }[]; times: number[] };
    };
    expect(schedule.schedule.waits.reduce((n, w) => n + w.accounts.length, 0)).toBeLessThanOrEqual(1);
  });

  it("keeps one timer for a paced account however often it is re-checked before its slice time", () => {
    const m = setup({
      depth: ladder(945, 20, 50),
      liquidation: { sliceIntervalNs: 1_000_000_000, participationPpm: 10_000 },
    });
    m.run({ type: "oracle", price: 945, ts: 1000 }); // a small child, then paced for a second
    for (let i = 0; i < 2_000; i++) m.run({ type: "oracle", price: 944 + (i % 2), ts: 2000 + i });
    expect(m.account("a").breached).toBe(true); // still in liquidation, waiting for its slice time
    const schedule = (m.engine.marginEngine as MarginEngine).liquidator as unknown as {
      schedule: { times: number[] };
    };
    expect(schedule.schedule.times.length).toBeLessThanOrEqual(2);
  });
});
