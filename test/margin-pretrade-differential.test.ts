import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exportState, restoreState } from "../engine/state-snapshot.js";
import { Engine } from "../exchange.js";
import type { LiquidationMode } from "../liquidator/liquidation-params.js";
import type { MarginEngine } from "../liquidator/margin-engine.js";
import type { Command } from "../protocol/commands.js";
import type { EngineEvent } from "../protocol/events.js";
import { eventToJson } from "../protocol/events.js";
import { MAX_SAFE } from "../protocol/units.js";
import { generateFlow } from "../sim/flow-generator.js";
import { SeededRandom } from "../sim/random.js";
import { marginedFlow, PREAMBLE } from "./margin-flows.js";
import { openOrderProblems, referenceEngine } from "./reference-margin.js";

/** What the runs below went through, so the suite can show it exercised the checks it compares. */
const seen = { margin: 0, overflow: 0, reduceOnly: 0, liquidationCancels: 0, accepted: 0, restores: 0 };

function note(line: string): void {
  if (line.includes('"INSUFFICIENT_MARGIN"')) seen.margin++;
  if (line.includes('"MARGIN_OVERFLOW"')) seen.overflow++;
  if (line.includes('"REDUCE_ONLY_WOULD_INCREASE"')) seen.reduceOnly++;
  if (line.includes('"reason":"LIQUIDATION"')) seen.liquidationCancels++;
  if (line.includes('"type":"accepted"')) seen.accepted++;
}

/**
 * The same commands through the exported engine (the fast pre-trade check) and through the
 * reference (recomputed from scratch at every check): identical events, identical state hashes,
 * and the fast path's open-order totals equal to a walk of the books after every command. With
 * `restoreAt`, the fast engine is exported and restored into a fresh one there and goes on from
 * the copy (its derived state must come back from the snapshot).
 */
function compare(commands: readonly Command[], liquidation: LiquidationMode, restoreAt = -1, hashEvery = 1): void {
  const fastLines: string[] = [];
  const refLines: string[] = [];
  const fastListener = (e: EngineEvent): void => {
    fastLines.push(eventToJson(e));
  };
  let fast = new Engine({ liquidation, onEvent: fastListener });
  const ref = referenceEngine({ liquidation, onEvent: (e) => refLines.push(eventToJson(e)) });
  for (let i = 0; i < commands.length; i++) {
    if (i === restoreAt) {
      const copy = new Engine({ liquidation, onEvent: fastListener });
      restoreState(JSON.parse(JSON.stringify(exportState(fast))), copy);
      fast = copy;
      seen.restores++;
    }
    const from = fastLines.length;
    fast.apply(commands[i]);
    ref.engine.apply(commands[i]);
    expect(fastLines.slice(from), `command ${i}: ${JSON.stringify(commands[i])}`).toEqual(refLines.slice(from));
    if (i % hashEvery === 0 || i === commands.length - 1) {
      expect(fast.stateHash(), `command ${i}`).toBe(ref.engine.stateHash());
      expect(openOrderProblems(fast.marginEngine as MarginEngine, fast.internalBooks), `command ${i}`).toEqual([]);
    }
  }
  for (const line of fastLines) note(line);
  expect(ref.margin.checks).toBeGreaterThan(0);
}

/** The bench's generator with little collateral and a moving oracle: many refusals, some liquidations. */
function generatedMarginFlow(seed: number, commands: number, collateral: number): Command[] {
  const flow = generateFlow({ commands, seed, accountPpm: 1_000_000, accounts: 6, collateral });
  const random = new SeededRandom(seed);
  const out: Command[] = [];
  let oracle = 100_000;
  for (const c of flow) {
    out.push(c);
    if (random.chance(20_000)) {
      oracle += random.below(41) - 20;
      out.push({ type: "oracle", price: oracle });
    }
  }
  return out;
}

describe.each(["soft", "hard", "off"] as const)(
  "the fast pre-trade check against the reference, liquidation %s",
  (liquidation) => {
    it("accepts and refuses exactly what a from-scratch check does, with the same events and state", () => {
      fc.assert(
        fc.property(marginedFlow(10), (commands) => compare([...PREAMBLE, ...commands], liquidation)),
        { numRuns: 120 },
      );
    });

    it("gives the same events after a snapshot restore in the middle of a flow", () => {
      fc.assert(
        fc.property(marginedFlow(10), fc.nat(), (commands, cut) =>
          compare([...PREAMBLE, ...commands], liquidation, PREAMBLE.length + (cut % (commands.length + 1))),
        ),
        { numRuns: 60 },
      );
    });

    it("refuses, as an overflow, an order whose lots times the oracle leave the safe range though its own notional is safe", () => {
      // Bids far below a high oracle: each order's price × qty is small, but equity and margin
      // price the lots at the oracle. At a 1% rate the requirement stays safe where the exposure
      // does not: figures the old check computed with rounded products.
      const tiers = [{ maxNotional: MAX_SAFE, imrPpm: 10_000, mmrPpm: 5_000 }];
      const X = { symbol: "X" };
      const flow: Command[] = [
        { type: "instrument", symbol: "X", tiers },
        { type: "oracle", ...X, price: 1_000_000_007 },
        { type: "deposit", account: "big", amount: 2 ** 52 },
        { type: "limit", ...X, id: 1, account: "big", side: "buy", price: 1, qty: 9_000_000 }, // 9.000000063e15: safe
        { type: "limit", ...X, id: 2, account: "big", side: "buy", price: 1, qty: 10_000 }, // 9.01e15 > 2^53
        { type: "withdraw", account: "big", amount: 1 }, // fine: the exposure is still safe
        { type: "modify", id: 1, qty: 9_010_000 }, // the same exposure through a modify
        // It would sweep its own bids (self-trade prevention comes later): short 10,000 beside 9e6 open buys.
        { type: "market", ...X, id: 3, account: "big", side: "sell", qty: 10_000 },
        { type: "oracle", ...X, price: 1_100_000_000 }, // the 9e6 open lots are worth 9.9e15 now
        { type: "withdraw", account: "big", amount: 1 }, // its figures can no longer be priced exactly
        { type: "cancel", id: 1 },
        { type: "limit", ...X, id: 4, account: "big", side: "buy", price: 1, qty: 10_000 }, // safe again
      ];
      compare(flow, liquidation);
      const outcomes: string[] = [];
      const engine = new Engine({
        liquidation,
        onEvent: (e) => {
          if (e.type === "accepted") outcomes.push(`${e.command} ok`);
          if (e.type === "rejected") outcomes.push(`${e.command} ${e.reason}`);
        },
      });
      for (const c of flow) engine.apply(c);
      expect(outcomes).toEqual([
        "instrument ok",
        "oracle ok",
        "deposit ok",
        "limit ok",
        "limit MARGIN_OVERFLOW",
        "withdraw ok",
        "modify MARGIN_OVERFLOW",
        "market MARGIN_OVERFLOW",
        "oracle ok",
        "withdraw MARGIN_OVERFLOW",
        "cancel ok",
        "limit ok",
      ]);
    });

    it("agrees on the benchmark's generated flow with tight collateral", () => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 1_000_000 }),
          fc.integer({ min: 300_000, max: 30_000_000 }),
          (seed, collateral) => compare(generatedMarginFlow(seed, 2_500, collateral), liquidation, -1, 50),
        ),
        { numRuns: 4 },
      );
    });
  },
);

describe("the differential runs", () => {
  it("went through refusals of every kind, liquidation cancels and restores", () => {
    expect(seen.accepted).toBeGreaterThan(0);
    expect(seen.margin).toBeGreaterThan(0);
    expect(seen.reduceOnly).toBeGreaterThan(0);
    expect(seen.liquidationCancels).toBeGreaterThan(0);
    expect(seen.restores).toBeGreaterThan(0);
  });
});
