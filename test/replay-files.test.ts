import { createReadStream, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { MAX_LINE_BYTES } from "../io/line-reader.js";
import type { Command } from "../protocol/commands.js";
import { type EventObject, eventToJson, eventToObject } from "../protocol/events.js";
import type { FlowFormat } from "../protocol/flow-reader.js";
import { commandToCsv, commandToJsonl, csvHeader } from "../protocol/flow-writer.js";
import { generateFlow } from "../sim/flow-generator.js";
import { type BadLine, type ReplayOptions, type ReplayResult, replayFlow } from "../worker/replay-flow.js";

const dir = mkdtempSync(join(tmpdir(), "softliq-files-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** `text` as a stream cut into `chunk`-byte pieces (chunking must never change the result). */
function streamOf(text: string | Buffer, chunk = 1 << 16): Readable {
  const buf = typeof text === "string" ? Buffer.from(text) : text;
  const pieces: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunk) pieces.push(buf.subarray(i, i + chunk));
  return Readable.from(pieces);
}

interface Replayed {
  result: ReplayResult;
  events: EventObject[];
  bad: BadLine[];
}

async function replay(
  text: string | Buffer,
  format: FlowFormat,
  options: ReplayOptions = {},
  chunk?: number,
): Promise<Replayed> {
  const events: EventObject[] = [];
  const bad: BadLine[] = [];
  const result = await replayFlow(streamOf(text, chunk), format, {
    ...options,
    onEvent: (e) => events.push(eventToObject(e)),
    onBadLine: (b) => bad.push(b),
  });
  return { result, events, bad };
}

function rejects(events: readonly EventObject[]): [number | undefined, string][] {
  return events.flatMap((e) => (e.type === "rejected" ? [[e.line, e.reason] as [number | undefined, string]] : []));
}

/** A flow that exercises what CSV must carry: instruments with JSON cells, string ids, quotes, commas. */
function parityFlow(): Command[] {
  return [
    {
      type: "instrument",
      symbol: "Y,1",
      tiers: [
        { maxNotional: 1_000_000, imrPpm: 20_000, mmrPpm: 10_000 },
        { maxNotional: 5_000_000, imrPpm: 50_000, mmrPpm: 25_000 },
      ],
      makerFeePpm: -100,
      takerFeePpm: 300,
      liquidation: { penaltyPpm: 5_000, sliceIntervalNs: 1_000_000 },
    },
    { type: "oracle", symbol: "Y,1", price: 500 },
    { type: "limit", id: 'q"1', side: "buy", price: 499, qty: 3, symbol: "Y,1", account: "acct, with comma" },
    { type: "limit", id: "007", side: "sell", price: 501, qty: 2, symbol: "Y,1", postOnly: true },
    { type: "limit", id: 3, side: "sell", price: 499, qty: 1, symbol: "Y,1", account: 12, tif: "IOC" },
    { type: "modify", id: "007", qty: 1 },
    { type: "cancel", id: 'q"1' },
    { type: "deposit", account: "a", amount: 10 },
    ...generateFlow({ commands: 20_000, seed: 21 }),
  ];
}

describe("JSONL and CSV parity", () => {
  it("replays the same flow written both ways to identical events and state hash", async () => {
    const flow = parityFlow();
    const jsonl = `${flow.map(commandToJsonl).join("\n")}\n`;
    const csv = `${csvHeader()}\n${flow.map(commandToCsv).join("\n")}\n`;
    const a = await replay(jsonl, "jsonl");
    const b = await replay(csv, "csv");
    expect(a.bad).toEqual([]);
    expect(b.bad).toEqual([]);
    // one line more in CSV: the header
    expect(b.events.map((e) => (e.type === "rejected" ? { ...e, line: (e.line ?? 1) - 1 } : e))).toEqual(a.events);
    expect(b.result.engine.stateHash()).toBe(a.result.engine.stateHash());
    expect(a.result.commands).toBe(flow.length);
    expect(a.result.fills).toBeGreaterThan(1000);
    expect(a.result.engine.symbols()).toEqual(["Y,1", "X"]);
  });

  it("replays files from disk like streams", async () => {
    const flow = generateFlow({ commands: 3_000, seed: 2 });
    const jsonlPath = join(dir, "flow.jsonl");
    const csvPath = join(dir, "flow.csv");
    writeFileSync(jsonlPath, `${flow.map(commandToJsonl).join("\n")}\n`);
    writeFileSync(csvPath, `${csvHeader()}\n${flow.map(commandToCsv).join("\n")}\n`);
    const a = await replayFlow(createReadStream(jsonlPath), "jsonl");
    const b = await replayFlow(createReadStream(csvPath), "csv");
    expect(b.engine.stateHash()).toBe(a.engine.stateHash());
    expect(b.fills).toBe(a.fills);
  });

  it("accepts CSV columns in any order and missing columns", async () => {
    const csv = "qty,price,side,id,type\n2,100,sell,1,limit\n1,100,buy,2,limit\n";
    const { events } = await replay(csv, "csv");
    expect(events.map((e) => e.type)).toEqual(["accepted", "accepted", "fill"]);
  });

  it("gives the same events whatever the chunk size", async () => {
    const flow = generateFlow({ commands: 2_000, seed: 9 });
    const jsonl = `${flow.map(commandToJsonl).join("\r\n")}\r\n`;
    const whole = await replay(jsonl, "jsonl", {}, jsonl.length);
    const tiny = await replay(jsonl, "jsonl", {}, 7);
    expect(tiny.events).toEqual(whole.events);
  });
});

describe("bad lines", () => {
  const JSONL = [
    '{"type":"limit","id":1,"side":"sell","price":100,"qty":5}', // 1
    "", // 2 blank
    "# a comment", // 3
    '{"type":"limit","id":2,', // 4 bad JSON
    '{"type":"limit","id":3,"side":"buy","price":99,"qty":1,"colour":"red"}', // 5 unknown field
    "   ", // 6 blank
    '  # indented comment {"type"', // 7
    "[1,2]", // 8 not an object
    '{"type":"limit","id":4,"side":"buy","price":0,"qty":1}', // 9 invalid price
    '{"type":"cancel","id":77}', // 10 business reject: not a bad line
    '{"type":"limit","id":5,"side":"buy","price":100,"qty":2}', // 11
  ];

  it("reports each bad line with its number and reason and goes on; blank and # lines count", async () => {
    const { result, events, bad } = await replay(`${JSONL.join("\n")}\n`, "jsonl");
    expect(bad.map(({ line, reason }) => [line, reason])).toEqual([
      [4, "MALFORMED_LINE"],
      [5, "UNKNOWN_FIELD"],
      [8, "MALFORMED_LINE"],
      [9, "INVALID_PRICE"],
    ]);
    expect(bad[1]?.detail).toMatch(/colour/);
    expect(rejects(events)).toEqual([
      [4, "MALFORMED_LINE"],
      [5, "UNKNOWN_FIELD"],
      [8, "MALFORMED_LINE"],
      [9, "INVALID_PRICE"],
      [10, "UNKNOWN_ORDER"],
    ]);
    expect(events.find((e) => e.type === "rejected" && e.line === 5)).toMatchObject({ command: "limit", id: 3 });
    expect(result).toMatchObject({ commands: 7, accepted: 2, rejected: 5, fills: 1, badLines: 4, stoppedAt: null });
  });

  it("numbers lines the same in a CRLF file, and without a final newline", async () => {
    const lf = await replay(`${JSONL.join("\n")}\n`, "jsonl");
    const crlf = await replay(JSONL.join("\r\n"), "jsonl");
    expect(crlf.events).toEqual(lf.events);
    expect(crlf.bad).toEqual(lf.bad);
  });

  it("--strict stops at the first bad line and applies nothing after it", async () => {
    const { result, events } = await replay(`${JSONL.join("\n")}\n`, "jsonl", { strict: true });
    expect(result.stoppedAt).toMatchObject({ line: 4, reason: "MALFORMED_LINE" });
    expect(result.commands).toBe(2);
    expect(events.map((e) => e.type)).toEqual(["accepted", "rejected"]);
    expect(result.engine.liveOrderCount).toBe(1);
  });

  it("--strict goes on past business rejects", async () => {
    const text = '{"type":"cancel","id":1}\n{"type":"tick","ts":5}\n';
    const { result } = await replay(text, "jsonl", { strict: true });
    expect(result.stoppedAt).toBeNull();
    expect(result.commands).toBe(2);
  });

  it("reports bad CSV rows with their line numbers", async () => {
    const csv = [
      "type,id,side,price,qty,tiers,symbol", // 1 header
      "limit,1,sell,100,5,,", // 2
      "", // 3
      "# comment", // 4
      'limit,"2,sell,100,1,,', // 5 unbalanced quotes
      "limit,3,sell,100,1,,,extra", // 6 too many cells
      "instrument,,,,,[{bad json,Z", // 7
      "limit,4,sell,1.5,1,,", // 8 not an integer: INVALID_PRICE
      'limit,"5",buy,100,"2",,', // 9 quoted cells are fine
    ].join("\r\n");
    const { events, bad } = await replay(csv, "csv");
    expect(bad.map(({ line, reason }) => [line, reason])).toEqual([
      [5, "MALFORMED_LINE"],
      [6, "MALFORMED_LINE"],
      [7, "MALFORMED_LINE"],
      [8, "INVALID_PRICE"],
    ]);
    expect(bad[0]?.detail).toMatch(/quote/);
    expect(events.filter((e) => e.type === "fill")).toHaveLength(1);
  });

  it("reports a line longer than 1 MiB as malformed, skips it, and keeps the numbering", async () => {
    // Valid JSON padded past the limit: it must be refused whatever the chunking.
    const long = `{"type":"tick","ts":1${" ".repeat(MAX_LINE_BYTES + 100)}}`;
    const text = `{"type":"tick","ts":0}\n${long}\n{"type":"tick","ts":2}\n${"x".repeat(MAX_LINE_BYTES * 2)}\n{"type":"tick","ts":3}`;
    for (const chunk of [text.length, 1 << 16, 1000, 4099]) {
      const { result, bad, events } = await replay(text, "jsonl", {}, chunk);
      expect(
        bad.map(({ line, reason }) => [line, reason]),
        `chunk ${chunk}`,
      ).toEqual([
        [2, "MALFORMED_LINE"],
        [4, "MALFORMED_LINE"],
      ]);
      expect(bad[0]?.detail).toMatch(/1 MiB/);
      expect(result.accepted).toBe(3);
      expect(events.at(-1)).toMatchObject({ type: "accepted", ts: 3 });
    }
  });

  it("accepts a line of exactly 1 MiB, with or without CR", async () => {
    const line = `{"type":"tick","ts":1}`;
    const exact = line + " ".repeat(MAX_LINE_BYTES - line.length);
    for (const sep of ["\n", "\r\n"]) {
      for (const chunk of [MAX_LINE_BYTES + 1, MAX_LINE_BYTES + 2, 1 << 16]) {
        const { result, bad } = await replay(`${exact}${sep}${exact}`, "jsonl", {}, chunk);
        expect(bad, `${JSON.stringify(sep)} chunk ${chunk}`).toEqual([]);
        expect(result.accepted).toBe(2);
      }
    }
  });

  it("keeps multi-byte UTF-8 characters split across chunks intact", async () => {
    const text = '{"type":"limit","id":"ordre-é€😀","side":"buy","price":1,"qty":1}\n';
    for (const chunk of [1, 2, 3, 5]) {
      const { events } = await replay(text, "jsonl", {}, chunk);
      expect(events[0]).toMatchObject({ type: "accepted", id: "ordre-é€😀" });
    }
  });

  it("writes events that round-trip through eventToJson", async () => {
    const lines: string[] = [];
    await replayFlow(streamOf(`${JSONL.join("\n")}\n`), "jsonl", { onEvent: (e) => lines.push(eventToJson(e)) });
    const { events } = await replay(`${JSONL.join("\n")}\n`, "jsonl");
    expect(lines.map((l) => JSON.parse(l))).toEqual(events);
  });
});

describe("byte-order mark", () => {
  it("reads a JSONL file that starts with a UTF-8 byte-order mark", async () => {
    const { Readable } = await import("node:stream");
    const { replayFlow } = await import("../worker/replay-flow.js");
    const text = '\ufeff{"type":"limit","id":1,"side":"buy","price":10,"qty":1}\n';
    const result = await replayFlow(Readable.from([Buffer.from(text, "utf8")]), "jsonl");
    expect(result.rejected).toBe(0);
    expect(result.accepted).toBe(1);
  });
});
