import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type EngineState, exportState, restoreState } from "../engine/state-snapshot.js";
import { Engine } from "../exchange.js";
import type { MarginState } from "../liquidator/margin-state.js";
import type { Command } from "../protocol/commands.js";
import { eventToJson } from "../protocol/events.js";
import { marginedFlow, PREAMBLE } from "./margin-flows.js";

/** An engine that records its events as JSON lines. */
function recording(): { engine: Engine; lines: string[] } {
  const lines: string[] = [];
  return { engine: new Engine({ onEvent: (e) => lines.push(eventToJson(e)) }), lines };
}

/** What a snapshot file holds: the state through JSON and back. */
function throughFile(state: EngineState): EngineState {
  return JSON.parse(JSON.stringify(state)) as EngineState;
}

function marginOf(state: EngineState): MarginState {
  return state.sections.margin as MarginState;
}

/** What the random flows reached, so the property is known to cover the interesting states. */
const seen = { breaches: 0, reduceOnly: 0, triggers: 0, pendingPlacement: 0, openOrders: 0 };

/**
 * The open-order tracking written for each position equals what the books hold: Σ open and
 * Σ price × open of the account's resting orders there, reduce-only ones excluded.
 */
function expectTrackingMatchesBooks(state: EngineState): void {
  const fromBooks = new Map<string, number[]>();
  for (const book of state.books) {
    const symbol = book.spec.symbol;
    for (const [orders, at] of [
      [book.bids, 0],
      [book.asks, 2],
    ] as const) {
      for (const [, price, open, account, flags] of orders) {
        if (account === null || (flags & 2) !== 0) continue;
        const key = `${account} ${symbol}`;
        const sums = fromBooks.get(key) ?? [0, 0, 0, 0];
        sums[at] = (sums[at] as number) + open;
        sums[at + 1] = (sums[at + 1] as number) + open * price;
        fromBooks.set(key, sums);
      }
    }
  }
  for (const [name, , , positions] of marginOf(state).accounts) {
    for (const p of positions) {
      expect([p[3], p[4], p[5], p[6]]).toEqual(fromBooks.get(`${name} ${p[0]}`) ?? [0, 0, 0, 0]);
    }
  }
}

function note(state: MarginState, lines: readonly string[]): void {
  for (const [, , breached, positions] of state.accounts) {
    if (breached !== 0) seen.breaches++;
    for (const p of positions) {
      if (p[9].length > 0) seen.reduceOnly++;
      if (p[7] > 0 || p[8] > 0) seen.triggers++;
      if (p[3] > 0 || p[5] > 0) seen.openOrders++;
    }
  }
  if (state.placeQueue.length > 0) seen.pendingPlacement++;
  for (const line of lines) if (line.includes('"liquidation_stage"')) seen.breaches++;
}

describe("margin state export and restore", () => {
  it("restores accounts, positions and funds so that the same further commands give the same events and hashes", () => {
    fc.assert(
      fc.property(marginedFlow(8), marginedFlow(12), (before, after) => {
        const original = recording();
        for (const c of [...PREAMBLE, ...before]) original.engine.apply(c);
        const state = exportState(original.engine);
        note(marginOf(state), original.lines);
        expectTrackingMatchesBooks(state);

        const restored = recording();
        restoreState(throughFile(state), restored.engine);
        expect(restored.engine.stateHash()).toBe(original.engine.stateHash());
        expect(restored.engine.accounts()).toEqual(original.engine.accounts());
        expect(JSON.stringify(exportState(restored.engine))).toBe(JSON.stringify(state));

        original.lines.length = 0;
        for (const c of after) {
          original.engine.apply(c);
          restored.engine.apply(c);
        }
        expect(restored.lines).toEqual(original.lines);
        expect(restored.engine.stateHash()).toBe(original.engine.stateHash());
        expect(JSON.stringify(exportState(restored.engine))).toBe(JSON.stringify(exportState(original.engine)));
      }),
      { numRuns: 150 },
    );
    expect(seen.breaches).toBeGreaterThan(0);
    expect(seen.reduceOnly).toBeGreaterThan(0);
    expect(seen.triggers).toBeGreaterThan(0);
    expect(seen.pendingPlacement).toBeGreaterThan(0);
    expect(seen.openOrders).toBeGreaterThan(0);
  });

  it("round-trips at every point of a flow: a chain of restores replays the uninterrupted run", () => {
    fc.assert(
      fc.property(marginedFlow(10), (commands) => {
        const reference = recording();
        for (const c of PREAMBLE) reference.engine.apply(c);
        for (const c of commands) {
          const step = recording();
          restoreState(throughFile(exportState(reference.engine)), step.engine);
          const from = reference.lines.length;
          reference.engine.apply(c);
          step.engine.apply(c);
          expect(step.lines).toEqual(reference.lines.slice(from));
          expect(step.engine.stateHash()).toBe(reference.engine.stateHash());
        }
      }),
      { numRuns: 40 },
    );
  });

  it("re-checks the accounts an oracle move crosses in creation order, however the index was built", () => {
    // d, c, b, a open identical longs in that order, so their triggers (equal prices) enter the
    // index in reverse creation order; a restored index receives them in creation order.
    const commands: Command[] = [
      ...PREAMBLE,
      { type: "deposit", account: "mm", amount: 100_000 },
      { type: "limit", id: 1, account: "mm", side: "sell", symbol: "X", price: 100, qty: 40 },
      ...["d", "c", "b", "a"].map(
        (account, i): Command => ({
          type: "limit",
          id: 10 + i,
          account,
          side: "buy",
          symbol: "X",
          price: 100,
          qty: 10,
        }),
      ),
      { type: "oracle", symbol: "X", price: 100 },
    ];
    const original = recording();
    for (const c of commands) original.engine.apply(c);
    const restored = recording();
    restoreState(throughFile(exportState(original.engine)), restored.engine);
    original.lines.length = 0;
    const crash: Command = { type: "oracle", symbol: "X", price: 80 };
    original.engine.apply(crash);
    restored.engine.apply(crash);
    const breached = original.lines.flatMap((line) => {
      const e = JSON.parse(line) as { type: string; account?: string; stage?: string };
      // Entries into liquidation (the liquidator's work, restores included, comes after them).
      return e.type === "liquidation_stage" && e.stage !== "restored" ? [e.account] : [];
    });
    expect(breached).toEqual(["a", "b", "c", "d"]);
    expect(restored.lines).toEqual(original.lines);
  });

  it("writes accounts in creation order and integers only", () => {
    const engine = new Engine();
    const commands: Command[] = [
      ...PREAMBLE,
      { type: "deposit", account: "zed", amount: 500 },
      { type: "limit", id: 1, account: "zed", side: "buy", symbol: "X", price: 99, qty: 2 },
      { type: "limit", id: 2, account: "a", side: "sell", symbol: "X", price: 99, qty: 1 },
    ];
    for (const c of commands) engine.apply(c);
    const margin = marginOf(exportState(engine));
    expect(margin.accounts.map((a) => a[0])).toEqual(["a", "b", "c", "d", "zed"]);
    const zed = margin.accounts[4];
    expect(zed?.[3].map((p) => p.slice(0, 7))).toEqual([["X", 1, 99, 1, 99, 0, 0]]);
    const numbers: unknown[] = [];
    JSON.stringify(margin, (_k, v: unknown) => {
      if (typeof v === "number") numbers.push(v);
      return v;
    });
    expect(numbers.every((n) => Number.isSafeInteger(n))).toBe(true);
  });

  it("refuses a margin section this build cannot read", () => {
    const engine = new Engine();
    for (const c of PREAMBLE) engine.apply(c);
    const state = throughFile(exportState(engine));
    (state.sections.margin as { version: number }).version = 99;
    expect(() => restoreState(state, new Engine())).toThrow(/margin state/);
    const broken = throughFile(exportState(engine));
    (broken.sections.margin as { accounts: unknown[] }).accounts.push(["x", 1.5, 0, []]);
    expect(() => restoreState(broken, new Engine())).toThrow(/safe integer/);
  });

  // An engine with no accounts still writes its (empty) margin section, so a state without one
  // has lost it: restoring it as "no accounts" would silently drop every account's collateral and
  // positions (issue 20, item 5).
  it("refuses a state without a margin section instead of restoring it as no accounts", () => {
    const engine = new Engine();
    engine.apply({ type: "limit", id: 1, side: "buy", price: 100, qty: 1 });
    const state = throughFile(exportState(engine));
    expect(state.sections.margin).toMatchObject({ accounts: [] });
    expect(restoreState(throughFile(state), new Engine()).stateHash()).toBe(engine.stateHash());
    delete state.sections.margin;
    expect(() => restoreState(state, new Engine())).toThrow(/the margin section is missing/);
  });
});
