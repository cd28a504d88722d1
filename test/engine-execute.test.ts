import { describe, expect, it } from "vitest";
import { MatchingEngine } from "../engine/engine.js";
import { CommandRecord } from "../protocol/commands.js";
import { type EventObject, eventToObject } from "../protocol/events.js";
import { readCommand } from "../protocol/validate.js";

describe("Engine.execute with a caller's record (the binary protocol's entry point)", () => {
  it("reports the executed record's type, id, line and ts when it rejects", () => {
    const events: EventObject[] = [];
    const engine = new MatchingEngine({ onEvent: (e) => events.push(eventToObject(e)) });
    engine.apply({ type: "limit", id: 9, side: "buy", price: 10, qty: 1, ts: 5 }, 1);
    const record = new CommandRecord();
    readCommand({ type: "limit", id: 9, side: "sell", price: 12, qty: 1, ts: 7 }, record);
    record.line = 2;
    engine.execute(record);
    expect(events[1]).toEqual({
      seq: 2,
      ts: 7,
      type: "rejected",
      command: "limit",
      id: 9,
      reason: "DUPLICATE_ID",
      line: 2,
    });
  });
});
