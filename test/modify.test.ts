import { describe, expect, it } from "vitest";
import { engineWith, expectConsistent, fillsOf, limit, queueOf, run, strip, typesOf } from "./helpers.js";

function threeBids() {
  return engineWith(limit(1, "buy", 100, 5), limit(2, "buy", 100, 5), limit(3, "buy", 100, 5));
}

describe("modify", () => {
  it("keeps time priority when quantity decreases", () => {
    const { engine, events } = threeBids();
    const out = run(engine, events, { type: "modify", id: 1, qty: 2 });
    expect(strip(out)).toEqual([
      { type: "accepted", command: "modify", id: 1 },
      { type: "modified", id: 1, symbol: "X", price: 100, qty: 2, prevPrice: 100, prevQty: 5, priorityKept: true },
    ]);
    expect(queueOf(engine, "buy")).toEqual([
      [1, 100, 2],
      [2, 100, 5],
      [3, 100, 5],
    ]);
    expect(engine.depth().bids).toEqual([[100, 12, 3]]);
    expectConsistent(engine);
  });

  it("keeps time priority when the same quantity and price are given", () => {
    const { engine, events } = threeBids();
    const out = run(engine, events, { type: "modify", id: 1, qty: 5, price: 100 });
    expect(out[1]).toMatchObject({ type: "modified", priorityKept: true, qty: 5 });
    expect(queueOf(engine, "buy")[0]).toEqual([1, 100, 5]);
  });

  it("loses time priority when quantity increases", () => {
    const { engine, events } = threeBids();
    const out = run(engine, events, { type: "modify", id: 1, qty: 6 });
    expect(out[1]).toMatchObject({ type: "modified", qty: 6, prevQty: 5, priorityKept: false });
    expect(queueOf(engine, "buy")).toEqual([
      [2, 100, 5],
      [3, 100, 5],
      [1, 100, 6],
    ]);
    expect(engine.depth().bids).toEqual([[100, 16, 3]]);
    expectConsistent(engine);
  });

  it("loses time priority on a price change, even back to the old price", () => {
    const { engine, events } = threeBids();
    const out = run(engine, events, { type: "modify", id: 1, price: 99 });
    expect(strip(out.slice(1))).toEqual([
      { type: "modified", id: 1, symbol: "X", price: 99, qty: 5, prevPrice: 100, prevQty: 5, priorityKept: false },
    ]);
    run(engine, events, { type: "modify", id: 1, price: 100 });
    expect(queueOf(engine, "buy").map(([id]) => id)).toEqual([2, 3, 1]);
    expect(engine.depth().bids).toEqual([[100, 15, 3]]);
    expectConsistent(engine);
  });

  it("loses priority on a price change with a smaller quantity", () => {
    const { engine, events } = threeBids();
    const out = run(engine, events, { type: "modify", id: 2, price: 101, qty: 1 });
    expect(out[1]).toMatchObject({ priorityKept: false, price: 101, qty: 1 });
    run(engine, events, { type: "modify", id: 2, price: 100 });
    expect(queueOf(engine, "buy")).toEqual([
      [1, 100, 5],
      [3, 100, 5],
      [2, 100, 1],
    ]);
  });

  it("re-priced across the spread takes liquidity first, then rests the rest", () => {
    const { engine, events } = engineWith(
      limit(1, "sell", 101, 2),
      limit(2, "sell", 102, 2),
      limit(3, "sell", 104, 2),
      limit(4, "buy", 100, 5),
      limit(5, "buy", 100, 1),
    );
    const out = run(engine, events, { type: "modify", id: 4, price: 102 });
    expect(typesOf(out)).toEqual(["accepted", "modified", "fill", "fill"]);
    expect(out[1]).toMatchObject({ price: 102, qty: 5, priorityKept: false });
    expect(fillsOf(out)).toEqual([
      [1, 101, 2],
      [2, 102, 2],
    ]);
    expect(out.at(-1)).toMatchObject({ takerId: 4, takerSide: "buy", takerRemaining: 1 });
    expect(queueOf(engine, "buy")).toEqual([
      [4, 102, 1],
      [5, 100, 1],
    ]);
    expect(queueOf(engine, "sell")).toEqual([[3, 104, 2]]);
    expectConsistent(engine);
  });

  it("re-priced across the spread and filled completely leaves the book", () => {
    const { engine, events } = engineWith(limit(1, "sell", 101, 5), limit(2, "buy", 100, 3));
    const out = run(engine, events, { type: "modify", id: 2, price: 101 });
    expect(typesOf(out)).toEqual(["accepted", "modified", "fill"]);
    expect(engine.order(2)).toBeNull();
    expect(queueOf(engine, "sell")).toEqual([[1, 101, 2]]);
    // its id is free again
    expect(typesOf(run(engine, events, limit(2, "buy", 1, 1)))).toEqual(["accepted"]);
    expectConsistent(engine);
  });

  it("applies the order's own self-trade mode when a re-priced order crosses", () => {
    const maker = engineWith(limit(1, "sell", 101, 5, { account: "a" }), limit(2, "buy", 100, 3, { account: "a" }));
    expect(typesOf(run(maker.engine, maker.events, { type: "modify", id: 2, price: 101 }))).toEqual([
      "accepted",
      "modified",
      "cancelled:SELF_TRADE",
    ]);
    expect(queueOf(maker.engine, "buy")).toEqual([[2, 101, 3]]);

    const taker = engineWith(
      limit(1, "sell", 101, 5, { account: "a" }),
      limit(2, "buy", 100, 3, { account: "a", stp: "expire_taker" }),
    );
    const out = run(taker.engine, taker.events, { type: "modify", id: 2, price: 101 });
    expect(typesOf(out)).toEqual(["accepted", "modified", "cancelled:SELF_TRADE"]);
    expect(out.at(-1)).toMatchObject({ id: 2, remaining: 3 });
    expect(taker.engine.order(2)).toBeNull();
    expect(queueOf(taker.engine, "sell")).toEqual([[1, 101, 5]]);

    const both = engineWith(
      limit(1, "sell", 101, 5, { account: "a" }),
      limit(2, "buy", 100, 3, { account: "a", stp: "expire_both" }),
    );
    const outBoth = run(both.engine, both.events, { type: "modify", id: 2, price: 101 });
    expect(strip(outBoth.slice(2))).toEqual([
      { type: "cancelled", id: 1, symbol: "X", remaining: 5, reason: "SELF_TRADE" },
      { type: "cancelled", id: 2, symbol: "X", remaining: 3, reason: "SELF_TRADE" },
    ]);
    expect(both.engine.liveOrderCount).toBe(0);
    expectConsistent(both.engine);
  });

  it("re-prices a post-only order that stays passive, and rejects one that would cross", () => {
    const { engine, events } = engineWith(limit(1, "sell", 101, 5), limit(2, "buy", 99, 3, { postOnly: true }));
    expect(typesOf(run(engine, events, { type: "modify", id: 2, price: 100 }))).toEqual(["accepted", "modified"]);
    const hash = engine.stateHash();
    expect(typesOf(run(engine, events, { type: "modify", id: 2, price: 101 }))).toEqual([
      "rejected:POST_ONLY_WOULD_CROSS",
    ]);
    expect(engine.stateHash()).toBe(hash);
    expect(typesOf(run(engine, events, { type: "modify", id: 2, qty: 10 }))).toEqual(["accepted", "modified"]);
    expect(engine.order(2)).toMatchObject({ postOnly: true, price: 100, open: 10 });
  });

  it("sets the new open quantity after partial fills", () => {
    const { engine, events } = engineWith(limit(1, "buy", 100, 10), limit(2, "sell", 100, 4));
    expect(engine.order(1)).toMatchObject({ open: 6 });
    const out = run(engine, events, { type: "modify", id: 1, qty: 8 });
    expect(out[1]).toMatchObject({ prevQty: 6, qty: 8, priorityKept: false });
    expect(engine.depth().bids).toEqual([[100, 8, 1]]);
  });

  it("modifies an order on another instrument in its own book", () => {
    const { engine, events } = engineWith(
      { type: "instrument", symbol: "Y" },
      limit(1, "buy", 100, 2, { symbol: "Y" }),
      limit(2, "sell", 101, 2, { symbol: "Y" }),
      limit(3, "sell", 100, 2),
    );
    const out = run(engine, events, { type: "modify", id: 1, price: 101 });
    expect(out.at(-1)).toMatchObject({ type: "fill", symbol: "Y", makerId: 2 });
    expect(engine.depth("X")).toEqual({ bids: [], asks: [[100, 2, 1]] });
    expectConsistent(engine);
  });
});
