import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validateInternalState } from "../engine/consistency.js";
import type { MatchingEngine } from "../engine/engine.js";
import type { Command } from "../protocol/commands.js";
import type { EventObject } from "../protocol/events.js";
import { BUSINESS_REJECT_CODES, MALFORMED_REJECT_CODES, type RejectCode } from "../protocol/reject-codes.js";
import { commandLike } from "./command-arbitraries.js";
import { applyRaw, engineWith, expectConsistent, limit, recordingEngine, typesOf } from "./helpers.js";

/** A book with a little of everything, a clock at 100 and a second instrument. */
const SETUP: Command[] = [
  { type: "instrument", symbol: "Y", ts: 10 },
  limit(1, "buy", 100, 5, { account: "a" }),
  limit(2, "sell", 105, 5, { postOnly: true }),
  limit(3, "sell", 106, 2, { symbol: "Y", ts: 100 }),
];

/** Codes of the money layer: the bare matching engine never emits them (the margin tests cover them). */
const MARGIN_CODES = [
  "INSUFFICIENT_MARGIN",
  "INSUFFICIENT_COLLATERAL",
  "NO_MARK_PRICE",
  "REDUCE_ONLY_WOULD_INCREASE",
  "BALANCE_OVERFLOW",
  "MARGIN_OVERFLOW",
] as const;

/** One command that yields each code the bare engine emits (UNKNOWN_FIELD, INVALID_HEADER: files only, see replay-files). */
const SCENARIOS: Record<
  Exclude<RejectCode, (typeof MARGIN_CODES)[number] | "UNKNOWN_FIELD" | "INVALID_HEADER" | "FORBIDDEN">,
  unknown[]
> = {
  MALFORMED_LINE: [null, 42, "limit", [], [{ type: "tick", ts: 1 }], true],
  UNKNOWN_COMMAND: [{}, { type: "buy" }, { type: 1 }, { type: "toString" }, { type: "__proto__" }, { id: 1 }],
  INVALID_ID: [
    { type: "limit", side: "buy", price: 1, qty: 1 },
    { type: "limit", id: 0, side: "buy", price: 1, qty: 1 },
    { type: "limit", id: -1, side: "buy", price: 1, qty: 1 },
    { type: "limit", id: 1.5, side: "buy", price: 1, qty: 1 },
    { type: "limit", id: 2 ** 53, side: "buy", price: 1, qty: 1 },
    { type: "limit", id: "", side: "buy", price: 1, qty: 1 },
    { type: "limit", id: "x".repeat(65), side: "buy", price: 1, qty: 1 },
    { type: "limit", id: null, side: "buy", price: 1, qty: 1 },
    { type: "cancel", id: [1] },
    { type: "modify", id: true, qty: 1 },
    { type: "market", id: {}, side: "buy", qty: 1 },
  ],
  INVALID_SIDE: [
    { type: "limit", id: 9, price: 1, qty: 1 },
    { type: "limit", id: 9, side: "BUY", price: 1, qty: 1 },
    { type: "market", id: 9, side: 0, qty: 1 },
  ],
  INVALID_PRICE: [
    { type: "limit", id: 9, side: "buy", qty: 1 },
    { type: "limit", id: 9, side: "buy", price: 0, qty: 1 },
    { type: "limit", id: 9, side: "buy", price: -3, qty: 1 },
    { type: "limit", id: 9, side: "buy", price: 100.5, qty: 1 },
    { type: "limit", id: 9, side: "buy", price: "100", qty: 1 },
    { type: "limit", id: 9, side: "buy", price: Number.NaN, qty: 1 },
    { type: "limit", id: 9, side: "buy", price: Number.POSITIVE_INFINITY, qty: 1 },
    { type: "limit", id: 9, side: "buy", price: 2 ** 53, qty: 1 },
    { type: "modify", id: 1, price: 0 },
    { type: "oracle", price: -1 },
    { type: "oracle" },
  ],
  INVALID_QTY: [
    { type: "limit", id: 9, side: "buy", price: 1 },
    { type: "limit", id: 9, side: "buy", price: 1, qty: 0 },
    { type: "limit", id: 9, side: "buy", price: 1, qty: 0.5 },
    { type: "market", id: 9, side: "buy", qty: -1 },
    { type: "market", id: 9, side: "buy", qty: 2 ** 53 },
    { type: "modify", id: 1, qty: 0 },
    { type: "modify", id: 1, qty: "3" },
  ],
  NOTIONAL_OVERFLOW: [
    { type: "limit", id: 9, side: "buy", price: 2 ** 30, qty: 2 ** 30 },
    { type: "modify", id: 1, price: 2 ** 30, qty: 2 ** 30 },
    // only the new price is given: the product with the order's open quantity (5) overflows
    { type: "modify", id: 1, price: 2 ** 51 },
    { type: "modify", id: 1, qty: 2 ** 47 },
  ],
  INVALID_SYMBOL: [
    { type: "limit", id: 9, side: "buy", price: 1, qty: 1, symbol: "" },
    { type: "limit", id: 9, side: "buy", price: 1, qty: 1, symbol: 5 },
    { type: "market", id: 9, side: "buy", qty: 1, symbol: "S".repeat(33) },
    { type: "instrument" },
    { type: "instrument", symbol: null },
    { type: "oracle", price: 1, symbol: [] },
    { type: "backstop", account: "b", discountPpm: 0, maxNotional: 0 }, // the symbol is required
  ],
  INVALID_ACCOUNT: [
    { type: "limit", id: 9, side: "buy", price: 1, qty: 1, account: "" },
    { type: "limit", id: 9, side: "buy", price: 1, qty: 1, account: 0 },
    { type: "limit", id: 9, side: "buy", price: 1, qty: 1, account: -2 },
    { type: "limit", id: 9, side: "buy", price: 1, qty: 1, account: null },
    { type: "limit", id: 9, side: "buy", price: 1, qty: 1, account: "a".repeat(65) },
    { type: "deposit", amount: 5 },
  ],
  INVALID_TIF: [
    { type: "limit", id: 9, side: "buy", price: 1, qty: 1, tif: "gtc" },
    { type: "limit", id: 9, side: "buy", price: 1, qty: 1, tif: "DAY" },
    { type: "limit", id: 9, side: "buy", price: 1, qty: 1, tif: null },
  ],
  INVALID_POST_ONLY: [
    { type: "limit", id: 9, side: "buy", price: 1, qty: 1, postOnly: "true" },
    { type: "limit", id: 9, side: "buy", price: 1, qty: 1, postOnly: 1 },
  ],
  INVALID_REDUCE_ONLY: [
    { type: "limit", id: 9, side: "buy", price: 1, qty: 1, reduceOnly: "yes" },
    { type: "market", id: 9, side: "buy", qty: 1, reduceOnly: 0 },
  ],
  INVALID_STP: [
    { type: "limit", id: 9, side: "buy", price: 1, qty: 1, stp: "cancel_both" },
    { type: "market", id: 9, side: "buy", qty: 1, stp: null },
  ],
  INVALID_PROTECTION: [
    { type: "market", id: 9, side: "buy", qty: 1, protectionPpm: -1 },
    { type: "market", id: 9, side: "buy", qty: 1, protectionPpm: 0.5 },
    { type: "market", id: 9, side: "buy", qty: 1, protectionPpm: "10" },
  ],
  POST_ONLY_REQUIRES_GTC: [
    { type: "limit", id: 9, side: "buy", price: 1, qty: 1, postOnly: true, tif: "IOC" },
    { type: "limit", id: 9, side: "buy", price: 1, qty: 1, postOnly: true, tif: "FOK" },
  ],
  REDUCE_ONLY_REQUIRES_ACCOUNT: [
    { type: "limit", id: 9, side: "buy", price: 1, qty: 1, reduceOnly: true },
    { type: "market", id: 9, side: "sell", qty: 1, reduceOnly: true },
  ],
  NOTHING_TO_MODIFY: [{ type: "modify", id: 1 }],
  INVALID_AMOUNT: [
    { type: "deposit", account: "a" },
    { type: "withdraw", account: "a", amount: 0 },
    { type: "deposit", account: "a", amount: 1.5 },
  ],
  INVALID_TS: [
    { type: "tick" },
    { type: "tick", ts: -1 },
    { type: "tick", ts: 1.5 },
    { type: "limit", id: 9, side: "buy", price: 1, qty: 1, ts: "200" },
    { type: "cancel", id: 1, ts: 2 ** 53 },
  ],
  INVALID_TIERS: [
    { type: "instrument", symbol: "Z", tiers: [] },
    { type: "instrument", symbol: "Z", tiers: {} },
    { type: "instrument", symbol: "Z", tiers: [{ maxNotional: 10, imrPpm: 100, mmrPpm: 200 }] },
    {
      type: "instrument",
      symbol: "Z",
      tiers: [
        { maxNotional: 10, imrPpm: 200, mmrPpm: 100 },
        { maxNotional: 10, imrPpm: 200, mmrPpm: 100 },
      ],
    },
    { type: "instrument", symbol: "Z", tiers: [{ maxNotional: 10, imrPpm: 200, mmrPpm: 100, extra: 1 }] },
  ],
  INVALID_FEE: [
    { type: "instrument", symbol: "Z", takerFeePpm: -1 },
    { type: "instrument", symbol: "Z", makerFeePpm: 2_000_000 },
    { type: "instrument", symbol: "Z", makerFeePpm: -10, takerFeePpm: 5 },
  ],
  INVALID_LIQUIDATION: [
    { type: "instrument", symbol: "Z", liquidation: { penaltyPpm: 2_000_000 } },
    { type: "instrument", symbol: "Z", liquidation: { unknown: 1 } },
    { type: "instrument", symbol: "Z", liquidation: [] },
    { type: "instrument", symbol: "Z", liquidation: { targetHealthPpm: 999_999 } }, // a target below 100%
    { type: "instrument", symbol: "Z", liquidation: { stage2HealthPpm: 1_000_001 } },
    { type: "instrument", symbol: "Z", liquidation: { participationPpm: 0 } },
  ],
  DUPLICATE_ID: [
    limit(1, "buy", 99, 1),
    limit("1", "sell", 200, 1),
    limit(3, "buy", 1, 1), // live on another instrument
    { type: "market", id: 2, side: "buy", qty: 1 },
  ],
  UNKNOWN_ORDER: [
    { type: "cancel", id: 77 },
    { type: "cancel", id: "01" }, // not the id 1: only canonical integers are numbers
    { type: "modify", id: 77, qty: 1 },
  ],
  UNKNOWN_SYMBOL: [
    limit(9, "buy", 1, 1, { symbol: "Z" }),
    { type: "market", id: 9, side: "buy", qty: 1, symbol: "Z" },
    { type: "oracle", price: 1, symbol: "Z" },
  ],
  INSTRUMENT_EXISTS: [
    { type: "instrument", symbol: "Y" },
    { type: "instrument", symbol: "X" },
  ],
  POST_ONLY_WOULD_CROSS: [
    limit(9, "buy", 105, 1, { postOnly: true }),
    limit(9, "sell", 100, 1, { postOnly: true }),
    { type: "modify", id: 2, price: 100 }, // a post-only order re-priced across the spread
  ],
  TS_DECREASING: [{ type: "tick", ts: 99 }, limit(9, "buy", 1, 1, { ts: 0 }), { type: "cancel", id: 1, ts: 50 }],
  UNSUPPORTED_COMMAND: [
    { type: "deposit", account: "a", amount: 5 },
    { type: "withdraw", account: 7, amount: 5 },
    { type: "backstop", account: "b", symbol: "X", discountPpm: 10_000, maxNotional: 5 },
  ],
  INVALID_DISCOUNT: [
    { type: "backstop", account: "b", symbol: "X", maxNotional: 5 },
    { type: "backstop", account: "b", symbol: "X", discountPpm: -1, maxNotional: 5 },
    { type: "backstop", account: "b", symbol: "X", discountPpm: 1_000_001, maxNotional: 5 },
    { type: "backstop", account: "b", symbol: "X", discountPpm: 0.5, maxNotional: 5 },
  ],
};

interface Snapshot {
  hash: string;
  books: unknown;
  orders: unknown;
  clock: number;
  live: number;
  symbols: string[];
}

function snapshot(engine: MatchingEngine): Snapshot {
  return {
    hash: engine.stateHash(),
    books: engine.bookSnapshot(),
    orders: engine.symbols().flatMap((s) => [engine.restingOrders(s, "buy"), engine.restingOrders(s, "sell")]),
    clock: engine.clock,
    live: engine.liveOrderCount,
    symbols: engine.symbols(),
  };
}

describe("rejects", () => {
  it("has a scenario for every reject code the engine emits today", () => {
    // FORBIDDEN comes from the replicated venue's subject permissions (test/replica-permissions.test.ts).
    const covered = new Set([
      ...Object.keys(SCENARIOS),
      "UNKNOWN_FIELD",
      "INVALID_HEADER",
      "FORBIDDEN",
      ...MARGIN_CODES,
    ]);
    expect([...MALFORMED_REJECT_CODES, ...BUSINESS_REJECT_CODES].filter((c) => !covered.has(c))).toEqual([]);
  });

  for (const [code, inputs] of Object.entries(SCENARIOS)) {
    it(`rejects with ${code} in one event and changes nothing`, () => {
      for (const input of inputs) {
        const { engine, events } = engineWith(...SETUP);
        expect(events).toEqual([]);
        const before = snapshot(engine);
        const seq = engine.seq;
        const out = applyRaw(engine, events, input, 17);
        expect(typesOf(out), JSON.stringify(input)).toEqual([`rejected:${code}`]);
        expect(out[0]).toMatchObject({ seq: seq + 1, line: 17 });
        expect(snapshot(engine), JSON.stringify(input)).toEqual(before);
        expectConsistent(engine);
      }
    });
  }

  it("checks a decreasing ts before the state: a bad cancel in the past is TS_DECREASING", () => {
    const { engine, events } = engineWith({ type: "tick", ts: 100 });
    expect(typesOf(applyRaw(engine, events, { type: "cancel", id: 5, ts: 1 }))).toEqual(["rejected:TS_DECREASING"]);
  });

  it("accepts a ts equal to the clock", () => {
    const { engine, events } = engineWith({ type: "tick", ts: 100 });
    expect(typesOf(applyRaw(engine, events, { type: "tick", ts: 100 }))).toEqual(["accepted"]);
  });

  it("does not advance the clock on a rejected command", () => {
    const { engine, events } = engineWith({ type: "tick", ts: 100 });
    applyRaw(engine, events, { type: "cancel", id: 5, ts: 500 });
    expect(engine.clock).toBe(100);
    expect(typesOf(applyRaw(engine, events, { type: "tick", ts: 200 }))).toEqual(["accepted"]);
  });

  it("names the command, the id and the line in a rejected event, with the command's own ts", () => {
    const { engine, events } = engineWith({ type: "tick", ts: 100 });
    expect(applyRaw(engine, events, { type: "cancel", id: "abc", ts: 150 }, 3)).toEqual([
      { seq: 2, ts: 150, type: "rejected", command: "cancel", id: "abc", reason: "UNKNOWN_ORDER", line: 3 },
    ]);
    expect(applyRaw(engine, events, { type: "cancel", id: 1, ts: 50 })).toEqual([
      { seq: 3, ts: 100, type: "rejected", command: "cancel", id: 1, reason: "TS_DECREASING" },
    ]);
  });

  it("does not name a command for input that has no known type", () => {
    const { engine, events } = recordingEngine();
    expect(applyRaw(engine, events, "garbage", 4)).toEqual([
      { seq: 1, ts: 0, type: "rejected", reason: "MALFORMED_LINE", line: 4 },
    ]);
    expect(applyRaw(engine, events, { type: "teleport", id: 3 })).toEqual([
      { seq: 2, ts: 0, type: "rejected", reason: "UNKNOWN_COMMAND" },
    ]);
  });

  it("reports a line the reader could not parse through rejectLine", () => {
    const { engine, events } = recordingEngine();
    engine.rejectLine("UNKNOWN_FIELD", 12, "limit", 4);
    expect(events).toEqual([
      { seq: 1, ts: 0, type: "rejected", command: "limit", id: 4, reason: "UNKNOWN_FIELD", line: 12 },
    ]);
  });
});

function expectOneLeadingVerdict(out: readonly EventObject[]): void {
  expect(out.length).toBeGreaterThan(0);
  expect(["accepted", "rejected"]).toContain(out[0]?.type);
  for (const e of out.slice(1)) expect(["accepted", "rejected"]).not.toContain(e.type);
}

describe("the engine never throws on user input", () => {
  it("answers any JSON value with exactly one rejected event", () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        const { engine, events } = recordingEngine();
        if (typeof value === "object" && value !== null && !Array.isArray(value)) return;
        expect(typesOf(applyRaw(engine, events, value))).toEqual(["rejected:MALFORMED_LINE"]);
      }),
      { numRuns: 300 },
    );
  });

  it("answers any command-shaped object with one verdict first and stays consistent", () => {
    fc.assert(
      fc.property(fc.array(commandLike, { minLength: 1, maxLength: 25 }), (commands) => {
        const { engine, events } = engineWith(...SETUP);
        for (const { type, fields } of commands) {
          const input: Record<string, unknown> = { ...fields, type };
          const hash = engine.stateHash();
          const out = applyRaw(engine, events, input);
          expectOneLeadingVerdict(out);
          if (out[0]?.type === "rejected") expect(engine.stateHash()).toBe(hash);
        }
        expect(validateInternalState(engine)).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });

  it("survives JSON-parsed objects with __proto__ keys and odd prototypes", () => {
    const { engine, events } = recordingEngine();
    const inputs: unknown[] = [
      JSON.parse('{"type":"limit","id":1,"side":"buy","price":1,"qty":1,"__proto__":{"tif":"FOK"}}'),
      Object.create(null),
      Object.assign(Object.create(null), { type: "tick", ts: 1 }),
      new Date(0),
      new Map([["type", "tick"]]),
      () => 1,
      Symbol("x"),
      10n,
    ];
    for (const input of inputs) expectOneLeadingVerdict(applyRaw(engine, events, input));
    expectConsistent(engine);
  });
});
