import { describe, expect, it } from "vitest";
import {
  engineWith,
  expectConsistent,
  fillsOf,
  limit,
  queueOf,
  recordingEngine,
  run,
  strip,
  typesOf,
} from "./helpers.js";

describe("limit orders", () => {
  it("rests a GTC order that does not cross and reports one accepted event", () => {
    const { engine, events } = recordingEngine();
    const out = run(engine, events, limit(1, "buy", 100, 5, { account: "a", ts: 7 }));
    expect(out).toEqual([
      {
        seq: 1,
        ts: 7,
        type: "accepted",
        command: "limit",
        id: 1,
        symbol: "X",
        side: "buy",
        price: 100,
        qty: 5,
        tif: "GTC",
        account: "a",
      },
    ]);
    expect(engine.depth()).toEqual({ bids: [[100, 5, 1]], asks: [] });
    expectConsistent(engine);
  });

  it("fills across levels best price first, each fill at the maker's price", () => {
    const { engine, events } = engineWith(
      limit(1, "sell", 103, 2),
      limit(2, "sell", 101, 3),
      limit(3, "sell", 102, 4),
      limit(4, "sell", 104, 1),
    );
    const out = run(engine, events, limit(9, "buy", 103, 8));
    expect(fillsOf(out)).toEqual([
      [2, 101, 3],
      [3, 102, 4],
      [1, 103, 1],
    ]);
    expect(out.at(-1)).toMatchObject({ type: "fill", takerRemaining: 0, makerRemaining: 1, makerId: 1 });
    expect(engine.depth()).toEqual({
      bids: [],
      asks: [
        [103, 1, 1],
        [104, 1, 1],
      ],
    });
    expectConsistent(engine);
  });

  it("fills FIFO inside a level", () => {
    const { engine, events } = engineWith(
      limit(1, "buy", 100, 2),
      limit(2, "buy", 100, 2),
      limit(3, "buy", 100, 2),
      limit(4, "buy", 101, 1),
    );
    const out = run(engine, events, limit(9, "sell", 100, 4, { tif: "IOC" }));
    expect(fillsOf(out)).toEqual([
      [4, 101, 1],
      [1, 100, 2],
      [2, 100, 1],
    ]);
    expect(queueOf(engine, "buy")).toEqual([
      [2, 100, 1],
      [3, 100, 2],
    ]);
  });

  it("reports each fill with both sides' ids, accounts and remaining quantities", () => {
    const { engine, events } = engineWith(limit(1, "sell", 100, 5, { account: "m" }));
    const out = run(engine, events, limit("t", "buy", 100, 3, { account: "t" }));
    expect(strip(out)).toEqual([
      {
        type: "accepted",
        command: "limit",
        id: "t",
        symbol: "X",
        side: "buy",
        price: 100,
        qty: 3,
        tif: "GTC",
        account: "t",
      },
      {
        type: "fill",
        symbol: "X",
        price: 100,
        qty: 3,
        takerSide: "buy",
        makerId: 1,
        takerId: "t",
        makerAccount: "m",
        takerAccount: "t",
        makerRemaining: 2,
        takerRemaining: 0,
        liquidation: false,
      },
    ]);
  });

  it("rests a GTC remainder at the back of its level", () => {
    const { engine, events } = engineWith(limit(1, "sell", 100, 2), limit(2, "buy", 99, 1));
    const out = run(engine, events, limit(3, "buy", 100, 5), limit(4, "buy", 100, 1));
    expect(typesOf(out)).toEqual(["accepted"]);
    expect(queueOf(engine, "buy")).toEqual([
      [3, 100, 3],
      [4, 100, 1],
      [2, 99, 1],
    ]);
    expect(engine.depth().asks).toEqual([]);
    expectConsistent(engine);
  });

  it("cancels the unfilled rest of an IOC order with IOC_REMAINDER", () => {
    const { engine, events } = engineWith(limit(1, "sell", 100, 2), limit(2, "sell", 102, 2));
    const out = run(engine, events, limit(3, "buy", 101, 5, { tif: "IOC" }));
    expect(typesOf(out)).toEqual(["accepted", "fill", "cancelled:IOC_REMAINDER"]);
    expect(out.at(-1)).toMatchObject({ id: 3, remaining: 3, symbol: "X" });
    expect(engine.depth()).toEqual({ bids: [], asks: [[102, 2, 1]] });
    expect(engine.order(3)).toBeNull();
  });

  it("cancels an IOC that finds nothing to trade with its whole quantity", () => {
    const { engine, events } = recordingEngine();
    const out = run(engine, events, limit(1, "sell", 100, 4, { tif: "IOC" }));
    expect(typesOf(out)).toEqual(["accepted", "cancelled:IOC_REMAINDER"]);
    expect(out[1]).toMatchObject({ remaining: 4 });
  });

  it("fills a FOK order completely when the depth within its limit suffices", () => {
    const { engine, events } = engineWith(limit(1, "sell", 100, 2), limit(2, "sell", 101, 3));
    const out = run(engine, events, limit(3, "buy", 101, 5, { tif: "FOK" }));
    expect(typesOf(out)).toEqual(["accepted", "fill", "fill"]);
    expect(engine.depth()).toEqual({ bids: [], asks: [] });
  });

  it("cancels a FOK that cannot fill completely with FOK_UNFILLABLE and trades nothing", () => {
    const { engine, events } = engineWith(limit(1, "sell", 100, 2), limit(2, "sell", 101, 3));
    const before = engine.stateHash();
    const out = run(engine, events, limit(3, "buy", 100, 3, { tif: "FOK" }));
    expect(strip(out)).toEqual([
      { type: "accepted", command: "limit", id: 3, symbol: "X", side: "buy", price: 100, qty: 3, tif: "FOK" },
      { type: "cancelled", id: 3, symbol: "X", remaining: 3, reason: "FOK_UNFILLABLE" },
    ]);
    expect(engine.stateHash()).toBe(before);
  });

  it("rests a post-only order that does not cross", () => {
    const { engine, events } = engineWith(limit(1, "sell", 101, 2));
    const out = run(engine, events, limit(2, "buy", 100, 3, { postOnly: true }));
    expect(out).toEqual([expect.objectContaining({ type: "accepted", postOnly: true })]);
    expect(engine.order(2)).toMatchObject({ postOnly: true, open: 3 });
  });

  it("rejects a post-only order that would cross, at the touch too", () => {
    const { engine, events } = engineWith(limit(1, "sell", 101, 2));
    const before = engine.stateHash();
    expect(typesOf(run(engine, events, limit(2, "buy", 101, 3, { postOnly: true })))).toEqual([
      "rejected:POST_ONLY_WOULD_CROSS",
    ]);
    expect(typesOf(run(engine, events, limit(3, "buy", 105, 3, { postOnly: true })))).toEqual([
      "rejected:POST_ONLY_WOULD_CROSS",
    ]);
    expect(engine.stateHash()).toBe(before);
  });

  it("carries reduceOnly on the accepted event and the resting order", () => {
    const { engine, events } = recordingEngine();
    const out = run(engine, events, limit(1, "sell", 100, 1, { account: "a", reduceOnly: true }));
    expect(out[0]).toMatchObject({ type: "accepted", reduceOnly: true });
    expect(engine.order(1)).toMatchObject({ reduceOnly: true, account: "a" });
  });

  it('treats the string id "42" as the id 42', () => {
    const { engine, events } = engineWith(limit("42", "buy", 100, 1));
    expect(engine.order(42)).toMatchObject({ id: 42 });
    expect(typesOf(run(engine, events, limit(42, "buy", 99, 1)))).toEqual(["rejected:DUPLICATE_ID"]);
    expect(typesOf(run(engine, events, { type: "cancel", id: "42" }))).toEqual(["accepted", "cancelled:USER"]);
  });

  it("lets an id be reused once its order is no longer live", () => {
    const { engine, events } = engineWith(limit(1, "sell", 100, 1), limit(2, "buy", 100, 1));
    expect(typesOf(run(engine, events, limit(1, "buy", 90, 1)))).toEqual(["accepted"]);
    expect(typesOf(run(engine, events, limit(2, "buy", 91, 1)))).toEqual(["accepted"]);
  });
});

describe("market orders", () => {
  it("takes liquidity without a bound when there is no protectionPpm", () => {
    const { engine, events } = engineWith(limit(1, "sell", 100, 1), limit(2, "sell", 1_000_000, 1));
    const out = run(engine, events, { type: "market", id: 3, side: "buy", qty: 2 });
    expect(typesOf(out)).toEqual(["accepted", "fill", "fill"]);
    expect(fillsOf(out)).toEqual([
      [1, 100, 1],
      [2, 1_000_000, 1],
    ]);
    expect(strip(out.slice(0, 1))).toEqual([
      { type: "accepted", command: "market", id: 3, symbol: "X", side: "buy", qty: 2 },
    ]);
  });

  it("cancels its rest with NO_LIQUIDITY when the opposite side empties", () => {
    const { engine, events } = engineWith(limit(1, "buy", 100, 1));
    const out = run(engine, events, { type: "market", id: 3, side: "sell", qty: 5 });
    expect(typesOf(out)).toEqual(["accepted", "fill", "cancelled:NO_LIQUIDITY"]);
    expect(out.at(-1)).toMatchObject({ id: 3, remaining: 4 });
  });

  it("cancels all of it with NO_LIQUIDITY when the opposite side is empty on arrival", () => {
    const { engine, events } = engineWith(limit(1, "buy", 100, 1));
    const out = run(engine, events, { type: "market", id: 3, side: "buy", qty: 5, protectionPpm: 10 });
    expect(typesOf(out)).toEqual(["accepted", "cancelled:NO_LIQUIDITY"]);
    expect(out.at(-1)).toMatchObject({ remaining: 5 });
  });

  it("stops a buy at best ask × (1 + ppm), rounded down, and cancels the rest with PROTECTION_BOUND", () => {
    // best 1000, 1500 ppm: bound 1001.5 → 1001; the level at 1002 stays.
    const { engine, events } = engineWith(
      limit(1, "sell", 1000, 1),
      limit(2, "sell", 1001, 1),
      limit(3, "sell", 1002, 1),
    );
    const out = run(engine, events, { type: "market", id: 9, side: "buy", qty: 3, protectionPpm: 1500 });
    expect(fillsOf(out)).toEqual([
      [1, 1000, 1],
      [2, 1001, 1],
    ]);
    expect(out.at(-1)).toMatchObject({ type: "cancelled", reason: "PROTECTION_BOUND", remaining: 1 });
    expect(engine.depth().asks).toEqual([[1002, 1, 1]]);
  });

  it("stops a sell at best bid × (1 − ppm), rounded up", () => {
    // best 1000, 1500 ppm: bound 998.5 → 999; the level at 998 stays.
    const { engine, events } = engineWith(limit(1, "buy", 1000, 1), limit(2, "buy", 999, 1), limit(3, "buy", 998, 1));
    const out = run(engine, events, { type: "market", id: 9, side: "sell", qty: 3, protectionPpm: 1500 });
    expect(fillsOf(out)).toEqual([
      [1, 1000, 1],
      [2, 999, 1],
    ]);
    expect(out.at(-1)).toMatchObject({ reason: "PROTECTION_BOUND", remaining: 1 });
  });

  it("includes a level exactly on the bound", () => {
    // best 1000, 2000 ppm: bound exactly 1002 for a buy, exactly 998 for a sell.
    const buy = engineWith(limit(1, "sell", 1000, 1), limit(2, "sell", 1002, 1), limit(3, "sell", 1003, 1));
    expect(
      fillsOf(run(buy.engine, buy.events, { type: "market", id: 9, side: "buy", qty: 3, protectionPpm: 2000 })),
    ).toEqual([
      [1, 1000, 1],
      [2, 1002, 1],
    ]);
    const sell = engineWith(limit(1, "buy", 1000, 1), limit(2, "buy", 998, 1), limit(3, "buy", 997, 1));
    expect(
      fillsOf(run(sell.engine, sell.events, { type: "market", id: 9, side: "sell", qty: 3, protectionPpm: 2000 })),
    ).toEqual([
      [1, 1000, 1],
      [2, 998, 1],
    ]);
  });

  it("with protectionPpm 0 trades only at the best price on arrival", () => {
    const { engine, events } = engineWith(limit(1, "sell", 7, 1), limit(2, "sell", 7, 1), limit(3, "sell", 8, 1));
    const out = run(engine, events, { type: "market", id: 9, side: "buy", qty: 5, protectionPpm: 0 });
    expect(typesOf(out)).toEqual(["accepted", "fill", "fill", "cancelled:PROTECTION_BOUND"]);
    expect(out.at(-1)).toMatchObject({ remaining: 3 });
  });

  it("rounds a tiny bound inward: 1 ppm on a price of 3 moves nothing", () => {
    const { engine, events } = engineWith(limit(1, "buy", 3, 1), limit(2, "buy", 2, 1));
    const out = run(engine, events, { type: "market", id: 9, side: "sell", qty: 2, protectionPpm: 1 });
    expect(fillsOf(out)).toEqual([[1, 3, 1]]);
    expect(out.at(-1)).toMatchObject({ reason: "PROTECTION_BOUND" });
  });

  it("lets a sell with protectionPpm of 100% or more reach any bid", () => {
    const { engine, events } = engineWith(limit(1, "buy", 1000, 1), limit(2, "buy", 1, 1));
    const out = run(engine, events, { type: "market", id: 9, side: "sell", qty: 2, protectionPpm: 5_000_000 });
    expect(fillsOf(out)).toEqual([
      [1, 1000, 1],
      [2, 1, 1],
    ]);
  });

  it("computes the bound exactly for prices near the safe-integer limit", () => {
    const p = 2 ** 50;
    const { engine, events } = engineWith(limit(1, "sell", p, 1), limit(2, "sell", p + 1125899906, 1));
    // p × (1 + 1e-6) = p + 1125899906.842624 → floor p + 1125899906: the second level is inside.
    const out = run(engine, events, { type: "market", id: 9, side: "buy", qty: 2, protectionPpm: 1 });
    expect(fillsOf(out)).toEqual([
      [1, p, 1],
      [2, p + 1125899906, 1],
    ]);
  });

  it("never rests and leaves no order behind", () => {
    const { engine, events } = engineWith(limit(1, "sell", 100, 1));
    run(engine, events, { type: "market", id: 9, side: "buy", qty: 3 });
    expect(engine.order(9)).toBeNull();
    expect(engine.depth()).toEqual({ bids: [], asks: [] });
    expectConsistent(engine);
  });
});

describe("cancel", () => {
  it("removes a resting order and reports its open quantity with reason USER", () => {
    const { engine, events } = engineWith(limit(1, "buy", 100, 5), limit(2, "sell", 100, 2));
    const out = run(engine, events, { type: "cancel", id: 1 });
    expect(strip(out)).toEqual([
      { type: "accepted", command: "cancel", id: 1 },
      { type: "cancelled", id: 1, symbol: "X", remaining: 3, reason: "USER" },
    ]);
    expect(engine.depth()).toEqual({ bids: [], asks: [] });
    expectConsistent(engine);
  });

  it("keeps the rest of the level in order when a middle order leaves", () => {
    const { engine, events } = engineWith(limit(1, "buy", 100, 1), limit(2, "buy", 100, 2), limit(3, "buy", 100, 3));
    run(engine, events, { type: "cancel", id: 2 });
    expect(queueOf(engine, "buy")).toEqual([
      [1, 100, 1],
      [3, 100, 3],
    ]);
    expect(engine.depth().bids).toEqual([[100, 4, 2]]);
    expectConsistent(engine);
  });
});

describe("instruments", () => {
  it("keeps separate books per symbol and refuses orders on an undefined one", () => {
    const { engine, events } = recordingEngine();
    expect(typesOf(run(engine, events, limit(1, "buy", 100, 1, { symbol: "Y" })))).toEqual(["rejected:UNKNOWN_SYMBOL"]);
    run(engine, events, { type: "instrument", symbol: "Y" });
    run(engine, events, limit(1, "buy", 100, 1, { symbol: "Y" }));
    const out = run(engine, events, limit(2, "sell", 100, 1));
    expect(typesOf(out)).toEqual(["accepted"]);
    expect(engine.depth("Y")).toEqual({ bids: [[100, 1, 1]], asks: [] });
    expect(engine.depth("X")).toEqual({ bids: [], asks: [[100, 1, 1]] });
    expect(engine.symbols()).toEqual(["Y", "X"]);
    // ids are unique across instruments
    expect(typesOf(run(engine, events, limit(1, "sell", 1, 1)))).toEqual(["rejected:DUPLICATE_ID"]);
    // a cancel finds the order whatever its book
    expect(run(engine, events, { type: "cancel", id: 1 }).at(-1)).toMatchObject({ symbol: "Y", reason: "USER" });
  });

  it("creates the default instrument X with the first accepted command on it, not with a rejected one", () => {
    const { engine, events } = recordingEngine();
    run(engine, events, { type: "cancel", id: 1 });
    run(engine, events, limit(1, "buy", 0, 1));
    expect(engine.symbols()).toEqual([]);
    run(engine, events, { type: "oracle", price: 5 });
    expect(engine.symbols()).toEqual(["X"]);
    expect(engine.oraclePrice()).toBe(5);
    expect(typesOf(run(engine, events, { type: "instrument", symbol: "X" }))).toEqual(["rejected:INSTRUMENT_EXISTS"]);
  });

  it("accepts an explicit definition of X before any order on it", () => {
    const { engine, events } = recordingEngine();
    expect(run(engine, events, { type: "instrument", symbol: "X", takerFeePpm: 10 })).toEqual([
      { seq: 1, ts: 0, type: "accepted", command: "instrument", symbol: "X" },
    ]);
    expect(typesOf(run(engine, events, limit(1, "buy", 1, 1)))).toEqual(["accepted"]);
  });
});

describe("events", () => {
  it("numbers events from 1 without gaps, rejects included, and starts each command with accepted or rejected", () => {
    const { engine, events } = recordingEngine();
    const commands = [
      limit(1, "sell", 100, 1),
      limit(2, "sell", 100, 1),
      limit(1, "buy", 1, 1),
      { type: "market", id: 3, side: "buy", qty: 5 } as const,
      { type: "cancel", id: 1 } as const,
      { type: "tick", ts: 5 } as const,
    ];
    for (const c of commands) {
      const out = run(engine, events, c);
      expect(["accepted", "rejected"]).toContain(out[0]?.type);
      expect(out.slice(1).every((e) => e.type !== "accepted" && e.type !== "rejected")).toBe(true);
    }
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
    expect(engine.seq).toBe(events.length);
  });

  it("stamps every event of a command with its ts and keeps the last time for commands without one", () => {
    const { engine, events } = engineWith(limit(1, "sell", 100, 1));
    const out = run(engine, events, limit(2, "buy", 100, 2, { tif: "IOC", ts: 50 }));
    expect(out.map((e) => e.ts)).toEqual([50, 50, 50]);
    const later = run(engine, events, limit(3, "buy", 90, 1));
    expect(later[0]?.ts).toBe(50);
    expect(engine.clock).toBe(50);
  });
});
