import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MarginBook } from "../engine/margin-hooks.js";
import { Account, type Position } from "../liquidator/account.js";
import { InstrumentMargin } from "../liquidator/instrument-margin.js";
import { allowsChange, requirement, restingCovered } from "../liquidator/pre-trade-risk.js";
import { BUY, SELL, type SideCode } from "../protocol/commands.js";

/** An instrument on a stand-in book: the margin side reads only its spec and oracle price. */
function instrumentAt(oraclePrice: number, feePpm: number): InstrumentMargin {
  const spec = { symbol: "X", tiers: null, makerFeePpm: feePpm, takerFeePpm: feePpm, liquidation: null };
  return new InstrumentMargin({ symbol: "X", bookIndex: 0, spec, oraclePrice } as unknown as MarginBook);
}

interface Case {
  oracle: number;
  fee: number;
  collateral: number;
  qty: number;
  entry: number;
  buyQty: number;
  sellQty: number;
  side: SideCode;
  price: number;
  orderQty: number;
}

function setUp(c: Case) {
  const inst = instrumentAt(c.oracle, c.fee);
  const a = new Account("a", 0);
  a.collateral = c.collateral;
  const p = a.positionFor(inst);
  p.qty = c.qty;
  p.entryNotional = c.entry;
  p.openBuyQty = c.buyQty;
  p.openBuyNotional = c.buyQty * c.oracle;
  p.openSellQty = c.sellQty;
  p.openSellNotional = c.sellQty * c.oracle;
  return { inst, a, p };
}

/** The position's figures with the order resting whole (nothing swept): qty, open buys, sells, their notionals. */
function withOrderResting(c: Case, p: Position): [number, number, number, number, number] {
  const buy = c.side === BUY;
  const n = c.price * c.orderQty;
  return [
    p.qty,
    p.openBuyQty + (buy ? c.orderQty : 0),
    p.openSellQty + (buy ? 0 : c.orderQty),
    p.openBuyNotional + (buy ? n : 0),
    p.openSellNotional + (buy ? 0 : n),
  ];
}

/** The general check of the same order resting whole. */
function general(c: Case): ReturnType<typeof allowsChange> {
  const { inst, a, p } = setUp(c);
  return allowsChange(a, p, inst, ...withOrderResting(c, p), 0);
}

const cases = fc.record({
  oracle: fc.integer({ min: 1, max: 10_000_000 }),
  fee: fc.integer({ min: -200, max: 1_000 }),
  collateral: fc.integer({ min: 0, max: 2 ** 40 }),
  qty: fc.integer({ min: -100_000, max: 100_000 }),
  entry: fc.integer({ min: 0, max: 2 ** 40 }),
  buyQty: fc.integer({ min: 0, max: 100_000 }),
  sellQty: fc.integer({ min: 0, max: 100_000 }),
  side: fc.constantFrom<SideCode>(BUY, SELL),
  price: fc.integer({ min: 1, max: 20_000_000 }),
  orderQty: fc.integer({ min: 1, max: 1_000_000 }),
});

describe("the resting-order fast path of the pre-trade check", () => {
  it("allows an order only where the general check allows it, and exactly when equity covers the requirement after", () => {
    fc.assert(
      fc.property(cases, (c) => {
        const { inst, a, p } = setUp(c);
        const fast = restingCovered(a, p, inst, c.side, c.price, c.orderQty);
        if (fast) expect(general(c)).toBeNull();
        // And it leaves nothing to the general path that it could have decided itself.
        const after = requirement(inst, ...withOrderResting(c, p));
        const equity = a.collateral + (p.qty === 0 ? 0 : p.unrealizedAt(c.oracle));
        expect(fast).toBe(Number.isSafeInteger(after) && after <= equity);
      }),
      { numRuns: 2_000 },
    );
  });

  it("covers an order whose requirement equals the equity, and not one a quote unit above it", () => {
    // Flat account, oracle 100,000, a 10-lot buy at the oracle: IM 0.8% of 1,000,000 = 8,000.
    const base: Case = {
      oracle: 100_000,
      fee: 0,
      collateral: 8_000,
      qty: 0,
      entry: 0,
      buyQty: 0,
      sellQty: 0,
      side: BUY,
      price: 100_000,
      orderQty: 10,
    };
    const at = setUp(base);
    expect(restingCovered(at.a, at.p, at.inst, BUY, 100_000, 10)).toBe(true);
    const short = setUp({ ...base, collateral: 7_999 });
    expect(restingCovered(short.a, short.p, short.inst, BUY, 100_000, 10)).toBe(false);
    expect(general({ ...base, collateral: 7_999 })).toBe("INSUFFICIENT_MARGIN");
  });

  it("leaves an order whose notional overflows to the general check, which names the overflow", () => {
    const c: Case = {
      oracle: 1_000_000,
      fee: 0,
      collateral: 2 ** 52,
      qty: 0,
      entry: 0,
      buyQty: 0,
      sellQty: 0,
      side: SELL,
      price: 2 ** 30,
      orderQty: 2 ** 23,
    };
    const { inst, a, p } = setUp(c);
    expect(restingCovered(a, p, inst, SELL, c.price, c.orderQty)).toBe(false);
    expect(general(c)).toBe("MARGIN_OVERFLOW");
  });
});
