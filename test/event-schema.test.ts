import { createHash } from "node:crypto";
import { createReadStream, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { EVENT_SCHEMA, type EventSpec } from "../protocol/event-schema.js";
import { EngineEvent, eventToJson } from "../protocol/events.js";
import { generateEventSources, ROOT } from "../tools/event-codegen/generate.js";
import { replayFlow } from "../worker/replay-flow.js";

function event(fields: Partial<EngineEvent>): EngineEvent {
  return Object.assign(new EngineEvent(), fields);
}

describe("the event schema", () => {
  it("is what the generated event code was made from (else: npm run generate:events)", () => {
    for (const { path, text } of generateEventSources()) {
      expect(readFileSync(join(ROOT, path), "utf8"), `${path} is stale: run npm run generate:events`).toBe(text);
    }
  });

  it("refuses a table that would not make sense on every side", () => {
    const fill = EVENT_SCHEMA.find((e) => e.type === "fill") as EventSpec;
    const accepted = EVENT_SCHEMA.find((e) => e.type === "accepted") as EventSpec;
    const withEvent = (extra: EventSpec) => () => generateEventSources([...EVENT_SCHEMA, extra]);
    // One record field, one kind: a fill's `price` is an integer.
    expect(withEvent({ type: "x", doc: "", fields: [{ key: "price", kind: "text" }] })).toThrow(/price/);
    expect(withEvent({ ...fill })).toThrow(/two events of type fill/);
    expect(withEvent({ type: "x", doc: "", fields: [{ key: "q", kind: "int", when: "nonNull" }] })).toThrow(/nonNull/);
    // An acceptance has a shape for every command.
    const cases = { ...accepted.variants?.cases };
    delete cases.tick;
    expect(() =>
      generateEventSources(
        EVENT_SCHEMA.map((e) => (e === accepted ? { ...e, variants: { by: "command", cases } } : e)),
      ),
    ).toThrow(/missing tick/);
  });

  it("writes each event type's fields under the contract's names and in its order", () => {
    const lines = [
      event({ seq: 1, ts: 5, type: "accepted", command: "limit", id: 7, symbol: "X", side: "buy", price: 100 }),
      event({ seq: 2, type: "accepted", command: "market", id: "m", symbol: "X", side: "sell", qty: 3 }),
      event({ seq: 3, type: "accepted", command: "deposit", account: "a", amount: 50 }),
      event({ seq: 4, type: "rejected", command: "cancel", id: 9, reason: "UNKNOWN_ORDER", line: 12 }),
      event({ seq: 5, type: "rejected", reason: "MALFORMED_LINE" }),
      event({ seq: 6, type: "fill", symbol: "X", price: 100, qty: 2, side: "sell", makerId: 7, takerId: "m" }),
      event({ seq: 7, type: "cancelled", id: 7, symbol: "X", remaining: 1, reason: "USER" }),
      event({ seq: 8, type: "modified", id: 7, symbol: "X", price: 99, qty: 1, prevPrice: 100, prevQty: 1 }),
      event({ seq: 9, type: "liquidation_stage", account: "a", stage: "restored", healthPpm: Number.NaN }),
      event({ seq: 10, type: "liquidation_order", account: "a", symbol: "X", id: "liq:1", side: "sell", qty: 4 }),
      event({ seq: 11, type: "liquidation_reduced", account: "a", symbol: "X", qty: 4, notional: 400, position: -1 }),
      event({ seq: 12, type: "liquidation_insurance", account: "a", badDebt: 30, amount: 20, insuranceFund: 0 }),
      event({ seq: 13, type: "liquidation_adl", account: "a", counterparty: "b", symbol: "X", price: 90, qty: 1 }),
    ].map(eventToJson);
    expect(lines).toEqual([
      '{"seq":1,"ts":5,"type":"accepted","command":"limit","id":7,"symbol":"X","side":"buy","price":100,"qty":0,"tif":""}',
      '{"seq":2,"ts":0,"type":"accepted","command":"market","id":"m","symbol":"X","side":"sell","qty":3}',
      '{"seq":3,"ts":0,"type":"accepted","command":"deposit","account":"a","amount":50}',
      '{"seq":4,"ts":0,"type":"rejected","command":"cancel","id":9,"reason":"UNKNOWN_ORDER","line":12}',
      '{"seq":5,"ts":0,"type":"rejected","reason":"MALFORMED_LINE"}',
      '{"seq":6,"ts":0,"type":"fill","symbol":"X","price":100,"qty":2,"takerSide":"sell","makerId":7,"takerId":"m","makerAccount":null,"takerAccount":null,"makerRemaining":0,"takerRemaining":0,"liquidation":false}',
      '{"seq":7,"ts":0,"type":"cancelled","id":7,"symbol":"X","remaining":1,"reason":"USER"}',
      '{"seq":8,"ts":0,"type":"modified","id":7,"symbol":"X","price":99,"qty":1,"prevPrice":100,"prevQty":1,"priorityKept":false}',
      '{"seq":9,"ts":0,"type":"liquidation_stage","account":"a","stage":"restored","healthPpm":null,"equity":0,"maintenanceMargin":0}',
      '{"seq":10,"ts":0,"type":"liquidation_order","account":"a","symbol":"X","id":"liq:1","side":"sell","price":0,"qty":4}',
      '{"seq":11,"ts":0,"type":"liquidation_reduced","account":"a","symbol":"X","qty":4,"notional":400,"penalty":0,"position":-1}',
      '{"seq":12,"ts":0,"type":"liquidation_insurance","account":"a","badDebt":30,"amount":20,"insuranceFund":0}',
      '{"seq":13,"ts":0,"type":"liquidation_adl","account":"a","counterparty":"b","symbol":"X","side":"buy","price":90,"qty":1}',
    ]);
  });

  // The events of the bundled samples, byte for byte, as they were before the schema generated them
  // (sample.jsonl: the digest of the hand-written writer). cascade.jsonl was regenerated on
  // 2026-12-04 (soft holds bankrupt accounts, makers never name a spent order): pinned from here on.
  it.each([
    ["sample.jsonl", "81349aa983311699fe45dc8698bfdde5e49c1634e04045a0c96aea3802ab10f4"],
    ["cascade.jsonl", "326c9936f2fccf44694fbbf223ccec325038e692c2d8a5dee6a51eb5741071b6"],
  ])("gives the pinned events of samples/%s", async (name, digest) => {
    const hash = createHash("sha256");
    await replayFlow(createReadStream(join(ROOT, "samples", name)), "jsonl", {
      onEvent: (e) => hash.update(`${eventToJson(e)}\n`),
    });
    expect(hash.digest("hex")).toBe(digest);
  });
});
