import { describe, expect, it } from "vitest";
import { exportState, restoreState } from "../engine/state-snapshot.js";
import type { LiquidationMode } from "../liquidator/liquidation-params.js";
import { equityOf } from "../liquidator/pre-trade-risk.js";
import { shockOf } from "../liquidator/preemptive.js";
import { decayPpm, isqrt, VolEstimate } from "../liquidator/volatility.js";
import type { Command } from "../protocol/commands.js";
import type { EventObject } from "../protocol/events.js";
import { type Margined, marginedEngine } from "./margin-helpers.js";
import { HAND_WORKED } from "./support/hand-worked.js";

type Of<T extends EventObject["type"]> = Extract<EventObject, { type: T }>;
const ofType = <T extends EventObject["type"]>(events: readonly EventObject[], type: T): Of<T>[] =>
  events.filter((e): e is Of<T> => e.type === type);

const TIERS = [{ maxNotional: 1e12, imrPpm: 100_000, mmrPpm: 50_000 }];
const SECOND = 1_000_000_000;

describe("the volatility estimate", () => {
  it("halves the weight of the past each half-life, in integers", () => {
    expect(decayPpm(1, 1)).toBe(500_000);
    expect(decayPpm(2 * SECOND, SECOND)).toBe(250_000);
    expect(decayPpm(SECOND / 2, SECOND)).toBe(707_107); // 2^(−1/2)
    expect(decayPpm(1, 1_000_000)).toBeGreaterThan(999_000);
    expect(decayPpm(100 * SECOND, SECOND)).toBe(0);
    expect(isqrt(50_000_000n)).toBe(7_071n);
    expect(isqrt(10n ** 30n)).toBe(10n ** 15n);
  });

  it("weighs in r² / Δt per update, and updates at one time fold together", () => {
    const v = new VolEstimate();
    v.observe(1000, 0, SECOND);
    // +1% over 1 s: a sample of 10,000² = 1e8 ppm²/s, weighed in at half.
    v.observe(1010, SECOND, SECOND);
    expect(v.variance).toBe(50_000_000);
    // A second update at the same time waits: the next sample spans both.
    v.observe(1020, SECOND, SECOND);
    expect(v.variance).toBe(50_000_000);
    // σ over 1 s = √5e7 = 7,071 ppm; 3σ = 21,213.
    expect(v.shockPpm(SECOND, 3)).toBe(21_213);
  });
});

/**
 * The pre-emptive stage on a volatile path: a long 100 at 1,000 on 10,000 (MM 5%, IM 10%), the
 * stage on (3σ over 1 s, half-life 1 s), bids 949 × 1,000. The oracle goes 1,000 → 1,010 (1 s) →
 * 950 (2 s): the second return, −5.94%, lifts σ over a second to ~4.2% and the shock to ~12.7%.
 * At 950 the account is healthy (5,000 over MM 4,750) but a 12.7% fall (120 to 830) would leave
 * 5,000 − 100 × 120 = −7,000: it enters the stage. Closing k lots at the oracle survives the shock
 * when 5,000 − 120 (100 − k) ≥ ⌈41.5 (100 − k)⌉: k = 70. Half the 10% participation of the 1,000
 * lots at the touch: a child of 50 (at 949, a loss of 50 against the oracle), then, paced, one of
 * 20 (4,950 ≥ 161.5 × 30), and the account survives: restored, never in breach, no penalty.
 */
describe("the pre-emptive stage", () => {
  function volatile(mode: LiquidationMode = "soft"): { m: Margined; events: EventObject[] } {
    const m = marginedEngine({ liquidation: mode });
    const setup: Command[] = [
      {
        type: "instrument",
        symbol: "X",
        tiers: TIERS,
        liquidation: {
          ...HAND_WORKED,
          sliceIntervalNs: 1_000_000,
          preemptive: { horizonNs: SECOND, sigmas: 3, halfLifeNs: SECOND },
        },
      },
      { type: "oracle", price: 1000 },
      { type: "deposit", account: "a", amount: 10_000 },
      { type: "limit", id: "s", side: "sell", price: 1000, qty: 100 },
      { type: "limit", id: "a", side: "buy", price: 1000, qty: 100, account: "a" },
      { type: "limit", id: "bid", side: "buy", price: 949, qty: 1000 },
    ];
    m.run(...setup);
    const events = m.run(
      { type: "oracle", price: 1010, ts: SECOND },
      { type: "oracle", price: 950, ts: 2 * SECOND },
      { type: "tick", ts: 2 * SECOND + 1_000_000 },
      { type: "tick", ts: 2 * SECOND + 2_000_000 },
    );
    return { m, events };
  }

  it("reduces an account a 3-sigma move would breach, in small paced slices, before it breaches", () => {
    const { m, events } = volatile();
    const shock = shockOf(m.margin.instrumentList[0] as NonNullable<(typeof m.margin.instrumentList)[number]>);
    expect(shock).toBeGreaterThan(126_000);
    expect(shock).toBeLessThan(128_000);
    expect(ofType(events, "liquidation_stage").map((e) => e.stage)).toEqual(["preemptive", "restored"]);
    expect(ofType(events, "liquidation_order").map((o) => [o.qty, o.price, o.ts])).toEqual([
      [50, 941, 2 * SECOND],
      [20, 941, 2 * SECOND + 1_000_000],
    ]);
    expect(ofType(events, "liquidation_reduced").map((r) => r.penalty)).toEqual([0, 0]);
    const a = m.account("a");
    expect(a.positions[0]?.qty).toBe(30);
    expect(equityOf(a)).toBe(4_930);
    expect(a.stage).toBe(0);
  });

  it("is off by default and in the other modes", () => {
    const { events } = volatile("hard");
    expect(ofType(events, "liquidation_stage")).toEqual([]);
    const m = marginedEngine();
    m.run(
      { type: "instrument", symbol: "X", tiers: TIERS, liquidation: HAND_WORKED },
      { type: "oracle", price: 1000 },
      { type: "deposit", account: "a", amount: 10_000 },
      { type: "limit", id: "s", side: "sell", price: 1000, qty: 100 },
      { type: "limit", id: "a", side: "buy", price: 1000, qty: 100, account: "a" },
    );
    const quiet = m.run({ type: "oracle", price: 1010, ts: SECOND }, { type: "oracle", price: 950, ts: 2 * SECOND });
    expect(ofType(quiet, "liquidation_stage")).toEqual([]);
  });

  it("keeps its volatility in the state: a restored engine goes on exactly", () => {
    const { m } = volatile();
    const state = exportState(m.engine);
    expect(JSON.stringify(state)).toContain('"vols"');
    const copy = marginedEngine();
    restoreState(state, copy.engine);
    expect(copy.engine.stateHash()).toBe(m.engine.stateHash());
    // The same next move gives the same events in both.
    const next: Command = { type: "oracle", price: 900, ts: 3 * SECOND };
    expect(copy.run(next)).toEqual(m.run(next));
  });
});
