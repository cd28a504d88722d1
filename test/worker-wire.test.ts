import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Engine } from "../exchange.js";
import type { LiquidationMode } from "../liquidator/liquidation-params.js";
import { type Command, CommandRecord } from "../protocol/commands.js";
import { EVENT_SCHEMA } from "../protocol/event-schema.js";
import { deliverEvent, EngineEvent, eventToJson } from "../protocol/events.js";
import { readCommand } from "../protocol/validate.js";
import { generateFlow } from "../sim/flow-generator.js";
import { applyRecord } from "../worker/apply-record.js";
import { EngineHost } from "../worker/engine-host.js";
import { SentCommands } from "../worker/sent-commands.js";
import { CommandDecoder, encodeCommand, type SentFields, type SentSource } from "../worker/wire/command-codec.js";
import { decodeEvent, encodeEvent, endsCommand, eventSlots, WireEventWriter } from "../worker/wire/event-codec.js";
import { InternReader, InternWriter } from "../worker/wire/intern.js";
import { recordSlots } from "../worker/wire/record-size.js";
import {
  KIND_COMMAND,
  KIND_DONE,
  KIND_EVENT,
  KIND_INTERN,
  KIND_INTERN_RESET,
  KIND_TEXT,
} from "../worker/wire/records.js";
import { createRingBuffer, RingReader, RingWriter } from "../worker/wire/ring.js";
import { SlotBuffer } from "../worker/wire/slot-buffer.js";
import { commandLike } from "./command-arbitraries.js";
import { sampleEvents } from "./event-samples.js";
import { marginedFlowSample } from "./margin-flows.js";
import { HAND_WORKED } from "./support/hand-worked.js";

/** The fields a CommandRecord carries into the engine (the instrument spec compared apart). */
function recordFields(r: CommandRecord): Record<string, unknown> {
  const { instrument, ...fields } = r;
  return { ...fields, instrument: instrument === null ? null : JSON.stringify(instrument) };
}

describe("command records on the wire", () => {
  it("decode to exactly the record readCommand built, valid or rejected part-way, in few slots", () => {
    const valid: unknown[] = [
      ...generateFlow({ commands: 2_000, seed: 45, accountPpm: 500_000, accounts: 9 }),
      ...marginedFlowSample(6),
      { type: "market", id: 3, side: "buy", qty: 2, protectionPpm: 0, account: "a", reduceOnly: true },
      { type: "limit", id: "s-1", side: "sell", price: 9, qty: 2, symbol: "Y", tif: "IOC", stp: "expire_both" },
      { type: "deposit", account: 12, amount: 7, ts: 0 },
    ];
    const check = (inputs: readonly unknown[]): number => {
      const buffer = new SlotBuffer(64);
      const intern = new InternWriter(16);
      const decoder = new CommandDecoder(new InternReader());
      const record = new CommandRecord();
      const expected: { fields: Record<string, unknown>; code: string | null }[] = [];
      for (const input of inputs) {
        const code = readCommand(input, record);
        expected.push({ fields: recordFields(record), code });
        encodeCommand(buffer, intern, record, code);
      }
      let n = 0;
      for (let at = 0; at < buffer.length; at += recordSlots(buffer.f64, at)) {
        const kind = (buffer.f64[at] as number) & 15;
        if (kind === KIND_INTERN) decoder.intern.learn(buffer.f64, buffer.u16, at);
        else if (kind === KIND_INTERN_RESET) decoder.intern.reset();
        else if (kind === KIND_TEXT) decoder.text(buffer.f64, buffer.u16, at);
        else if (kind === KIND_COMMAND) {
          const got = decoder.command(buffer.f64, at);
          expect({ fields: recordFields(got), code: decoder.code }).toEqual(expected[n++]);
        }
      }
      expect(n).toBe(inputs.length);
      return buffer.length / inputs.length;
    };
    // Generated flows (a symbol, an account, ts on most commands) average under 8 slots a command.
    expect(check(valid)).toBeLessThan(8);
    fc.assert(
      fc.property(fc.array(commandLike, { minLength: 1, maxLength: 30 }), (commands) => {
        check(commands.map(({ type, fields }) => ({ ...fields, type })));
      }),
      { numRuns: 1000 },
    );
  });
});

describe("intern tables", () => {
  it("write a reset into the buffer the reservation returned, even when it moved (a grown or overflow buffer)", () => {
    // A sink whose every reservation lands in a buffer of its own, as the client's command channel
    // does when the ring fills and records go to its overflow queue.
    const pieces: Float64Array[] = [];
    const sink = {
      f64: new Float64Array(0),
      u16: new Uint16Array(0),
      reserve(n: number): number {
        this.f64 = new Float64Array(n);
        this.u16 = new Uint16Array(this.f64.buffer);
        pieces.push(this.f64);
        return 0;
      },
    };
    const intern = new InternWriter(16);
    for (let i = 0; i < 40; i++) {
      intern.room(sink);
      intern.code(sink, `s${i}`);
    }
    const kinds = pieces.map((p) => (p[0] as number) & 15);
    expect(kinds.filter((k) => k === KIND_INTERN_RESET).length).toBeGreaterThan(1);
    expect(kinds.every((k) => k === KIND_INTERN || k === KIND_INTERN_RESET)).toBe(true);
  });
});

describe("wire codecs", () => {
  it("round-trips commands and events through a small intern table that resets often", () => {
    const commands: unknown[] = generateFlow({ commands: 3_000, seed: 41, accountPpm: 600_000, accounts: 40 });
    for (let i = 0; i < 200; i++) {
      commands.push({ type: "limit", id: `s-${i}`, side: "buy", price: 5, qty: 1, account: `a${i}` });
    }
    commands.push({ type: "instrument", symbol: "ÉTH/€", tiers: [{ maxNotional: 9, imrPpm: 3, mmrPpm: 2 }] });
    commands.push({ type: "limit", id: "long-id-".repeat(9), side: "sell", price: 9, qty: 2, symbol: "ÉTH/€" });
    commands.push({ type: "limit", id: 5, side: "sell", price: 0.5, qty: 2, ts: 3 });

    // Each channel with its own 16-string table, as the rings have.
    const commandBuffer = new SlotBuffer(64);
    const eventBuffer = new SlotBuffer(64);
    const commandIntern = new InternWriter(16);
    const eventIntern = new InternWriter(16);
    const record = new CommandRecord();
    const sent: string[] = [];
    const source = new Engine({
      onEvent(e) {
        sent.push(eventToJson(e));
        encodeEvent(eventBuffer, eventIntern, e);
      },
    });
    for (const c of commands) {
      encodeCommand(commandBuffer, commandIntern, record, readCommand(c, record));
      source.applyInput(c);
    }

    // Commands decoded on the far side drive a second engine to the same events and state.
    const replayedEvents: string[] = [];
    const replayed = new Engine({ onEvent: (e) => replayedEvents.push(eventToJson(e)) });
    const decoder = new CommandDecoder(new InternReader());
    let resets = 0;
    for (let at = 0; at < commandBuffer.length; at += recordSlots(commandBuffer.f64, at)) {
      const kind = (commandBuffer.f64[at] as number) & 15;
      if (kind === KIND_INTERN_RESET) resets++;
      applyRecord(replayed, decoder, commandBuffer.f64, commandBuffer.u16, at, kind);
    }
    expect(resets).toBeGreaterThan(10);
    expect(replayedEvents).toEqual(sent);
    expect(replayed.stateHash()).toBe(source.stateHash());

    // Events decoded into one reused record print the same JSON.
    const received: string[] = [];
    const reader = new InternReader();
    const event = new EngineEvent();
    for (let at = 0; at < eventBuffer.length; at += recordSlots(eventBuffer.f64, at)) {
      const kind = (eventBuffer.f64[at] as number) & 15;
      if (kind === KIND_INTERN) reader.learn(eventBuffer.f64, eventBuffer.u16, at);
      else if (kind === KIND_INTERN_RESET) reader.reset();
      else if (kind === KIND_EVENT) {
        decodeEvent(eventBuffer.f64, at, reader, event);
        received.push(eventToJson(event));
      }
    }
    expect(received).toEqual(sent);
  });
});

/** The fields of the command `e` would be the event of, had it been "as sent" (the schema's `sent` marks). */
function commandOf(e: EngineEvent): SentFields {
  const fields: SentFields = { id: null, symbol: "", price: 0, qty: 0, account: null, amount: 0 };
  const spec = EVENT_SCHEMA.find((s) => s.type === e.type);
  const all = [...(spec?.fields ?? []), ...Object.values(spec?.variants?.cases ?? {}).flat()];
  for (const f of all) {
    if (f.sent !== undefined)
      (fields as unknown as Record<string, unknown>)[f.sent] = (e as unknown as Record<string, unknown>)[
        f.field ?? f.key
      ];
  }
  return fields;
}

describe("event records", () => {
  it("round-trip every event type and shape, whole and as sent, with COMMAND_DONE on the last", () => {
    const sink = Object.assign(new SlotBuffer(64), { flushes: 0 });
    const writer = new WireEventWriter(sink, new InternWriter(16)); // a small table: resets often
    const reader = new InternReader();
    const decoded = new EngineEvent();
    let sent: SentFields | null = null;
    const source: SentSource = {
      sentId: () => (sent as SentFields).id,
      sentSymbol: () => (sent as SentFields).symbol,
      sentPrice: () => (sent as SentFields).price,
      sentQty: () => (sent as SentFields).qty,
      sentAccount: () => (sent as SentFields).account,
      sentAmount: () => (sent as SentFields).amount,
    };
    let read = 0;
    let shorter = 0;
    const events = [1, 2, 9_007_199_254_740_991, 77].flatMap((n, i) =>
      sampleEvents(n, ["a", "é\n", "😀 x", ""][i] as string),
    );
    for (const e of events) {
      const whole = eventToJson(e);
      let wholeSlots = 0;
      for (const asSent of [false, true]) {
        sent = asSent ? commandOf(e) : null;
        writer.startCommand(sent);
        deliverEvent(writer, e);
        expect(writer.endCommand()).toBe(true);
        let slots = 0;
        for (; read < sink.length; read += recordSlots(sink.f64, read)) {
          const kind = (sink.f64[read] as number) & 15;
          if (kind === KIND_INTERN) reader.learn(sink.f64, sink.u16, read);
          else if (kind === KIND_INTERN_RESET) reader.reset();
          else if (kind === KIND_EVENT) {
            const h = sink.f64[read] as number;
            slots = decodeEvent(sink.f64, read, reader, decoded, source);
            expect(slots).toBe(eventSlots(h));
            expect(endsCommand(h)).toBe(true);
          }
        }
        expect(eventToJson(decoded), `${whole}${asSent ? " as sent" : ""}`).toBe(whole);
        if (!asSent) wholeSlots = slots;
        else if (slots < wholeSlots) shorter++;
      }
    }
    // Acceptances, fills and cancellations of the command being executed leave its fields out.
    expect(shorter).toBe(events.filter((e) => ["accepted", "fill", "cancelled"].includes(e.type)).length);
    expect(new Set(events.map((e) => e.type)).size).toBe(EVENT_SCHEMA.length);
  });
});

/**
 * Runs `commands` through an EngineHost (the worker's side: the engine hands each event to the
 * wire writer by type) into a buffer and decodes them as the client does.
 */
function throughHost(
  commands: readonly unknown[],
  liquidation: LiquidationMode = "soft",
): {
  received: string[];
  short: number;
  textRecords: number;
  folded: number;
} {
  const commandBuffer = new SlotBuffer(64);
  const intern = new InternWriter();
  const record = new CommandRecord();
  const sentCommands = new SentCommands();
  commands.forEach((c, n) => {
    encodeCommand(commandBuffer, intern, record, readCommand(c, record));
    sentCommands.push(n, record, 0);
  });
  const sink = Object.assign(new SlotBuffer(64), { flushes: 0, maxRecordSlots: 1 << 16, flush() {} });
  const host = new EngineHost(
    {
      journalDir: null,
      fsync: { kind: "off" },
      snapshotEvery: 0,
      stopOnMalformed: false,
      deliverFrom: 0,
      liquidation,
    },
    sink,
  );
  const positions = new Int32Array(commandBuffer.length);
  let n = 0;
  for (let at = 0; at < commandBuffer.length; at += recordSlots(commandBuffer.f64, at)) positions[n++] = at;
  host.runBatch(commandBuffer.f64, commandBuffer.u16, commandBuffer.i32, positions, n);

  const received: string[] = [];
  const reader = new InternReader();
  const event = new EngineEvent();
  let short = 0;
  let textRecords = 0;
  let folded = 0;
  let doneRecords = 0;
  for (let at = 0; at < sink.length; ) {
    const kind = (sink.f64[at] as number) & 15;
    if (kind === KIND_EVENT) {
      const slots = decodeEvent(sink.f64, at, reader, event, sentCommands);
      if (slots === 3) short++;
      received.push(eventToJson(event));
      if (endsCommand(sink.f64[at] as number)) {
        folded++;
        sentCommands.current++;
      }
      at += slots;
      continue;
    }
    if (kind === KIND_INTERN) reader.learn(sink.f64, sink.u16, at);
    else if (kind === KIND_INTERN_RESET) reader.reset();
    else if (kind === KIND_DONE) {
      doneRecords++;
      sentCommands.current++;
    } else if (kind === KIND_TEXT) textRecords++;
    at += recordSlots(sink.f64, at);
  }
  expect(folded + doneRecords).toBe(commands.length);
  return { received, short, textRecords, folded };
}

function inProcessJson(commands: readonly unknown[], liquidation: LiquidationMode = "soft"): string[] {
  const expected: string[] = [];
  const local = new Engine({ liquidation, onEvent: (e) => expected.push(eventToJson(e)) });
  for (const c of commands) local.applyInput(c);
  return expected;
}

describe("events through the worker's host", () => {
  it("sends an accepted event that repeats its command as three slots and restores it exactly", () => {
    const commands: unknown[] = generateFlow({ commands: 3_000, seed: 43, accountPpm: 600_000, accounts: 20 });
    commands.push({ type: "limit", id: "str-id", side: "buy", price: 7, qty: 3, account: "zed" });
    commands.push({ type: "market", id: 9_000_001, side: "sell", qty: 1 });
    const { received, short, folded } = throughHost(commands);
    expect(short).toBeGreaterThan(1_000);
    // Commands end with a flag on their last event, not a record of their own.
    expect(folded).toBe(commands.length);
    expect(received).toEqual(inProcessJson(commands));
  });

  it("carries margined flows, their rejections and the liquidator's events in binary, byte-identical", () => {
    for (const seed of [1, 2, 3]) {
      const commands = marginedFlowSample(seed);
      const expected = inProcessJson(commands);
      expect(expected.some((line) => line.includes('"liquidation_stage"'))).toBe(true);
      expect(expected.some((line) => line.includes('"rejected"'))).toBe(true);
      const { received, textRecords, folded } = throughHost(commands);
      expect(textRecords).toBe(0);
      // Every command ends with a flag on its last event, the liquidator's events included.
      expect(folded).toBe(commands.length);
      expect(received).toEqual(expected);
    }
  });

  it("carries the soft liquidator's events in binary, byte-identical: child orders, reductions", () => {
    const commands: Command[] = [
      {
        type: "instrument",
        symbol: "X",
        tiers: [{ maxNotional: 1e12, imrPpm: 100_000, mmrPpm: 50_000 }],
        liquidation: { ...HAND_WORKED, sliceIntervalNs: 1000 },
      },
      { type: "oracle", price: 1000 },
      { type: "deposit", account: "a", amount: 10_000 },
      { type: "limit", id: 1, side: "sell", price: 1000, qty: 100 },
      { type: "limit", id: 2, side: "buy", price: 1000, qty: 100, account: "a" },
      ...Array.from(
        { length: 20 },
        (_, i): Command => ({ type: "limit", id: `b${i}`, side: "buy", price: 950 - i, qty: 50 }),
      ),
      { type: "oracle", price: 945, ts: 1000 }, // breach: one child closes what restores 125%
      ...Array.from({ length: 20 }, (_, i): Command => ({ type: "cancel", id: `b${i}` })),
      { type: "oracle", price: 500, ts: 2000 }, // bankrupt: soft holds it (nothing below its bankruptcy price)
    ];
    const expected = inProcessJson(commands);
    const types = (type: string) =>
      expected.filter((line) => line.includes(`"type":"${type}"`)).map((l) => JSON.parse(l));
    expect(types("liquidation_stage").map((e) => e.stage)).toEqual(["breach", "restored", "bankrupt"]);
    expect(types("liquidation_order")).toHaveLength(1);
    expect(types("liquidation_reduced").map((e) => e.position)).toEqual([76]);
    const { received, textRecords } = throughHost(commands);
    expect(textRecords).toBe(0);
    expect(received).toEqual(expected);
  });

  it("carries hard mode's close-out in binary, byte-identical: the insurance fund, null health", () => {
    const commands: Command[] = [
      {
        type: "instrument",
        symbol: "X",
        tiers: [{ maxNotional: 1e12, imrPpm: 100_000, mmrPpm: 50_000 }],
        liquidation: HAND_WORKED,
      },
      { type: "oracle", price: 1000 },
      { type: "deposit", account: "a", amount: 10_000 },
      { type: "limit", id: 1, side: "sell", price: 1000, qty: 100 },
      { type: "limit", id: 2, side: "buy", price: 1000, qty: 100, account: "a" },
      { type: "limit", id: "low", side: "buy", price: 496, qty: 100 },
      { type: "oracle", price: 500, ts: 2000 }, // bankrupt: closed at once, the fund pays what it holds
    ];
    const expected = inProcessJson(commands, "hard");
    const types = (type: string) =>
      expected.filter((line) => line.includes(`"type":"${type}"`)).map((l) => JSON.parse(l));
    expect(types("liquidation_order")).toHaveLength(1);
    expect(types("liquidation_reduced").map((e) => e.position)).toEqual([0]);
    // 10,000 + 100 × (496 − 1,000) = −40,400, the fund empty.
    expect(types("liquidation_insurance")).toMatchObject([
      { account: "a", badDebt: 40_400, amount: 0, insuranceFund: 0 },
    ]);
    expect(types("liquidation_stage").at(-1).healthPpm).toBeNull();
    const { received, textRecords } = throughHost(commands, "hard");
    expect(textRecords).toBe(0);
    expect(received).toEqual(expected);
  });

  it("carries auto-deleveraging in binary, byte-identical", () => {
    const commands: Command[] = [
      {
        type: "instrument",
        symbol: "X",
        tiers: [{ maxNotional: 1e12, imrPpm: 100_000, mmrPpm: 50_000 }],
        liquidation: HAND_WORKED,
      },
      { type: "oracle", price: 1000 },
      { type: "deposit", account: "a", amount: 10_000 },
      { type: "deposit", account: "b", amount: 20_000 },
      { type: "limit", id: 1, side: "sell", price: 1000, qty: 100, account: "b" },
      { type: "limit", id: 2, side: "buy", price: 1000, qty: 100, account: "a" },
      { type: "oracle", price: 880, ts: 1_000 },
    ];
    const expected = inProcessJson(commands);
    expect(expected.filter((line) => line.includes('"type":"liquidation_adl"'))).toHaveLength(1);
    const { received, textRecords } = throughHost(commands);
    expect(textRecords).toBe(0);
    expect(received).toEqual(expected);
  });

  it("keeps the fields of every command in flight as its store grows", () => {
    const store = new SentCommands();
    const record = new CommandRecord();
    for (let n = 0; n < 5_000; n++) {
      readCommand({ type: "limit", id: n + 1, side: "buy", price: n + 2, qty: 1 }, record);
      store.push(n, record, 10);
    }
    for (const n of [10, 1_023, 1_024, 4_999]) {
      store.current = n;
      expect([store.sentId(), store.sentPrice()]).toEqual([n + 1, n + 2]);
    }
  });
});

describe("SPSC ring", () => {
  it("delivers records in order across many wraps, never overwriting unread slots", () => {
    const sab = createRingBuffer(64);
    const writer = new RingWriter(sab);
    const reader = new RingReader(sab);
    const sizes = [1, 3, 7, 11, 2, 13, 5];
    let sent = 0;
    let received = 0;
    for (let round = 0; round < 2_000; round++) {
      // Write until full, publish, then read a part: exercises wrap padding and full rings.
      for (;;) {
        const n = sizes[sent % sizes.length] as number;
        const at = writer.tryReserve(n);
        if (at < 0) break;
        writer.f64[at] = KIND_COMMAND;
        for (let k = 1; k < n; k++) writer.f64[at + k] = sent * 100 + k;
        sent++;
      }
      writer.publish();
      const take = 1 + (round % 5);
      for (let i = 0; i < take; i++) {
        const at = reader.next();
        if (at < 0) break;
        const n = sizes[received % sizes.length] as number;
        for (let k = 1; k < n; k++) expect(reader.f64[at + k]).toBe(received * 100 + k);
        reader.advance(n);
        received++;
      }
      reader.commit();
    }
    expect(received).toBeGreaterThan(1_000);
    expect(sent - received).toBeLessThan(64);
  });
});
