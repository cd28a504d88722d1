import { describe, expect, it } from "vitest";
import { EngineClient } from "../worker/engine-client.js";

describe("the state query's reply on a wide book", () => {
  it("answers snapshot() on a book with 100k price levels instead of killing the worker", async () => {
    const client = new EngineClient(); // default ring: 2^18 slots
    await client.start();
    const flow = [];
    for (let i = 1; i <= 100_000; i++) flow.push({ type: "limit", id: i, side: "buy", price: 1_000_000 + i, qty: 1 });
    await client.submitBatchInput(flow);
    const summary = await client.snapshot().catch((e: Error) => e);
    await client.close().catch(() => {});
    expect(summary).not.toBeInstanceOf(Error);
    expect((summary as { liveOrders: number }).liveOrders).toBe(100_000);
  });

  it("arrives whole in many pieces through a small ring, after the events before it, on both transports", async () => {
    for (const transport of ["ring", "message"] as const) {
      const seen: number[] = [];
      const client = new EngineClient({ transport, ringSlots: 256, onEvent: (e) => seen.push(e.seq) });
      await client.start();
      const flow = [];
      for (let i = 1; i <= 300; i++) flow.push({ type: "limit", id: i, side: "sell", price: 500 + i, qty: 2 });
      for (const c of flow) if (!client.enqueueInput(c)) await client.ready();
      const summary = (await client.snapshot()) as { liveOrders: number; seq: number; book: unknown };
      // Every event the state reflects was delivered before the reply.
      expect(seen.length).toBe(summary.seq);
      expect(summary.liveOrders).toBe(300);
      expect(JSON.stringify(summary.book).length).toBeGreaterThan(256 * 8);
      await client.close();
    }
  });
});
