import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MarginBook } from "../engine/margin-hooks.js";
import { Engine } from "../exchange.js";
import { Account } from "../liquidator/account.js";
import { largestWithinMargin, withinBankruptcy } from "../liquidator/backstop.js";
import { InstrumentMargin } from "../liquidator/instrument-margin.js";
import type { LiquidationMode } from "../liquidator/liquidation-params.js";
import { equityOf } from "../liquidator/pre-trade-risk.js";
import type { Command, LiquidationParams } from "../protocol/commands.js";
import type { EngineEvent, EventObject } from "../protocol/events.js";
import { MAX_SAFE } from "../protocol/units.js";
import { marginedFlow, PREAMBLE } from "./margin-flows.js";
import { type Margined, marginedEngine } from "./margin-helpers.js";
import { HAND_WORKED } from "./support/hand-worked.js";

/**
 * Backstop liquidators, each case worked by hand first: MM 5%, IM 10%; account a long 100 at 1,000
 * on 10,000 (from an unmargined seller); the oracle falls to 945: equity 4,500 against MM 4,725
 * (95.2%). Backstop accounts hold 100,000 unless said.
 */

type Of<T extends EventObject["type"]> = Extract<EventObject, { type: T }>;
const ofType = <T extends EventObject["type"]>(events: readonly EventObject[], type: T): Of<T>[] =>
  events.filter((e): e is Of<T> => e.type === type);

const TIERS = [{ maxNotional: 1e12, imrPpm: 100_000, mmrPpm: 50_000 }];
const SECOND = 1_000_000_000;

function breached(
  mode: LiquidationMode,
  offers: readonly [string, number, number, number?][],
  bids: readonly [number, number][] = [],
  liquidation: LiquidationParams = {},
): Margined {
  const m = marginedEngine({ liquidation: mode });
  const setup: Command[] = [
    { type: "instrument", symbol: "X", tiers: TIERS, liquidation: { ...HAND_WORKED, ...liquidation } },
    { type: "oracle", price: 1000 },
    { type: "deposit", account: "a", amount: 10_000 },
    { type: "limit", id: "s", side: "sell", price: 1000, qty: 100 },
    { type: "limit", id: "a", side: "buy", price: 1000, qty: 100, account: "a" },
  ];
  for (const [account, discountPpm, maxNotional, deposit] of offers) {
    setup.push({ type: "deposit", account, amount: deposit ?? 100_000 });
    setup.push({ type: "backstop", account, symbol: "X", discountPpm, maxNotional });
  }
  for (const [i, [price, qty]] of bids.entries()) setup.push({ type: "limit", id: `bid${i}`, side: "buy", price, qty });
  m.run(...setup);
  return m;
}

describe("a backstop in soft mode", () => {
  it("serves a position that found nothing inside its bound for backstopAfterNs, with the fewest lots restoring the target", () => {
    // No bids. The offer's price: ⌈945 × 98%⌉ = 927, a loss of 18 a lot. k lots restore 125% when
    // (4,500 − 18k) / (5% × 945 × (100 − k)) ≥ 1.25: k = 35 (3,870 / 3,072 = 126.0%; 34 give 124.7%).
    const m = breached("soft", [["bk", 20_000, 1_000_000]]);
    expect(ofType(m.run({ type: "oracle", price: 945, ts: SECOND }), "liquidation_backstop")).toEqual([]);
    expect(ofType(m.run({ type: "tick", ts: 2 * SECOND - 1 }), "liquidation_backstop")).toEqual([]);
    const events = m.run({ type: "tick", ts: 2 * SECOND });
    expect(ofType(events, "liquidation_backstop").map((e) => [e.account, e.backstop, e.side, e.price, e.qty])).toEqual([
      ["a", "bk", "sell", 927, 35],
    ]);
    expect(ofType(events, "liquidation_reduced").map((r) => [r.qty, r.notional, r.penalty, r.position])).toEqual([
      [35, 32_445, 0, 65],
    ]);
    expect(equityOf(m.account("a"))).toBe(3_870);
    expect(m.account("a").stage).toBe(0);
    expect(m.account("bk").positions[0]?.qty).toBe(35);
    expect(m.margin.backstopsOf("X").map((o) => o.left)).toEqual([1_000_000 - 32_445]);
  });

  it("lets the smallest discount win, ties to the earlier offer", () => {
    const m = breached("soft", [
      ["b3", 30_000, 1_000_000],
      ["b2-late", 20_000, 1_000_000],
    ]);
    m.run({ type: "deposit", account: "b2-early", amount: 100_000 });
    // Placed after b2-late but re-placing b2-late puts it behind b2-early.
    m.run({ type: "backstop", account: "b2-early", symbol: "X", discountPpm: 20_000, maxNotional: 1_000_000 });
    m.run({ type: "backstop", account: "b2-late", symbol: "X", discountPpm: 20_000, maxNotional: 1_000_000 });
    m.run({ type: "oracle", price: 945, ts: SECOND });
    const events = m.run({ type: "tick", ts: 2 * SECOND });
    expect(ofType(events, "liquidation_backstop").map((e) => e.backstop)).toEqual(["b2-early"]);
  });

  it("never takes a price past the bankruptcy price", () => {
    // 60% off: 378, a loss of 567 a lot; the whole position would lose 56,700 > 4,500 of equity.
    const m = breached("soft", [["greedy", 600_000, 1_000_000]]);
    m.run({ type: "oracle", price: 945, ts: SECOND });
    expect(ofType(m.run({ type: "tick", ts: 3 * SECOND }), "liquidation_backstop")).toEqual([]);
    expect(m.account("a").positions[0]?.qty).toBe(100);
  });

  it("holds the backstop to its initial margin and its notional", () => {
    // bk holds 1,000: at 927 it gains 18 a lot and needs 10% × 945 = 94.5 a lot of IM, so
    // 1,000 + 18k ≥ ⌈94.5k⌉ allows k = 13; capacity 12,000 allows ⌊12,000 / 927⌋ = 12.
    const m = breached("soft", [["bk", 20_000, 12_000, 1_000]]);
    m.run({ type: "oracle", price: 945, ts: SECOND });
    const events = m.run({ type: "tick", ts: 2 * SECOND });
    expect(ofType(events, "liquidation_backstop").map((e) => e.qty)).toEqual([12]);
    const bk = m.account("bk");
    expect(m.margin.backstopsOf("X").map((o) => o.left)).toEqual([12_000 - 12 * 927]);
    expect(equityOf(bk)).toBe(1_000 + 12 * 18);
    const m2 = breached("soft", [["bk", 20_000, 1_000_000, 1_000]]);
    m2.run({ type: "oracle", price: 945, ts: SECOND });
    expect(ofType(m2.run({ type: "tick", ts: 2 * SECOND }), "liquidation_backstop").map((e) => e.qty)).toEqual([13]);
  });

  it("serves an account below the stage-2 health at once, while the book still has depth", () => {
    // Oracle 930: equity 3,000 over MM 4,650 (64.5% < 80%). Bids rest at 929, but the backstop goes first.
    const m = breached("soft", [["bk", 20_000, 1_000_000]], [[929, 1_000]]);
    const events = m.run({ type: "oracle", price: 930, ts: SECOND });
    expect(ofType(events, "liquidation_backstop").length).toBe(1);
    expect(ofType(events, "liquidation_order")).toEqual([]);
  });

  it("does not serve what the book can take", () => {
    const m = breached("soft", [["bk", 20_000, 1_000_000]], [[944, 1_000]]);
    const events = m.run({ type: "oracle", price: 945, ts: SECOND }, { type: "tick", ts: 5 * SECOND });
    expect(ofType(events, "liquidation_backstop")).toEqual([]);
    expect(ofType(events, "liquidation_order").length).toBeGreaterThan(0);
  });

  it("withdraws an offer with maxNotional 0, and a backstop command needs an existing instrument", () => {
    const m = breached("soft", [["bk", 20_000, 1_000_000]]);
    expect(m.engine.accounts().backstops).toEqual({ X: [{ account: "bk", discountPpm: 20_000, left: 1_000_000 }] });
    m.run({ type: "backstop", account: "bk", symbol: "X", discountPpm: 20_000, maxNotional: 0 });
    expect(m.engine.accounts().backstops).toBeUndefined();
    expect(m.margin.backstopsOf("X")).toEqual([]);
    const before = m.engine.stateHash();
    const rejected = m.run({ type: "backstop", account: "bk", symbol: "NOPE", discountPpm: 1, maxNotional: 5 });
    expect(rejected.map((e) => (e.type === "rejected" ? e.reason : e.type))).toEqual(["UNKNOWN_SYMBOL"]);
    expect(m.engine.stateHash()).toBe(before);
  });
});

describe("the hyperliquid vault", () => {
  it("takes the account over below 2/3 of its maintenance margin: positions at the oracle, the collateral with them", () => {
    // Oracle 930: equity 3,000 against MM 4,650: 64.5% < 66.7%. The vault (the offer) takes all 100
    // lots at 930; a's collateral after the transfer is its equity, 3,000, and goes to the vault.
    const m = breached("hyperliquid", [["vault", 0, 10_000_000]], [[900, 1_000]]);
    const events = m.run({ type: "oracle", price: 930, ts: SECOND });
    expect(ofType(events, "liquidation_backstop").map((e) => [e.backstop, e.price, e.qty])).toEqual([
      ["vault", 930, 100],
    ]);
    expect(ofType(events, "liquidation_order")).toEqual([]);
    const a = m.account("a");
    expect(a.positions[0]?.qty).toBe(0);
    expect(a.collateral).toBe(0);
    expect(m.account("vault").collateral).toBe(100_000 + 3_000);
  });

  it("leaves an account above 2/3 to the book", () => {
    const m = breached("hyperliquid", [["vault", 0, 10_000_000]], [[944, 1_000]]);
    const events = m.run({ type: "oracle", price: 945, ts: SECOND });
    expect(ofType(events, "liquidation_backstop")).toEqual([]);
    expect(ofType(events, "liquidation_order").map((o) => o.qty)).toEqual([100]);
  });
});

describe("drift's liquidators", () => {
  it("take the shortage's lots at the oracle less the liquidator fee, the insurance fee to the fund", () => {
    // Shortage 2,115 → 45 lots cover it; the ramp allows 5 at first (venue-policies.test.ts). The
    // offer at 1% (≤ Drift's 1% fee) takes them at ⌈945 × 99%⌉ = 936; the fund gets 1% × 5 × 945 = 47.
    const m = breached("drift", [
      ["keeper", 10_000, 1_000_000],
      ["dear", 20_000, 1_000_000],
    ]);
    const events = m.run({ type: "oracle", price: 945, ts: SECOND });
    expect(ofType(events, "liquidation_backstop").map((e) => [e.backstop, e.price, e.qty])).toEqual([
      ["keeper", 936, 5],
    ]);
    expect(ofType(events, "liquidation_reduced").map((r) => r.penalty)).toEqual([47]);
    expect(m.margin.insuranceFund).toBe(47);
  });
});

describe("money with backstops", () => {
  it.each(["soft", "hyperliquid", "drift"] as const)("is conserved and some flows do transfer (%s)", (liquidation) => {
    let transfers = 0;
    fc.assert(
      fc.property(marginedFlow(8), (commands) => {
        let net = 0;
        const engine = new Engine({
          liquidation,
          onEvent(e: EngineEvent) {
            if (e.type === "liquidation_backstop") transfers++;
            if (e.type !== "accepted") return;
            if (e.command === "deposit") net += e.amount;
            else if (e.command === "withdraw") net -= e.amount;
          },
        });
        for (const c of PREAMBLE) engine.apply(c);
        for (const command of commands) {
          engine.apply(command);
          const report = engine.accounts();
          let equity = 0;
          for (const a of Object.values(report.accounts)) equity += a.equity;
          expect(equity + report.feesCollected + report.insuranceFund).toBe(net);
        }
      }),
      // A fixed seed: transfers are rare in random flows, and these 200 are known to reach the backstops.
      { numRuns: 200, seed: 1 },
    );
    expect(transfers).toBeGreaterThan(0);
  });
});

describe("backstop sizing beyond the safe range", () => {
  /** An instrument on a stand-in book at `oracle` with one 1% bracket (the margin side reads only these). */
  function instrumentAt(oracle: number): InstrumentMargin {
    const tiers = [{ maxNotional: MAX_SAFE, imrPpm: 10_000, mmrPpm: 5_000 }];
    const spec = { symbol: "X", tiers, makerFeePpm: 0, takerFeePpm: 0, liquidation: null };
    return new InstrumentMargin({ symbol: "X", bookIndex: 0, spec, oraclePrice: oracle } as unknown as MarginBook);
  }

  it("sizes a take-over only with exact figures: lots whose value passes 2^53 are never counted as fitting", () => {
    const inst = instrumentAt(1_000_000_007);
    const backstop = new Account("b", 0);
    backstop.collateral = 2 ** 52;
    // At 1% the margin of 9.1e6 lots (9.1e15 at the oracle) would look covered; their value is not a safe integer.
    expect(largestWithinMargin(backstop, inst, true, 1_000_000_007, 9_100_000)).toBe(9_007_199);
    expect(Number.isSafeInteger(9_007_199 * 1_000_000_007)).toBe(true);
    expect(Number.isSafeInteger(9_007_200 * 1_000_000_007)).toBe(false);
    const held = backstop.positionFor(inst);
    held.qty = 9_100_000; // already past it: nothing more, and no bankruptcy price computed from it
    held.entryNotional = 9_100_000;
    expect(largestWithinMargin(backstop, inst, true, 1_000_000_007, 1)).toBe(0);
    expect(withinBankruptcy(held, 1)).toBe(false);
  });
});
