import { describe, expect, it } from "vitest";
import { EngineClient } from "../worker/engine-client.js";

describe("review: the state query's reply on a wide book (default ring)", () => {
  it("answers snapshot() on a book with 100k price levels instead of killing the worker", async () => {
    const client = new EngineClient(); // default ring: 2^18 slots
    await client.start();
    const flow = [];
    for (let i = 1; i <= 100_000; i++) flow.push({ type: "limit", id: i, side: "buy", price: 1_000_000 + i, qty: 1 });
    await client.submitBatch(flow);
    const summary = await client.snapshot().catch((e: Error) => e);
    await client.close().catch(() => {});
    expect(summary).not.toBeInstanceOf(Error);
    expect((summary as { liveOrders: number }).liveOrders).toBe(100_000);
  });
});
