/** The engine's state as a document: exported, restored, the same hash and the same future. */
import { describe, expect, it } from "vitest";
import { exportState, restoreState } from "../engine/state-snapshot.js";
import { Engine } from "../exchange.js";
import { eventToJson } from "../protocol/events.js";
import { generateFlow } from "../sim/flow-generator.js";

describe("engine state export and import", () => {
  it("restores a state that hashes the same and goes on with the same events", () => {
    const flow = generateFlow({ commands: 6_000, seed: 21 });
    const a = new Engine({ margin: false });
    for (const c of flow.slice(0, 3_000)) a.apply(c);
    a.apply({ type: "instrument", symbol: "ETH", tiers: [{ maxNotional: 100, imrPpm: 20, mmrPpm: 10 }] });
    a.apply({ type: "oracle", symbol: "ETH", price: 77 });
    a.apply({
      type: "limit",
      id: "e1",
      symbol: "ETH",
      side: "buy",
      price: 70,
      qty: 3,
      account: "z",
      stp: "expire_both",
    });
    const b = restoreState(JSON.parse(JSON.stringify(exportState(a))), new Engine({ margin: false }));
    expect(b.stateHash()).toBe(a.stateHash());
    expect(b.seq).toBe(a.seq);
    expect(b.clock).toBe(a.clock);
    expect(b.symbols()).toEqual(a.symbols());
    const eventsA: string[] = [];
    const eventsB: string[] = [];
    a.setListener((e) => eventsA.push(eventToJson(e)));
    b.setListener((e) => eventsB.push(eventToJson(e)));
    for (const c of flow.slice(3_000)) {
      a.apply(c);
      b.apply(c);
    }
    expect(eventsB).toEqual(eventsA);
    expect(b.stateHash()).toBe(a.stateHash());
  });

  it("refuses a state of an unknown version", () => {
    const state = { ...exportState(new Engine()), version: 99 };
    expect(() => restoreState(state, new Engine())).toThrow(/version 99/);
  });
});
