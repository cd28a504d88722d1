import { describe, expect, it } from "vitest";
import { generateFlow } from "../bench/flow-generator.js";
import { Engine } from "../exchange.js";
import type { Command } from "../protocol/commands.js";
import { eventToJson } from "../protocol/event-json.js";
import { type EngineEvent, eventToObject } from "../protocol/events.js";

function expectBothCodingsEqual(commands: Iterable<unknown>): number {
  let checked = 0;
  const engine = new Engine({
    onEvent(e: EngineEvent) {
      expect(eventToJson(e)).toBe(JSON.stringify(eventToObject(e)));
      checked++;
    },
  });
  for (const c of commands) engine.apply(c);
  return checked;
}

describe("JSONL events", () => {
  it("writes every event of a generated flow exactly as JSON.stringify of its object", () => {
    expect(expectBothCodingsEqual(generateFlow({ commands: 20_000, seed: 11, accountPpm: 300_000 }))).toBeGreaterThan(
      20_000,
    );
  });

  it("escapes string ids, symbols, accounts and reasons like JSON.stringify", () => {
    const odd: Command[] = [
      { type: "instrument", symbol: 'B"T\\C' },
      { type: "limit", id: 'a"1', side: "sell", price: 10, qty: 5, symbol: 'B"T\\C' },
      { type: "limit", id: "é\n", side: "buy", price: 10, qty: 2, symbol: 'B"T\\C', tif: "IOC" },
      { type: "market", id: "m\u2028", side: "buy", qty: 9, symbol: 'B"T\\C' },
      { type: "cancel", id: "nope\t" },
      { type: "modify", id: 'a"1', qty: 1 },
    ];
    expect(expectBothCodingsEqual([...odd, { type: "bogus" }, 42, null, { type: "limit", id: -1 }])).toBeGreaterThan(
      10,
    );
  });
});
