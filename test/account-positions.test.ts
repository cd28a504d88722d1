import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MarginBook } from "../engine/margin-hooks.js";
import { Account } from "../liquidator/account.js";
import { InstrumentMargin } from "../liquidator/instrument-margin.js";

function instrument(symbol: string, bookIndex: number): InstrumentMargin {
  const spec = { symbol, tiers: null, makerFeePpm: 0, takerFeePpm: 0, liquidation: null };
  return new InstrumentMargin({ symbol, bookIndex, spec, oraclePrice: 1_000 } as unknown as MarginBook);
}

/**
 * An account's positions as the hot paths reach them: `solo` (its only position, in one load) must
 * be exactly what the array says, whatever order instruments are touched in, and positionIn must
 * answer alike through either.
 */
describe("an account's positions", () => {
  const instruments = [instrument("A", 0), instrument("B", 1), instrument("C", 2)];

  it("keeps solo to the only position, and none once it holds two", () => {
    const a = new Account("a", 0);
    expect(a.solo).toBeNull();
    expect(a.positionIn(instruments[0] as InstrumentMargin)).toBeNull();
    const first = a.positionFor(instruments[0] as InstrumentMargin);
    expect(a.solo).toBe(first);
    expect(a.positionIn(instruments[1] as InstrumentMargin)).toBeNull(); // solo on another instrument
    expect(a.positionFor(instruments[0] as InstrumentMargin)).toBe(first);
    const second = a.positionFor(instruments[1] as InstrumentMargin);
    expect(a.solo).toBeNull();
    expect(a.positionIn(instruments[0] as InstrumentMargin)).toBe(first);
    expect(a.positionIn(instruments[1] as InstrumentMargin)).toBe(second);
  });

  it("answers positionIn as a walk of its positions would, after any sequence of first touches", () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2 }), { maxLength: 8 }), (touches) => {
        const a = new Account("a", 0);
        for (const i of touches) a.positionFor(instruments[i] as InstrumentMargin);
        expect(a.solo).toBe(a.positions.length === 1 ? a.positions[0] : null);
        for (const inst of instruments)
          expect(a.positionIn(inst)).toBe(a.positions.find((p) => p.instrument === inst) ?? null);
      }),
    );
  });
});
