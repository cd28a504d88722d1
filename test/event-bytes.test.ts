import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, describe, expect, it } from "vitest";
import { Engine } from "../exchange.js";
import type { Command } from "../protocol/commands.js";
import { EventBytesEncoder, MAX_EVENT_BYTES, MAX_STRING_CHARS } from "../protocol/event-bytes.js";
import { EngineEvent, eventToJson, eventToObject } from "../protocol/events.js";
import type { CancelReason } from "../protocol/reject-codes.js";
import { generateFlow } from "../sim/flow-generator.js";
import { BufferedOutput } from "../worker/output-file.js";
import { sampleEvents } from "./event-samples.js";
import { marginedFlowSample } from "./margin-flows.js";

/**
 * Encodes events and holds each equal to eventToJson's UTF-8 bytes, and that line equal to the
 * contract's JSON form (JSON.stringify of the plain object); counts kinds and refusals.
 */
class Checker {
  readonly encoder = new EventBytesEncoder();
  readonly buf = Buffer.alloc(2 * MAX_EVENT_BYTES);
  readonly kinds = new Map<string, number>();
  checked = 0;
  refused = 0;

  check(e: EngineEvent): void {
    const end = this.encoder.encode(e, this.buf, 0);
    this.checked++;
    if (end < 0) {
      this.refused++;
      return;
    }
    const line = eventToJson(e);
    expect(line).toBe(JSON.stringify(eventToObject(e)));
    expect(this.buf.toString("utf8", 0, end)).toBe(line);
    expect(Buffer.compare(this.buf.subarray(0, end), Buffer.from(line))).toBe(0);
    const kind =
      e.type === "accepted"
        ? `accepted:${e.command}`
        : e.type === "modified" && e.reason !== ""
          ? "modified:reason"
          : e.type;
    this.kinds.set(kind, (this.kinds.get(kind) ?? 0) + 1);
  }

  run(commands: Iterable<unknown>): this {
    const engine = new Engine({ onEvent: (e) => this.check(e) });
    for (const c of commands) engine.applyInput(c);
    return this;
  }
}

/**
 * The same flow on another instrument, with string ids and renamed accounts (cancels and modifies
 * follow their orders, deposits their accounts).
 */
function renamed(
  commands: readonly Command[],
  symbol: string,
  id: (n: number) => string,
  account: (a: string) => string,
): Command[] {
  const moved = commands.map((c) => {
    const out = { ...c } as Record<string, unknown>;
    if (typeof out.id === "number") out.id = id(out.id);
    if (typeof out.account === "string") out.account = account(out.account);
    if (c.type === "limit" || c.type === "market" || c.type === "oracle") out.symbol = symbol;
    return out as unknown as Command;
  });
  return [{ type: "instrument", symbol }, ...moved];
}

function event(fields: Partial<EngineEvent>): EngineEvent {
  return Object.assign(new EngineEvent(), fields);
}

describe("JSONL events as bytes", () => {
  it("writes eventToJson's line, the contract's JSON form, for every event of generated flows, with and without accounts", () => {
    const plain = new Checker().run(generateFlow({ commands: 20_000, seed: 11 }));
    const accounts = new Checker().run(generateFlow({ commands: 20_000, seed: 12, accounts: 7, accountPpm: 600_000 }));
    const untimed = new Checker().run(generateFlow({ commands: 5_000, seed: 13, timestamps: false, accountPpm: 0 }));
    for (const c of [plain, accounts, untimed]) {
      expect(c.refused).toBe(0);
      for (const kind of [
        "accepted:limit",
        "accepted:market",
        "accepted:cancel",
        "accepted:modify",
        "fill",
        "cancelled",
      ])
        expect(c.kinds.get(kind)).toBeGreaterThan(0);
    }
    expect(accounts.kinds.get("accepted:deposit")).toBe(7);
    expect(plain.checked + accounts.checked).toBeGreaterThan(40_000);
  });

  it("writes the same on margined flows: the liquidator's events, rejections, engine-made modifies", () => {
    const all = new Checker();
    for (const seed of [1, 2, 3, 4, 5]) all.run(marginedFlowSample(seed));
    expect(all.refused).toBe(0);
    for (const kind of [
      "liquidation_stage",
      "liquidation_order",
      "liquidation_reduced",
      "rejected",
      "modified",
      "modified:reason",
      "accepted:oracle",
      "accepted:withdraw",
      "accepted:instrument",
    ]) {
      expect(all.kinds.get(kind), kind).toBeGreaterThan(0);
    }
  });

  it("writes string ids and non-ASCII symbols and accounts as UTF-8, past the cache's size", () => {
    const flow = generateFlow({ commands: 6_000, seed: 21, accounts: 5, accountPpm: 500_000 });
    const c = new Checker().run(
      renamed(
        flow,
        "БТЦ-€",
        (n) => `ордер-${n}-😀`,
        (a) => `счёт “${a}”`,
      ),
    );
    expect(c.refused).toBe(0);
    expect(c.kinds.get("fill")).toBeGreaterThan(100);
    expect(c.kinds.get("accepted:limit")).toBeGreaterThan(2_000); // distinct ids: more than the cache holds
    const odd = new Checker().run([
      { type: "instrument", symbol: 'B"T\\C\u0001' },
      { type: "limit", id: 'a"1', side: "sell", price: 10, qty: 5, symbol: 'B"T\\C\u0001' },
      { type: "limit", id: "é\n", side: "buy", price: 10, qty: 2, symbol: 'B"T\\C\u0001', tif: "IOC" },
      { type: "market", id: "m\u2028\ud800", side: "buy", qty: 9, symbol: 'B"T\\C\u0001' },
      { type: "cancel", id: "nope\t" },
      { type: "modify", id: 'a"1', qty: 1 },
      { type: "bogus" },
      42,
      null,
      { type: "limit", id: -1 },
    ]);
    expect(odd.refused).toBe(0);
    expect(odd.kinds.get("rejected")).toBeGreaterThan(2);
  });

  it("formats integers as JSON.stringify does in every field of every event type, to the largest safe ones and below zero", () => {
    const c = new Checker();
    const edges = [0, -0, 1, -1, 9, 10, 99, 100, 999_999_999, 1e9, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1];
    const wide = [1e15, 1_000_000_000_000_001, 4_294_967_296, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER];
    for (const n of [...edges, ...wide, ...wide.map((v) => -v)]) for (const e of sampleEvents(n, "s")) c.check(e);
    fc.assert(
      fc.property(fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (n) => {
        for (const e of sampleEvents(n, "s")) c.check(e);
      }),
      { numRuns: 300 },
    );
    expect(c.refused).toBe(0);
  });

  it("escapes any string (lone surrogates, controls, quotes) like JSON.stringify, cached or not", () => {
    const c = new Checker();
    const unit = fc.oneof(
      fc.integer({ min: 0, max: 0x7f }),
      fc.integer({ min: 0, max: 0xffff }),
      fc.constantFrom(0x7ff, 0x800, 0xd7ff, 0xd800, 0xdbff, 0xdc00, 0xdfff, 0xe000, 0xffff),
    );
    const units = fc.array(unit, { maxLength: MAX_STRING_CHARS });
    const edges = [
      "",
      "\ud800\udc00",
      "\udbff\udfff",
      "\ud83d\ude00x",
      "\udc00\ud800",
      "a\ud800",
      "\ud800\ud800\udc00",
    ];
    for (const text of edges) for (const e of [...sampleEvents(1, text), ...sampleEvents(2, text)]) c.check(e);
    fc.assert(
      fc.property(units, (codes) => {
        const text = String.fromCharCode(...codes);
        for (const e of sampleEvents(7, text)) c.check(e); // fills the cache
        for (const e of sampleEvents(8, text)) c.check(e); // from it
      }),
      { numRuns: 500 },
    );
    expect(c.refused).toBe(0);
  });

  it("refuses what it cannot write like eventToJson, and stays within MAX_EVENT_BYTES", () => {
    const encoder = new EventBytesEncoder();
    const buf = Buffer.alloc(4 * MAX_EVENT_BYTES);
    for (const n of [0.5, -1.25, 2 ** 53, -(2 ** 53), Number.NaN, Number.POSITIVE_INFINITY, 1e21]) {
      for (const e of sampleEvents(n, "s")) expect(encoder.encode(e, buf, 0), `${e.type} ${e.command} ${n}`).toBe(-1);
    }
    const long = "x".repeat(MAX_STRING_CHARS + 1);
    expect(encoder.encode(event({ type: "cancelled", reason: long as CancelReason }), buf, 0)).toBe(-1);
    expect(encoder.encode(event({ type: "accepted", command: "limit", tif: "GTD" }), buf, 0)).toBe(-1);
    expect(encoder.encode(event({ type: "fill", side: "up" as "buy" }), buf, 0)).toBe(-1);
    expect(encoder.encode(event({ type: "rejected", command: "bogus" as "tick" }), buf, 0)).toBe(-1);

    // The largest lines fit in exactly MAX_EVENT_BYTES of room (a DataView throws past its end),
    // at an odd offset of a pooled Buffer as well as at the start of an own one.
    const worst = "\u0001".repeat(MAX_STRING_CHARS);
    const tight = Buffer.alloc(MAX_EVENT_BYTES);
    const pooled = Buffer.from(Buffer.allocUnsafe(MAX_EVENT_BYTES + 7).buffer, 7, MAX_EVENT_BYTES);
    const lines = sampleEvents(Number.MIN_SAFE_INTEGER, worst);
    const fill = lines.find((e) => e.type === "fill") as EngineEvent;
    fill.takerAccount = worst;
    fill.takerId = worst;
    for (const room of [tight, pooled]) {
      for (const e of lines) {
        const end = encoder.encode(e, room, 0);
        expect(end).toBeGreaterThan(0);
        expect(room.toString("utf8", 0, end)).toBe(eventToJson(e));
      }
    }
  });
});

describe("BufferedOutput.writeEvent", () => {
  const dir = mkdtempSync(join(tmpdir(), "softliq-event-bytes-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("writes the lines eventToJson gives, across buffer spills and refused events", async () => {
    const path = join(dir, "events.jsonl");
    const out = new BufferedOutput(path);
    const lines: string[] = [];
    const engine = new Engine({
      onEvent(e) {
        lines.push(eventToJson(e));
        out.writeEvent(e);
      },
    });
    for (const c of generateFlow({ commands: 20_000, seed: 31, accountPpm: 300_000 })) engine.apply(c);
    const odd = [...sampleEvents(0.5, "é".repeat(MAX_STRING_CHARS + 1)), ...sampleEvents(Number.MAX_SAFE_INTEGER, "ü")];
    for (const e of odd) {
      lines.push(eventToJson(e));
      out.writeEvent(e);
    }
    expect(lines.length).toBeGreaterThan(20_000);
    await out.close();
    expect(readFileSync(path, "utf8")).toBe(`${lines.join("\n")}\n`);
  });
});
