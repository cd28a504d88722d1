import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { EventObject } from "../protocol/events.js";
import { marginedFlow, PREAMBLE } from "./margin-flows.js";
import { type Margined, marginedEngine, rejectReasons } from "./margin-helpers.js";

/** Account a long 10 @ 100 (bought from an unmargined seller), well funded. */
function long10(): Margined {
  const m = marginedEngine();
  m.run(
    { type: "deposit", account: "a", amount: 100_000 },
    { type: "oracle", price: 100 },
    { type: "limit", id: "s", side: "sell", price: 100, qty: 10 },
    { type: "limit", id: "b", side: "buy", price: 100, qty: 10, account: "a" },
  );
  return m;
}

const qtyOf = (m: Margined) => m.account("a").positions[0]?.qty;
const systemChanges = (events: EventObject[]) =>
  events.flatMap((e) =>
    e.type === "modified" && e.reason === "REDUCE_ONLY"
      ? [`modified ${e.id} ${e.prevQty}->${e.qty}`]
      : e.type === "cancelled" && e.reason === "REDUCE_ONLY"
        ? [`cancelled ${e.id} ${e.remaining}`]
        : [],
  );

describe("reduce-only orders", () => {
  it("are rejected without a position to reduce on their side", () => {
    const m = long10();
    expect(
      rejectReasons(m.run({ type: "limit", id: 1, side: "buy", price: 90, qty: 1, account: "a", reduceOnly: true })),
    ).toEqual(["REDUCE_ONLY_WOULD_INCREASE"]);
    expect(
      rejectReasons(m.run({ type: "limit", id: 2, side: "sell", price: 90, qty: 1, account: "b", reduceOnly: true })),
    ).toEqual(["REDUCE_ONLY_WOULD_INCREASE"]);
  });

  it("never flip a position: a larger reduce-only taker is cut to the position first", () => {
    const m = long10();
    m.run({ type: "limit", id: 1, side: "buy", price: 100, qty: 30 });
    const events = m.run({ type: "market", id: 2, side: "sell", qty: 25, account: "a", reduceOnly: true });
    expect(systemChanges(events)).toEqual(["modified 2 25->10"]);
    expect(events.filter((e) => e.type === "fill")).toHaveLength(1);
    expect(qtyOf(m)).toBe(0);
  });

  it("count in a fill-or-kill check only what they may still trade after the sweep's earlier fills", () => {
    const m = long10();
    // a sells 6 plainly, then offers its whole long (10) reduce-only one tick higher: once the
    // plain 6 trade, only 4 of the reduce-only order may, so 16 cannot fill and 14 can.
    m.run(
      { type: "limit", id: "p", side: "sell", price: 100, qty: 6, account: "a" },
      { type: "limit", id: "ro", side: "sell", price: 101, qty: 10, account: "a", reduceOnly: true },
    );
    const killed = m.run({ type: "limit", id: 1, side: "buy", price: 101, qty: 16, tif: "FOK" });
    expect(killed.filter((e) => e.type === "fill")).toEqual([]);
    expect(killed.at(-1)).toMatchObject({ type: "cancelled", id: 1, remaining: 16, reason: "FOK_UNFILLABLE" });
    expect(m.engine.order("p")?.open).toBe(6);
    expect(m.engine.order("ro")?.open).toBe(10);

    const filled = m.run({ type: "limit", id: 2, side: "buy", price: 101, qty: 10, tif: "FOK" });
    expect(filled.filter((e) => e.type === "fill").map((e) => (e.type === "fill" ? e.qty : 0))).toEqual([6, 4]);
    expect(systemChanges(filled)).toEqual(["modified ro 10->4"]);
    expect(qtyOf(m)).toBe(0);
  });

  it("are shrunk, then cancelled, as other fills shrink the position under them", () => {
    const m = long10();
    m.run(
      { type: "limit", id: "ro", side: "sell", price: 120, qty: 10, account: "a", reduceOnly: true },
      { type: "limit", id: 1, side: "buy", price: 100, qty: 100 },
    );
    const first = m.run({ type: "limit", id: 2, side: "sell", price: 100, qty: 4, account: "a" });
    expect(systemChanges(first)).toEqual(["modified ro 10->6"]);
    const second = m.run({ type: "limit", id: 3, side: "sell", price: 100, qty: 6, account: "a" });
    expect(systemChanges(second)).toEqual(["cancelled ro 6"]);
    expect(m.engine.order("ro")).toBeNull();
  });

  it("keep the best-priced order whole and shrink the farthest when they exceed the position", () => {
    const m = long10();
    m.run({ type: "limit", id: "far", side: "sell", price: 130, qty: 6, account: "a", reduceOnly: true });
    const events = m.run({
      type: "limit",
      id: "near",
      side: "sell",
      price: 120,
      qty: 6,
      account: "a",
      reduceOnly: true,
    });
    expect(systemChanges(events)).toEqual(["modified far 6->4"]);
    expect(m.engine.order("near")?.open).toBe(6);
  });

  it("as makers, trade only what still reduces the position inside one sweep", () => {
    const m = long10();
    m.run(
      { type: "limit", id: "plain", side: "sell", price: 100, qty: 10, account: "a" },
      { type: "limit", id: "ro", side: "sell", price: 101, qty: 10, account: "a", reduceOnly: true },
    );
    // The taker fills the plain sell first (a is flat), then meets the reduce-only sell: it must not open a short.
    const events = m.run({ type: "limit", id: "t", side: "buy", price: 101, qty: 20 });
    expect(systemChanges(events)).toEqual(["cancelled ro 10"]);
    expect(qtyOf(m)).toBe(0);
    expect(m.engine.order("t")?.open).toBe(10);
  });

  it("skip the margin check: an account under water can still close", () => {
    const m = marginedEngine();
    m.run(
      { type: "deposit", account: "a", amount: 9 },
      { type: "oracle", price: 100 },
      { type: "limit", id: 1, side: "sell", price: 100, qty: 10 },
      { type: "limit", id: 2, side: "buy", price: 100, qty: 10, account: "a" },
      { type: "oracle", price: 95 },
      { type: "limit", id: 3, side: "buy", price: 90, qty: 10 },
    );
    const events = m.run({ type: "market", id: 4, side: "sell", qty: 10, account: "a", reduceOnly: true });
    expect(rejectReasons(events)).toEqual([]);
    expect(m.engine.account("a")).toMatchObject({ collateral: -91, positions: {} });
  });

  it("a modify cannot grow a reduce-only order past the position", () => {
    const m = long10();
    m.run({ type: "limit", id: "ro", side: "sell", price: 120, qty: 5, account: "a", reduceOnly: true });
    const events = m.run({ type: "modify", id: "ro", qty: 15 });
    expect(systemChanges(events)).toEqual(["modified ro 15->10"]);
  });
});

describe("fill-or-kill with margined makers", () => {
  it("fills an accepted FOK order completely or not at all (reduce-only makers, self-trade, clipped takers)", () => {
    fc.assert(
      fc.property(marginedFlow(8), (commands) => {
        const m = marginedEngine();
        m.run(...PREAMBLE);
        for (const c of commands) {
          const events = m.run(c);
          if (c.type !== "limit" || c.tif !== "FOK" || events[0]?.type !== "accepted") continue;
          // The quantity it must fill: its own, or what a reduce-only clip left of it.
          let qty = c.qty;
          let filled = 0;
          for (const e of events) {
            if (e.type === "modified" && e.id === c.id && e.reason === "REDUCE_ONLY") qty = e.qty;
            if (e.type === "fill" && e.takerId === c.id) filled += e.qty;
          }
          expect([0, qty]).toContain(filled);
        }
      }),
      { numRuns: 200 },
    );
  });
});
