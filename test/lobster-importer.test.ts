import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { MatchingEngine } from "../engine/engine.js";
import { importLobster } from "../lobster/import-stream.js";
import { parseLobsterTime } from "../lobster/time.js";
import type { Command } from "../protocol/commands.js";

const ASK = 9999999999;
const BID = -9999999999;

/** An orderbook row of `levels` levels: asks and bids as [price, size], best first. */
function row(asks: [number, number][], bids: [number, number][], levels = 2): string {
  const cells: number[] = [];
  for (let i = 0; i < levels; i++) {
    const a = asks[i];
    const b = bids[i];
    cells.push(a?.[0] ?? ASK, a?.[1] ?? 0, b?.[0] ?? BID, b?.[1] ?? 0);
  }
  return cells.join(",");
}

async function importLines(messages: string[], rows: string[] | null = null, hold = true) {
  const lines: string[] = [];
  const commands: Command[] = [];
  const { counts } = await importLobster(
    Readable.from([`${messages.join("\n")}\n`]),
    rows === null ? null : Readable.from([`${rows.join("\n")}\n`]),
    {
      comment: (text) => lines.push(text),
      command: (c) => {
        lines.push(JSON.stringify(c));
        commands.push(c);
      },
    },
    { hold },
  );
  return { lines, commands, counts };
}

function replay(commands: readonly Command[]): {
  engine: MatchingEngine;
  fills: [unknown, number][];
  rejected: string[];
} {
  const fills: [unknown, number][] = [];
  const rejected: string[] = [];
  const engine = new MatchingEngine({
    onEvent(e) {
      if (e.type === "fill") fills.push([e.makerId, e.qty]);
      if (e.type === "rejected") rejected.push(e.reason);
    },
  });
  for (const c of commands) engine.apply(c);
  return { engine, fills, rejected };
}

describe("LOBSTER times", () => {
  it("parses seconds after midnight into exact integer nanoseconds", () => {
    expect(parseLobsterTime("34200.015105074")).toBe(34_200_015_105_074);
    expect(parseLobsterTime("34200.05990197")).toBe(34_200_059_901_970);
    expect(parseLobsterTime("57599.999999999")).toBe(57_599_999_999_999);
    expect(parseLobsterTime("34200")).toBe(34_200_000_000_000);
  });

  it("drops digits below a nanosecond and refuses what is not a time", () => {
    expect(parseLobsterTime("43002.632812672004")).toBe(43_002_632_812_672);
    for (const bad of ["", ".5", "1e5", "-3.2", "34200.1.2", "34200,1"]) expect(parseLobsterTime(bad)).toBe(-1);
  });
});

describe("LOBSTER messages to commands", () => {
  it("turns a submission into a GTC limit order with the LOBSTER id, price and size", async () => {
    const { commands, counts } = await importLines(["34200.1,1,11,100,5800000,-1", "34200.2,1,12,5,5790000,1"]);
    expect(commands).toEqual([
      { type: "limit", ts: 34_200_100_000_000, id: 11, side: "sell", price: 5800000, qty: 100 },
      { type: "limit", ts: 34_200_200_000_000, id: 12, side: "buy", price: 5790000, qty: 5 },
    ]);
    expect(counts.submissions).toBe(2);
  });

  it("turns a partial cancellation into a modify to the new open quantity that keeps priority", async () => {
    const { commands } = await importLines([
      "34200.1,1,11,100,5790000,1",
      "34200.2,1,12,50,5790000,1",
      "34200.3,2,11,30,5790000,1",
    ]);
    expect(commands[2]).toEqual({ type: "modify", ts: 34_200_300_000_000, id: 11, qty: 70 });
    const { engine } = replay(commands);
    expect(engine.restingOrders("X", "buy").map((o) => [o.id, o.open])).toEqual([
      [11, 70],
      [12, 50],
    ]);
  });

  it("turns a deletion into a cancel", async () => {
    const { commands } = await importLines(["34200.1,1,11,100,5790000,1", "34200.2,3,11,100,5790000,1"]);
    expect(commands[1]).toEqual({ type: "cancel", ts: 34_200_200_000_000, id: 11 });
  });

  it("turns a run of executions into one IOC on the other side at the worst price for the total size", async () => {
    const { lines, commands, counts } = await importLines([
      "34200.1,1,11,100,5800000,1",
      "34200.1,1,12,50,5799000,1",
      "34201.5,4,11,100,5800000,1",
      "34201.5,4,12,20,5799000,1",
      "34201.6,1,13,10,5801000,-1",
    ]);
    expect(lines).toContain("#m 3-4");
    expect(commands[2]).toEqual({
      type: "limit",
      ts: 34_201_500_000_000,
      id: "x4",
      side: "sell",
      price: 5799000,
      qty: 120,
      tif: "IOC",
    });
    expect(counts).toMatchObject({ executions: 2, executionRuns: 1 });
    const { engine, fills } = replay(commands);
    expect(fills).toEqual([
      [11, 100],
      [12, 20],
    ]);
    expect(engine.depth("X").bids).toEqual([[5799000, 30, 1]]);
  });

  it("starts a new run at a new timestamp or resting side", async () => {
    const { commands, counts } = await importLines([
      "34200.1,1,11,100,5800000,1",
      "34200.1,1,12,100,5810000,-1",
      "34201.5,4,11,10,5800000,1",
      "34201.6,4,11,10,5800000,1",
      "34201.6,4,12,10,5810000,-1",
    ]);
    expect(counts.executionRuns).toBe(3);
    expect(commands.slice(2).map((c) => [c.type === "limit" && c.side, c.type === "limit" && c.qty])).toEqual([
      ["sell", 10],
      ["sell", 10],
      ["buy", 10],
    ]);
  });

  it("skips hidden executions and halts, and counts them", async () => {
    const { commands, counts } = await importLines([
      "34200.1,5,0,100,5800000,1",
      "34200.2,7,0,0,-1,-1",
      "34200.3,7,0,0,1,-1",
    ]);
    expect(commands).toEqual([]);
    expect(counts).toMatchObject({ hiddenExecutions: 1, halts: 2, messages: 3 });
  });

  it("reports a malformed message line with its number", async () => {
    await expect(importLines(["34200.1,1,11,100,5800000,-1", "34200.2,1,12,abc,5800000,-1"])).rejects.toThrow(
      /message line 2/,
    );
  });
});

describe("the opening book and the book held to the snapshots", () => {
  it("seeds the opening book from the first snapshot with message 1 undone", async () => {
    const { commands, counts } = await importLines(
      ["34200.1,4,999,30,5790000,1"],
      [
        row(
          [[5800000, 100]],
          [
            [5790000, 70],
            [5780000, 50],
          ],
        ),
      ],
    );
    expect(commands.slice(0, 3)).toEqual([
      { type: "limit", ts: 34_200_100_000_000, id: "o1", side: "buy", price: 5790000, qty: 100 },
      { type: "limit", ts: 34_200_100_000_000, id: "o2", side: "buy", price: 5780000, qty: 50 },
      { type: "limit", ts: 34_200_100_000_000, id: "o3", side: "sell", price: 5800000, qty: 100 },
    ]);
    expect(counts).toMatchObject({ openingOrders: 3, openingQty: 250, unknownOrderMessages: 1, heldMessages: 0 });
    // The execution of order 999, never seen, trades against the opening order standing for it.
    const { engine, fills } = replay(commands);
    expect(fills).toEqual([["o1", 30]]);
    expect(engine.depth("X", 2)).toEqual({
      bids: [
        [5790000, 70, 1],
        [5780000, 50, 1],
      ],
      asks: [[5800000, 100, 1]],
    });
  });

  it("takes a deletion of an order never seen out of the synthetic volume at its price", async () => {
    const { commands, counts } = await importLines(
      ["34200.1,1,11,10,5790000,1", "34200.2,3,555,40,5790000,1"],
      [row([[5800000, 100]], [[5790000, 110]]), row([[5800000, 100]], [[5790000, 70]])],
    );
    expect(commands.slice(-1)).toEqual([{ type: "modify", ts: 34_200_200_000_000, id: "o1", qty: 60 }]);
    expect(counts).toMatchObject({ unknownOrderMessages: 1, unknownQtyFromSynthetic: 40, heldMessages: 0 });
  });

  it("reads the empty-level markers ±9999999999 as no level", async () => {
    const { commands } = await importLines(["34200.1,1,11,10,5790000,1"], [`${ASK},0,5790000,10,${ASK},0,${BID},0`]);
    expect(commands).toEqual([{ type: "limit", ts: 34_200_100_000_000, id: 11, side: "buy", price: 5790000, qty: 10 }]);
  });

  it("adds volume that rose into view at the back of its level", async () => {
    // Level 2 of a 2-level file: the 5780000 bid rises into view when 5790000 empties.
    const { lines, commands, counts } = await importLines(
      ["34200.1,1,11,10,5790000,1", "34200.2,1,12,20,5785000,1", "34200.3,3,11,10,5790000,1"],
      [
        row([[5800000, 100]], [[5790000, 10]]),
        row(
          [[5800000, 100]],
          [
            [5790000, 10],
            [5785000, 20],
          ],
        ),
        row(
          [[5800000, 100]],
          [
            [5785000, 20],
            [5780000, 300],
          ],
        ),
      ],
    );
    expect(lines.slice(-4)).toEqual([
      "#m 3",
      JSON.stringify({ type: "cancel", ts: 34_200_300_000_000, id: 11 }),
      "#r",
      JSON.stringify({ type: "limit", ts: 34_200_300_000_000, id: "v1", side: "buy", price: 5780000, qty: 300 }),
    ]);
    expect(replay(commands).engine.depth("X").bids).toEqual([
      [5785000, 20, 1],
      [5780000, 300, 1],
    ]);
    expect(counts).toMatchObject({ heldMessages: 1, addedOrders: 1, addedQty: 300 });
  });

  it("removes excess volume from a level in view, synthetic orders first, and levels that left", async () => {
    const { commands, counts } = await importLines(
      ["34200.1,1,11,10,5790000,1", "34200.2,5,0,1,5795000,-1"],
      [
        row(
          [[5800000, 100]],
          [
            [5790000, 60],
            [5780000, 50],
          ],
        ),
        // Out of view, 20 of the opening 5790000 volume and the whole 5780000 level went.
        row([[5800000, 100]], [[5790000, 40]]),
      ],
    );
    expect(commands.slice(-2)).toEqual([
      { type: "modify", ts: 34_200_200_000_000, id: "o1", qty: 30 },
      { type: "cancel", ts: 34_200_200_000_000, id: "o2" },
    ]);
    expect(counts).toMatchObject({ removedOrders: 1, reducedOrders: 1, removedQty: 70, removedLobsterOrders: 0 });
  });

  it("leaves levels beyond the last one in view alone", async () => {
    const { commands, counts } = await importLines(
      ["34200.1,1,11,10,5770000,1", "34200.2,5,0,1,5795000,-1"],
      [
        row(
          [[5800000, 100]],
          [
            [5790000, 60],
            [5780000, 50],
          ],
        ),
        row(
          [[5800000, 100]],
          [
            [5790000, 60],
            [5780000, 50],
          ],
        ),
      ],
    );
    expect(counts.heldMessages).toBe(0);
    expect(replay(commands).engine.depth("X").bids).toEqual([
      [5790000, 60, 1],
      [5780000, 50, 1],
      [5770000, 10, 1],
    ]);
  });
});
