import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { MatchingEngine } from "../engine/engine.js";
import type { MarginBook } from "../engine/margin-hooks.js";
import { Account } from "../liquidator/account.js";
import { InstrumentMargin } from "../liquidator/instrument-margin.js";
import { requirement, Sweep, sweepFee, sweepRequirementBound } from "../liquidator/pre-trade-risk.js";
import { BUY, type Command, SELL, type SideCode } from "../protocol/commands.js";
import { MAX_SAFE } from "../protocol/units.js";

/** Tiers whose initial rate falls from one tier to the next: the bound may not assume they rise. */
const FALLING = [
  { maxNotional: 50_000_000, imrPpm: 100_000, mmrPpm: 50_000 },
  { maxNotional: 500_000_000, imrPpm: 40_000, mmrPpm: 20_000 },
  { maxNotional: MAX_SAFE, imrPpm: 200_000, mmrPpm: 100_000 },
];

interface Scenario {
  oracle: number;
  maker: number;
  taker: number;
  falling: boolean;
  levels: { offset: number; qty: number }[];
  side: SideCode;
  limitOffset: number;
  qty: number;
  rests: boolean;
  position: {
    qty: number;
    entryOffset: number;
    buyQty: number;
    buyOffset: number;
    sellQty: number;
    sellOffset: number;
  };
}

/** A book holding the scenario's opposite side (unmargined orders), its oracle set. */
function bookOf(s: Scenario): MarginBook {
  const engine = new MatchingEngine();
  const commands: Command[] = [
    {
      type: "instrument",
      symbol: "T",
      makerFeePpm: Math.max(s.maker, -s.taker), // a rebate no larger than the taker fee (INVALID_FEE otherwise)
      takerFeePpm: s.taker,
      ...(s.falling ? { tiers: FALLING } : {}),
    },
    { type: "oracle", symbol: "T", price: s.oracle },
  ];
  s.levels.forEach((level, i) => {
    // Asks above the oracle less a little, bids below it plus a little: both sides cross it sometimes.
    const price = s.side === BUY ? Math.max(1, s.oracle + level.offset) : Math.max(1, s.oracle - level.offset);
    commands.push({
      type: "limit",
      symbol: "T",
      id: i + 1,
      side: s.side === BUY ? "sell" : "buy",
      price,
      qty: level.qty,
    });
  });
  for (const c of commands) engine.apply(c);
  return (engine as unknown as { books: MarginBook[] }).books[0] as MarginBook;
}

const scenarios: fc.Arbitrary<Scenario> = fc.record({
  oracle: fc.integer({ min: 100, max: 200_000 }),
  maker: fc.integer({ min: -300, max: 1_000 }),
  taker: fc.integer({ min: 0, max: 1_000 }),
  falling: fc.boolean(),
  levels: fc.array(fc.record({ offset: fc.integer({ min: -50, max: 500 }), qty: fc.integer({ min: 1, max: 500 }) }), {
    maxLength: 8,
  }),
  side: fc.constantFrom<SideCode>(BUY, SELL),
  limitOffset: fc.integer({ min: -100, max: 600 }),
  qty: fc.integer({ min: 1, max: 3_000 }),
  rests: fc.boolean(),
  position: fc.record({
    qty: fc.integer({ min: -5_000, max: 5_000 }),
    entryOffset: fc.integer({ min: -1_000, max: 1_000 }),
    buyQty: fc.integer({ min: 0, max: 2_000 }),
    buyOffset: fc.integer({ min: -300, max: 300 }),
    sellQty: fc.integer({ min: 0, max: 2_000 }),
    sellOffset: fc.integer({ min: -300, max: 300 }),
  }),
});

describe("the sweep-free bound of the pre-trade requirement", () => {
  it("is never below the requirement the exact sweep finds, whatever fills and rests", () => {
    fc.assert(
      fc.property(scenarios, (s) => {
        const book = bookOf(s);
        const inst = new InstrumentMargin(book);
        const o = s.oracle;
        const p = new Account("a", 0).positionFor(inst);
        const ps = s.position;
        p.qty = ps.qty;
        p.entryNotional = Math.abs(ps.qty) * Math.max(1, o + ps.entryOffset);
        p.openBuyQty = ps.buyQty;
        p.openBuyNotional = ps.buyQty * Math.max(1, o + ps.buyOffset);
        p.openSellQty = ps.sellQty;
        p.openSellNotional = ps.sellQty * Math.max(1, o + ps.sellOffset);
        const buy = s.side === BUY;
        const limit = Math.max(1, buy ? o + s.limitOffset : o - s.limitOffset);
        const best = book.oppositeOf(s.side).best;

        const sweep = new Sweep();
        sweep.run(book, s.side, limit, s.qty);
        const rest = s.rests ? s.qty - sweep.qty : 0;
        const exact =
          requirement(
            inst,
            p.qty + (buy ? sweep.qty : -sweep.qty),
            p.openBuyQty + (buy ? rest : 0),
            p.openSellQty + (buy ? 0 : rest),
            p.openBuyNotional + (buy ? rest * limit : 0),
            p.openSellNotional + (buy ? 0 : rest * limit),
          ) +
          sweep.loss +
          sweepFee(sweep, inst);
        const bound = sweepRequirementBound(p, inst, s.side, limit, s.qty, best === null ? 0 : best.price);
        expect(bound).toBeGreaterThanOrEqual(exact);
      }),
      { numRuns: 3_000 },
    );
  });

  it("is tight when nothing trades and nothing is charged: the resting requirement itself", () => {
    const s: Scenario = {
      oracle: 100_000,
      maker: 0,
      taker: 0,
      falling: false,
      levels: [],
      side: BUY,
      limitOffset: -10,
      qty: 10,
      rests: true,
      position: { qty: 0, entryOffset: 0, buyQty: 0, buyOffset: 0, sellQty: 0, sellOffset: 0 },
    };
    const book = bookOf(s);
    const inst = new InstrumentMargin(book);
    const p = new Account("a", 0).positionFor(inst);
    // 10 lots at 99,990 against an oracle of 100,000: IM 0.8% of 1,000,000 = 8,000, no loss, no fee.
    expect(sweepRequirementBound(p, inst, BUY, 99_990, 10, 0)).toBe(8_000);
  });
});
