import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exportState, restoreState } from "../engine/state-snapshot.js";
import type { Account } from "../liquidator/account.js";
import { CloseSizing, closeQuantity } from "../liquidator/close-quantity.js";
import type { MarginEngine } from "../liquidator/margin-engine.js";
import { healthPpmOf } from "../liquidator/money.js";
import { slicePenalty } from "../liquidator/penalty.js";
import { equityOf, maintenanceOf } from "../liquidator/pre-trade-risk.js";
import type { Command, MarginTier } from "../protocol/commands.js";
import type { EventObject } from "../protocol/events.js";
import { type Margined, marginedEngine } from "./margin-helpers.js";

type Of<T extends EventObject["type"]> = Extract<EventObject, { type: T }>;
const ofType = <T extends EventObject["type"]>(events: readonly EventObject[], type: T): Of<T>[] =>
  events.filter((e): e is Of<T> => e.type === type);

const MM5 = [{ maxNotional: 1e12, imrPpm: 50_000, mmrPpm: 50_000 }];

interface Book {
  tiers: MarginTier[];
  takerFeePpm?: number;
  penaltyPpm: number;
  penaltyGainSharePpm: number;
  /** `a` goes long `qty` at 1,000 with `collateral` (after the opening fee). */
  qty: number;
  collateral: number;
  oracle: number;
  /** Plain unmargined bids: [price, qty], in queue order. */
  bids: [number, number][];
  /** Account `r`, short `short` at 1,000, with a plain bid and then a reduce-only bid (price, qty). */
  reducer?: { short: number; plain: [number, number]; reduceOnly: [number, number] };
}

/** The book and account, in mode off: nothing moves until the test sizes and executes a close by hand. */
function build(b: Book): Margined {
  const m = marginedEngine({ liquidation: "off" });
  const fee = b.takerFeePpm ?? 0;
  const open = b.qty * 1000;
  const commands: Command[] = [
    {
      type: "instrument",
      symbol: "X",
      tiers: b.tiers,
      takerFeePpm: fee,
      liquidation: { penaltyPpm: b.penaltyPpm, penaltyGainSharePpm: b.penaltyGainSharePpm },
    },
    { type: "oracle", price: 1000 },
    { type: "deposit", account: "a", amount: b.collateral + Math.ceil((open * fee) / 1_000_000) },
    { type: "limit", id: "open-maker", side: "sell", price: 1000, qty: b.qty },
    { type: "limit", id: "open", side: "buy", price: 1000, qty: b.qty, account: "a" },
  ];
  const r = b.reducer;
  if (r !== undefined) {
    commands.push(
      { type: "deposit", account: "r", amount: 1_000_000 },
      { type: "limit", id: "r-open-maker", side: "buy", price: 1000, qty: r.short },
      { type: "limit", id: "r-open", side: "sell", price: 1000, qty: r.short, account: "r" },
      { type: "limit", id: "r-plain", side: "buy", price: r.plain[0], qty: r.plain[1], account: "r" },
      {
        type: "limit",
        id: "r-ro",
        side: "buy",
        price: r.reduceOnly[0],
        qty: r.reduceOnly[1],
        account: "r",
        reduceOnly: true,
      },
    );
  }
  b.bids.forEach(([price, qty], n) => {
    commands.push({ type: "limit", id: `bid${n}`, side: "buy", price, qty });
  });
  commands.push({ type: "oracle", price: b.oracle });
  m.run(...commands);
  return m;
}

/**
 * Health (ppm) after selling q lots by hand (an IOC at any price) from the built state, with the
 * penalty the soft liquidator would charge on that close; null when flat; undefined when the book
 * does not fill q.
 */
function healthAfter(b: Book, state: ReturnType<typeof exportState>, q: number): number | null | undefined {
  const m = marginedEngine({ liquidation: "off" });
  restoreState(state, m.engine);
  const a = m.account("a");
  const e0 = equityOf(a);
  const m0 = maintenanceOf(a);
  const fills = ofType(
    // Reduce-only, as a child is: a plain order that leaves equity below IM would be refused.
    m.run({ type: "limit", id: "x", side: "sell", price: 1, qty: q, tif: "IOC", account: "a", reduceOnly: true }),
    "fill",
  ).filter((f) => f.takerId === "x");
  if (fills.reduce((n, f) => n + f.qty, 0) !== q) return undefined;
  const notional = fills.reduce((n, f) => n + f.price * f.qty, 0);
  const e1 = equityOf(a);
  const m1 = maintenanceOf(a);
  const penalty = slicePenalty(b.penaltyPpm, b.penaltyGainSharePpm, notional, e0, m0, e1 - e0, m0 - m1);
  return m1 === 0 ? null : healthPpmOf(e1 - penalty, m1);
}

function size(m: Margined, target: number, b: Book): CloseSizing {
  const a = m.account("a") as Account;
  const sizing = new CloseSizing();
  sizing.size(a.positions[0] as Account["positions"][number], equityOf(a), maintenanceOf(a), target, b, m.margin);
  return sizing;
}

const T125 = 1_250_000;

/** Long 100 at 1,000 on 10,000 with MM 5% and the default penalty rule; oracle 945 (95.2%). */
const LONG_100: Omit<Book, "bids"> = {
  tiers: MM5,
  penaltyPpm: 5_000,
  penaltyGainSharePpm: 500_000,
  qty: 100,
  collateral: 10_000,
  oracle: 945,
};

describe("the close quantity: cases worked by hand", () => {
  it("counts the taker fee fill by fill, each rounded up", () => {
    // Long 10 at 1,000, MM 5%, taker fee 100 ppm, penalty 0.55%; bids: ten 1-lot orders at 950; oracle 946:
    // equity 420 against MM 473. 3 lots: gain 3 × 4 − 3 fees of 1 = 9 (one fee on the total would be 1),
    // penalty floor(0.55% × 2,850) = 15 → 414 against MM ceil(7 × 946 × 5%) = 332: 124.7%, short of 125%
    // (with one rounded fee: 416 / 332 = 125.3%). 4 lots: 420 + 16 − 4 − 20 = 412 against 284: 145%.
    const b: Book = {
      tiers: MM5,
      takerFeePpm: 100,
      penaltyPpm: 5_500,
      penaltyGainSharePpm: 1_000_000,
      qty: 10,
      collateral: 960,
      oracle: 946,
      bids: Array.from({ length: 10 }, (): [number, number] => [950, 1]),
    };
    const m = build(b);
    expect([equityOf(m.account("a")), maintenanceOf(m.account("a"))]).toEqual([420, 473]);
    expect(size(m, T125, b).qty).toBe(4);
    const state = exportState(m.engine);
    expect(healthAfter(b, state, 3)).toBe(1_246_987);
    expect(healthAfter(b, state, 4)).toBe(1_450_704);
  });

  it("finds the smallest quantity when health is not monotone in it (a tier edge)", () => {
    // Tiers: up to 50,000 MM 1% (IM 2%), above MM 5% (IM 7%); penalty 3%, half the room; collateral 7,500;
    // long 100 at 1,000; bids 950 × 80, 949 × 50; oracle 945: equity 2,000 against MM 4,725 (42%).
    // Closing 48 lots leaves 52 × 945 = 49,140 in the 1% bracket: MM 492; gain 48 × 5 = 240; room
    // 240 + floor(2,000 × 4,233 / 4,725) = 240 + 1,791 = 2,031, penalty min(floor(3% × 45,600) = 1,368,
    // 1,015) = 1,015: 1,225 / 492 = 248.9%. At 47 lots 53 × 945 = 50,085 is still in the 5% bracket.
    // The walk that tested only level ends saw 80 lots (63%) and closed all 100.
    const tiers = [
      { maxNotional: 50_000, imrPpm: 20_000, mmrPpm: 10_000 },
      { maxNotional: 1e12, imrPpm: 70_000, mmrPpm: 50_000 },
    ];
    const b: Book = {
      tiers,
      penaltyPpm: 30_000,
      penaltyGainSharePpm: 500_000,
      qty: 100,
      collateral: 7_500,
      oracle: 945,
      bids: [
        [950, 80],
        [949, 50],
      ],
    };
    const m = build(b);
    const sizing = size(m, T125, b);
    expect(sizing.qty).toBe(48);
    expect(sizing.restores).toBe(true);
    const state = exportState(m.engine);
    expect(healthAfter(b, state, 48)).toBe(2_489_837);
    expect(healthAfter(b, state, 47) as number).toBeLessThan(T125);
  });

  it("does not count a reduce-only maker that the child's own sweep voids", () => {
    // r is short 10 with a plain bid 951 × 10 ahead of its reduce-only bid 950 × 10: once the child fills
    // the plain bid, r is flat and its reduce-only bid is cancelled as the child reaches it. Behind them,
    // 940 × 200. a: long 100 at 1,000 on 10,000, MM 5%, oracle 945 (95.2%).
    const b: Book = {
      ...LONG_100,
      bids: [[940, 200]],
      reducer: { short: 10, plain: [951, 10], reduceOnly: [950, 10] },
    };
    const m = build(b);
    const q = size(m, T125, b).qty;
    const state = exportState(m.engine);
    expect(healthAfter(b, state, q) as number).toBeGreaterThanOrEqual(T125);
    expect(healthAfter(b, state, q - 1) as number).toBeLessThan(T125);
    // Counting the 10 voided lots at 950 instead of 940 would have found fewer lots enough.
    const naive = build({ ...b, reducer: undefined, bids: [[951, 10], [950, 10], ...b.bids] });
    expect(size(naive, T125, b).qty).toBeLessThan(q);
  });
});

describe("the close quantity (property)", () => {
  const book = fc.record({
    twoTiers: fc.boolean(),
    capLots: fc.integer({ min: 1, max: 60 }),
    takerFeePpm: fc.constantFrom(0, 100, 1_000, 2_000),
    penaltyPpm: fc.integer({ min: 0, max: 30_000 }),
    penaltyGainSharePpm: fc.constantFrom(0, 250_000, 500_000, 1_000_000),
    qty: fc.integer({ min: 5, max: 60 }),
    perLot: fc.integer({ min: 75, max: 200 }),
    oracle: fc.integer({ min: 930, max: 990 }),
    target: fc.integer({ min: 1_000_000, max: 3_000_000 }),
    bids: fc.array(fc.tuple(fc.integer({ min: 900, max: 1000 }), fc.integer({ min: 1, max: 15 })), {
      minLength: 1,
      maxLength: 10,
    }),
    reducer: fc.option(
      fc.record({
        short: fc.integer({ min: 1, max: 10 }),
        plain: fc.tuple(fc.integer({ min: 940, max: 1000 }), fc.integer({ min: 1, max: 10 })),
        reduceOnly: fc.tuple(fc.integer({ min: 930, max: 1000 }), fc.integer({ min: 1, max: 15 })),
      }),
      { nil: undefined },
    ),
  });

  it("is the smallest whole number of lots that reaches the target with per-fill fees, voided reduce-only makers and tier edges (checked by executing every smaller one)", () => {
    fc.assert(
      fc.property(book, (s) => {
        const tiers = s.twoTiers
          ? [
              { maxNotional: s.capLots * 950, imrPpm: 20_000, mmrPpm: 10_000 },
              { maxNotional: 1e12, imrPpm: 75_000, mmrPpm: 50_000 },
            ]
          : MM5;
        const b: Book = { ...s, tiers, collateral: s.perLot * s.qty };
        const m = build(b);
        const a = m.account("a");
        if (a.positions[0]?.qty !== s.qty || maintenanceOf(a) === 0 || equityOf(a) <= 0) return;
        const sizing = size(m, s.target, b);
        const q = sizing.qty;
        expect(q).toBeGreaterThanOrEqual(1);
        expect(q).toBeLessThanOrEqual(s.qty);
        const state = exportState(m.engine);
        const reached = (h: number | null | undefined): boolean | undefined =>
          h === undefined ? undefined : h === null || h >= s.target;
        if (sizing.restores) expect(reached(healthAfter(b, state, q))).toBe(true);
        // No smaller quantity that the book fills reaches it.
        const upTo = sizing.restores ? q - 1 : s.qty - 1;
        for (let k = 1; k <= upTo; k++) expect(reached(healthAfter(b, state, k)), `k = ${k}`).not.toBe(true);
      }),
      { numRuns: 150 },
    );
  });

  it("closeQuantity gives the sizing's quantity", () => {
    const b: Book = { ...LONG_100, bids: [[950, 500]] };
    const m = build(b);
    const a = m.account("a");
    const p = a.positions[0] as Account["positions"][number];
    expect(closeQuantity(p, equityOf(a), maintenanceOf(a), T125, b, m.margin as MarginEngine)).toBe(
      size(m, T125, b).qty,
    );
  });
});
