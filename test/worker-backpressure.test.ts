import { describe, expect, it } from "vitest";
import { generateFlow } from "../sim/flow-generator.js";
import { EngineClient } from "../worker/engine-client.js";
import { referenceRun } from "./worker-helpers.js";

describe("backpressure", () => {
  it("loses nothing and buffers a bounded amount when the event consumer is slow", async () => {
    const flow = generateFlow({ commands: 20_000, seed: 31 });
    const ref = referenceRun(flow);
    const highWater = 256;
    const client = new EngineClient({ ringSlots: 1024, maxBatch: 64, iteratorHighWater: highWater });
    await client.start();
    const stream = client.eventStream();
    let maxInFlight = 0;
    const consumer = (async () => {
      const out: string[] = [];
      for await (const e of stream) {
        out.push(JSON.stringify(e));
        // A slow reader: yields to the event loop every few events.
        if (out.length % 16 === 0) await new Promise((r) => setImmediate(r));
        if (out.length === ref.all.length) break;
      }
      return out;
    })();
    for (const c of flow) {
      if (!client.enqueue(c)) await client.ready();
      const { submitted, done } = client.stats;
      maxInFlight = Math.max(maxInFlight, submitted - done);
    }
    const events = await consumer;
    await client.drain();
    await client.close();
    expect(events).toEqual(ref.all);
    // The producer was held back: commands in flight stay within the two rings and one batch,
    // far below the flow's size.
    expect(maxInFlight).toBeLessThan(2_000);
    expect(client.stats.maxBacklogSlots).toBeLessThan(64);
  });

  it("never drops commands when the command ring is full", async () => {
    const flow = generateFlow({ commands: 5_000, seed: 32 });
    const ref = referenceRun(flow);
    const client = new EngineClient({ ringSlots: 128, maxBatch: 8 });
    await client.start();
    const batch = await client.submitBatch(flow); // far more than the ring holds, queued in order
    await client.close();
    expect(batch.flat().map((e) => JSON.stringify(e))).toEqual(ref.all);
  });
});
