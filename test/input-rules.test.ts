import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { exportState, restoreState } from "../engine/state-snapshot.js";
import { Engine } from "../exchange.js";
import { type EventObject, eventToObject } from "../protocol/events.js";
import type { FlowFormat } from "../protocol/flow-reader.js";
import { type BadLine, type ReplayResult, replayFlow, replayFlowInWorker } from "../worker/replay-flow.js";

interface Replayed {
  result: ReplayResult;
  events: EventObject[];
  bad: BadLine[];
}

async function replay(text: string | Buffer, format: FlowFormat = "jsonl"): Promise<Replayed> {
  const events: EventObject[] = [];
  const bad: BadLine[] = [];
  const result = await replayFlow(Readable.from([Buffer.from(text)]), format, {
    onEvent: (e) => events.push(eventToObject(e)),
    onBadLine: (b) => bad.push(b),
  });
  return { result, events, bad };
}

function rejects(events: readonly EventObject[]): [number | undefined, string][] {
  return events.flatMap((e) => (e.type === "rejected" ? [[e.line, e.reason] as [number | undefined, string]] : []));
}

const SETUP = [
  '{"type":"oracle","price":100}',
  '{"type":"deposit","account":"a","amount":1000000}',
  '{"type":"limit","id":1,"side":"sell","price":100,"qty":5}',
].join("\n");

/** Each line after SETUP must be rejected `reason` at line 4 and leave the state as SETUP left it. */
async function expectRejectedAlone(lines: readonly (string | Buffer)[], reason: string): Promise<void> {
  const before = (await replay(`${SETUP}\n`)).result.engine.stateHash();
  for (const line of lines) {
    const text = Buffer.concat([Buffer.from(`${SETUP}\n`), Buffer.from(line), Buffer.from("\n")]);
    const { events, result } = await replay(text);
    expect(rejects(events), String(line)).toEqual([[4, reason]]);
    expect(result.engine.stateHash(), String(line)).toBe(before);
  }
}

describe("a number in a file is an integer as written", () => {
  it("rejects a price written with a fraction, whatever a double rounds it to", async () => {
    await expectRejectedAlone(
      [
        '{"type":"limit","id":2,"side":"sell","price":100.00000000000000001,"qty":1}',
        '{"type":"limit","id":2,"side":"sell","price":9007199254740990.5,"qty":1}',
        '{"type":"limit","id":2,"side":"sell","price":100.5,"qty":1}',
        '{"type":"limit","id":2,"side":"sell","price":1e-1,"qty":1}',
        // the escape sends the line down the strict reader's JSON.parse path
        '{"type":"limit","id":"\\u0032","side":"sell","price":100.00000000000000001,"qty":1}',
      ],
      "INVALID_PRICE",
    );
  });

  it("rejects a quantity, an amount and a ts written with a fraction", async () => {
    await expectRejectedAlone(
      ['{"type":"limit","id":2,"side":"sell","price":100,"qty":0.99999999999999999}'],
      "INVALID_QTY",
    );
    await expectRejectedAlone(['{"type":"deposit","account":"a","amount":1000.4}'], "INVALID_AMOUNT");
    await expectRejectedAlone(['{"type":"tick","ts":12.0000000000000001}'], "INVALID_TS");
    await expectRejectedAlone(['{"type":"cancel","id":1.5}'], "INVALID_ID");
  });

  it("rejects an instrument parameter written with a fraction", async () => {
    await expectRejectedAlone(
      ['{"type":"instrument","symbol":"Y","tiers":[{"maxNotional":1000.5,"imrPpm":20000,"mmrPpm":10000}]}'],
      "INVALID_TIERS",
    );
    await expectRejectedAlone(
      ['{"type":"instrument","symbol":"Y","liquidation":{"penaltyPpm":5000.000000000000001}}'],
      "INVALID_LIQUIDATION",
    );
  });

  it("accepts a whole number written with a zero fraction or an exponent", async () => {
    const { events } = await replay('{"type":"limit","id":1,"side":"sell","price":1.00e2,"qty":5.0,"ts":10E0}\n');
    expect(events[0]).toMatchObject({ type: "accepted", price: 100, qty: 5, ts: 10 });
  });

  it("holds CSV cells to the same rule", async () => {
    const csv = [
      "type,id,side,price,qty,amount,account,tiers,symbol",
      "limit,1,sell,100.00000000000000001,1,,,", // 2
      "limit,2,sell,100,0.99999999999999999,,,", // 3
      "deposit,,,,,1000.4,a,", // 4
      'instrument,,,,,,,"[{""maxNotional"":1000.5,""imrPpm"":20000,""mmrPpm"":10000}]",Y', // 5
      "limit,3,sell,1.0e2,1,,,", // 6 whole: accepted
      "limit,4,sell,0100,1,,,", // 7 not JSON's number grammar
    ].join("\n");
    const { events } = await replay(csv, "csv");
    expect(rejects(events)).toEqual([
      [2, "INVALID_PRICE"],
      [3, "INVALID_QTY"],
      [4, "INVALID_AMOUNT"],
      [5, "INVALID_TIERS"],
      [7, "INVALID_PRICE"],
    ]);
    expect(events.find((e) => e.type === "accepted")).toMatchObject({ id: 3, price: 100 });
  });
});

describe("a file is valid UTF-8", () => {
  const line = (idBytes: number[]): Buffer =>
    Buffer.concat([
      Buffer.from('{"type":"limit","id":"x'),
      Buffer.from(idBytes),
      Buffer.from('","side":"buy","price":90,"qty":1}'),
    ]);

  it("rejects a line that is not valid UTF-8 instead of replacing its bytes", async () => {
    await expectRejectedAlone(
      [line([0xff]), line([0xc3]), line([0xed, 0xa0, 0x80]), line([0xc0, 0xaf]), line([0xf4, 0x90, 0x80, 0x80])],
      "MALFORMED_LINE",
    );
  });

  it("keeps two ids that differ only in invalid bytes apart: neither is read", async () => {
    const text = Buffer.concat([line([0xff]), Buffer.from("\n"), line([0xfe]), Buffer.from("\n")]);
    const { events, bad } = await replay(text);
    expect(rejects(events)).toEqual([
      [1, "MALFORMED_LINE"],
      [2, "MALFORMED_LINE"],
    ]);
    expect(bad[0]?.detail).toMatch(/UTF-8/);
  });

  it("reads a line with valid text beyond ASCII exactly", async () => {
    const { events } = await replay(`${line([0xc3, 0xa9]).toString()}\n`);
    expect(events[0]).toMatchObject({ type: "accepted", id: "xé" });
  });

  it("rejects a CSV row that is not valid UTF-8", async () => {
    const csv = Buffer.concat([
      Buffer.from("type,id,side,price,qty\nlimit,x"),
      Buffer.from([0xff]),
      Buffer.from(",buy,90,1\n"),
    ]);
    const { events } = await replay(csv, "csv");
    expect(rejects(events)).toEqual([[2, "MALFORMED_LINE"]]);
  });
});

describe("escaped text reads as the text it stands for", () => {
  it("rejects an escaped field name the command does not have, as the plain one", async () => {
    await expectRejectedAlone(
      ['{"type":"cancel","id":1,"pri\\u0063e":5}', '{"type":"cancel","id":1,"price":5}'],
      "UNKNOWN_FIELD",
    );
  });

  it("rejects a field the command type does not have in the plain form", async () => {
    await expectRejectedAlone(
      [
        '{"type":"market","id":2,"side":"buy","qty":1,"price":100}',
        '{"type":"market","id":2,"side":"buy","qty":1,"tif":"IOC"}',
        '{"type":"deposit","account":"a","amount":5,"side":"buy"}',
        '{"type":"tick","ts":5,"id":1}',
      ],
      "UNKNOWN_FIELD",
    );
  });

  it("reads an escaped command type, side and order id as the plain ones", async () => {
    const plain = await replay(`${SETUP}\n{"type":"limit","id":2,"side":"buy","price":100,"qty":2}\n`);
    const escaped = await replay(
      `${SETUP}\n{"typ\\u0065":"l\\u0069mit","id":2,"side":"\\u0062uy","price":100,"qty":2}\n`,
    );
    expect(escaped.events).toEqual(plain.events);
    const cancel = await replay(`${SETUP}\n{"type":"c\\u0061ncel","id":1}\n`);
    expect(cancel.events.at(-1)).toMatchObject({ type: "cancelled", id: 1 });
  });

  it("rejects a boolean written as an escaped string", async () => {
    await expectRejectedAlone(
      ['{"type":"limit","id":2,"side":"buy","price":90,"qty":1,"postOnly":"\\u0074rue"}'],
      "INVALID_POST_ONLY",
    );
  });
});

describe("names that are also Object.prototype's", () => {
  const NAMES = ["__proto__", "constructor", "toString", "hasOwnProperty"];
  const flow = (): string => {
    const lines: string[] = [];
    for (const s of NAMES) {
      lines.push(
        JSON.stringify({ type: "instrument", symbol: s }),
        JSON.stringify({ type: "oracle", symbol: s, price: 100 }),
      );
    }
    for (const a of NAMES) lines.push(JSON.stringify({ type: "deposit", account: a, amount: 1_000_000 }));
    NAMES.forEach((s, i) => {
      const a = NAMES[(i + 1) % NAMES.length] as string;
      lines.push(JSON.stringify({ type: "limit", id: s, side: "sell", price: 101, qty: 2, symbol: s, account: a }));
      lines.push(
        JSON.stringify({ type: "limit", id: `${a}.b`, side: "buy", price: 101, qty: 1, symbol: s, account: s }),
      );
    });
    return `${lines.join("\n")}\n`;
  };

  it("keeps them as plain keys in the book, the accounts and the worker's snapshot", async () => {
    const { result, events } = await replay(flow());
    expect(rejects(events)).toEqual([]);
    const book = JSON.parse(JSON.stringify(result.engine.bookSnapshot()));
    expect(Object.keys(book).sort()).toEqual([...NAMES].sort());
    for (const s of NAMES) expect(Object.hasOwn(book, s) && book[s].asks).toEqual([[101, 1, 1]]);
    const accounts = JSON.parse(JSON.stringify(result.engine.accounts())).accounts;
    expect(Object.keys(accounts).sort()).toEqual([...NAMES].sort());
    for (const a of NAMES) expect(Object.keys(accounts[a].positions)).toHaveLength(2);
    expect(Object.getPrototypeOf(result.engine.bookSnapshot())).toBe(Object.prototype);

    const worker = await replayFlowInWorker(Readable.from([Buffer.from(flow())]), "jsonl");
    expect(worker.final.stateHash).toBe(result.engine.stateHash());
    expect(JSON.stringify(worker.final.book)).toBe(JSON.stringify(result.engine.bookSnapshot()));
    expect(JSON.stringify(worker.final.accounts)).toBe(JSON.stringify(result.engine.accounts()));
  });

  it("keeps them through a snapshot written as JSON and restored", async () => {
    const { result } = await replay(flow());
    const restored = restoreState(JSON.parse(JSON.stringify(exportState(result.engine))), new Engine());
    expect(restored.stateHash()).toBe(result.engine.stateHash());
    expect(JSON.stringify(restored.bookSnapshot())).toBe(JSON.stringify(result.engine.bookSnapshot()));
    expect(JSON.stringify(restored.accounts())).toBe(JSON.stringify(result.engine.accounts()));
    for (const name of NAMES) expect(restored.order(name)?.symbol).toBe(name);
  });

  it("rejects __proto__ as a field name like any unknown field", async () => {
    await expectRejectedAlone(
      ['{"type":"cancel","id":1,"__proto__":5}', '{"type":"cancel","id":1,"__proto__":{"price":5}}'],
      "UNKNOWN_FIELD",
    );
  });
});

describe("a CSV file starts with its header", () => {
  it("rejects a header that names a column twice, and every row under it", async () => {
    const { events, bad } = await replay("type,id,side,price,qty,price\nlimit,1,sell,100,5,101\n", "csv");
    expect(rejects(events)).toEqual([
      [1, "INVALID_HEADER"],
      [2, "INVALID_HEADER"],
    ]);
    expect(bad[0]?.detail).toMatch(/"price" appears twice/);
  });

  it("rejects a file without a header instead of taking its first command for one", async () => {
    const { events, result, bad } = await replay("limit,1,sell,100,5\nlimit,2,buy,100,5\n\n# end\n", "csv");
    expect(rejects(events)).toEqual([
      [1, "INVALID_HEADER"],
      [2, "INVALID_HEADER"],
    ]);
    expect(bad[0]?.detail).toMatch(/"limit" is not a field name/);
    expect(result.engine.liveOrderCount).toBe(0);
  });

  it("rejects a header without a type column", async () => {
    const { events } = await replay("id,side,price,qty\n1,sell,100,5\n", "csv");
    expect(rejects(events)[0]).toEqual([1, "INVALID_HEADER"]);
  });
});
