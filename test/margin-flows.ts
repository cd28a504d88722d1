/** Random all-margined command flows for the margin property tests. */
import fc from "fast-check";
import type { Command } from "../protocol/commands.js";

export const ACCOUNTS = ["a", "b", "c", "d"] as const;

const account = fc.constantFrom(...ACCOUNTS);
const side = fc.constantFrom("buy" as const, "sell" as const);
const symbol = fc.constantFrom("X", "Y");
const id = fc.integer({ min: 1, max: 80 });

/** Oracle commands carry a step (−maxStep…maxStep) here; marginedFlow turns steps into prices. */
export function marginedCommand(maxStep: number): fc.Arbitrary<Command> {
  return fc.oneof(
    {
      weight: 2,
      arbitrary: fc.record({
        type: fc.constant("deposit" as const),
        account,
        amount: fc.integer({ min: 1, max: 300 }),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        type: fc.constant("withdraw" as const),
        account,
        amount: fc.integer({ min: 1, max: 300 }),
      }),
    },
    {
      weight: 4,
      arbitrary: fc.record({
        type: fc.constant("oracle" as const),
        symbol,
        price: fc.integer({ min: -maxStep, max: maxStep }),
      }),
    },
    {
      weight: 8,
      arbitrary: fc.record(
        {
          type: fc.constant("limit" as const),
          id,
          account,
          side,
          symbol,
          price: fc.integer({ min: 85, max: 115 }),
          qty: fc.integer({ min: 1, max: 30 }),
          tif: fc.constantFrom("GTC" as const, "GTC" as const, "IOC" as const, "FOK" as const),
          reduceOnly: fc.constantFrom(false, false, false, true),
        },
        { requiredKeys: ["type", "id", "account", "side", "symbol", "price", "qty"] },
      ),
    },
    {
      weight: 3,
      arbitrary: fc.record(
        {
          type: fc.constant("market" as const),
          id,
          account,
          side,
          symbol,
          qty: fc.integer({ min: 1, max: 30 }),
          reduceOnly: fc.constantFrom(false, false, false, true),
          protectionPpm: fc.integer({ min: 0, max: 200_000 }),
        },
        { requiredKeys: ["type", "id", "account", "side", "symbol", "qty"] },
      ),
    },
    { weight: 2, arbitrary: fc.record({ type: fc.constant("cancel" as const), id }) },
    // Backstop offers (maxNotional 0 withdraws): the liquidator may transfer positions to them.
    {
      weight: 1,
      arbitrary: fc.record({
        type: fc.constant("backstop" as const),
        account,
        symbol,
        discountPpm: fc.integer({ min: 0, max: 100_000 }),
        maxNotional: fc.constantFrom(0, 500, 5_000, 100_000),
      }),
    },
    // Time passing (a step in ns; marginedFlow makes it a clock): the liquidator's pacing.
    {
      weight: 2,
      arbitrary: fc.record({ type: fc.constant("tick" as const), ts: fc.integer({ min: 0, max: 80_000_000 }) }),
    },
    {
      weight: 2,
      arbitrary: fc.record(
        {
          type: fc.constant("modify" as const),
          id,
          qty: fc.integer({ min: 1, max: 30 }),
          price: fc.integer({ min: 85, max: 115 }),
        },
        { requiredKeys: ["type", "id"] },
      ),
    },
  );
}

/** Two instruments: X with a maker rebate and small brackets (so flows cross them), Y with default brackets. */
export const PREAMBLE: Command[] = [
  {
    type: "instrument",
    symbol: "X",
    makerFeePpm: -200,
    takerFeePpm: 700,
    tiers: [
      { maxNotional: 800, imrPpm: 50_000, mmrPpm: 25_000 },
      { maxNotional: 1600, imrPpm: 100_000, mmrPpm: 50_000 },
      { maxNotional: 1_000_000_000, imrPpm: 250_000, mmrPpm: 125_000 },
    ],
  },
  { type: "instrument", symbol: "Y", makerFeePpm: 300, takerFeePpm: 300 },
  { type: "oracle", symbol: "X", price: 100 },
  { type: "oracle", symbol: "Y", price: 100 },
  ...ACCOUNTS.map((account): Command => ({ type: "deposit", account, amount: 150 })),
];

/**
 * Flows long enough to build and unwind positions. The oracle walks in steps from 100 (small
 * steps land inside the narrow bands near breach prices where a wrong trigger would show); ticks
 * move the clock forward in steps of up to 80 ms (the default slice interval is 100 ms).
 */
export function marginedFlow(maxStep: number): fc.Arbitrary<Command[]> {
  return fc.array(marginedCommand(maxStep), { minLength: 20, maxLength: 150, size: "max" }).map((commands) => {
    const oracle: Record<string, number> = { X: 100, Y: 100 };
    let clock = 0;
    return commands.map((c) => {
      if (c.type === "tick") {
        clock += c.ts ?? 0;
        return { type: "tick", ts: clock };
      }
      if (c.type !== "oracle") return c;
      const symbol = c.symbol ?? "X";
      const price = Math.max(1, (oracle[symbol] ?? 100) + c.price);
      oracle[symbol] = price;
      return { ...c, price };
    });
  });
}

/** Random all-margined flows back to back after the preamble: about 3,000 commands. */
export function marginedFlowSample(seed: number): Command[] {
  const flows = fc.sample(marginedFlow(10), { seed, numRuns: 40 });
  return [...PREAMBLE, ...flows.flat()];
}

/** One margined account breached by an oracle fall: hard closes everything, off closes nothing. */
export const breachFlow: readonly Record<string, unknown>[] = [
  { type: "instrument", symbol: "X", tiers: [{ maxNotional: 1e12, imrPpm: 100_000, mmrPpm: 50_000 }] },
  { type: "oracle", price: 1000 },
  { type: "deposit", account: "a", amount: 10_000 },
  { type: "limit", id: 1, side: "sell", price: 1000, qty: 100 },
  { type: "limit", id: 2, side: "buy", price: 1000, qty: 100, account: "a" },
  { type: "limit", id: 3, side: "buy", price: 940, qty: 500 },
  { type: "oracle", price: 945, ts: 1_000 },
];
