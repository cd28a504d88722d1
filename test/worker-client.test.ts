import { describe, expect, it } from "vitest";
import { Engine } from "../exchange.js";
import { eventToJson, eventToObject } from "../protocol/events.js";
import { generateFlow } from "../sim/flow-generator.js";
import { EngineClient } from "../worker/engine-client.js";
import { FAULTY_WORKER_URL, FaultPlan } from "./support/fault-plan.js";
import { type AnyCommand, referenceRun } from "./worker-helpers.js";

async function streamThrough(client: EngineClient, commands: readonly unknown[]): Promise<string[]> {
  const events: string[] = [];
  client.onEvent((e) => events.push(eventToJson(e)));
  for (const c of commands) if (!client.enqueueInput(c)) await client.ready();
  await client.drain();
  return events;
}

describe("EngineClient (engine in a worker thread)", () => {
  it("gives byte-identical events and the same state hash as the in-process engine on a 100k flow", async () => {
    const flow = generateFlow({ commands: 100_000, seed: 11 });
    const ref = referenceRun(flow);
    const client = new EngineClient();
    await client.start();
    const events = await streamThrough(client, flow);
    const snap = await client.snapshot();
    await client.close();
    expect(events.length).toBe(ref.all.length);
    expect(events).toEqual(ref.all);
    expect(snap.stateHash).toBe(ref.stateHash);
    expect(snap.seq).toBe(ref.seq);
  });

  it("gives the same events through the postMessage fallback", async () => {
    const flow = generateFlow({ commands: 20_000, seed: 12 });
    const ref = referenceRun(flow);
    const client = new EngineClient({ transport: "message" });
    await client.start();
    const events = await streamThrough(client, flow);
    const snap = await client.snapshot();
    await client.close();
    expect(events).toEqual(ref.all);
    expect(snap.stateHash).toBe(ref.stateHash);
  });

  it("resolves submit and submitBatch with each command's own events", async () => {
    const flow = generateFlow({ commands: 3_000, seed: 13 });
    const ref = referenceRun(flow);
    const client = new EngineClient({ ringSlots: 1024 });
    await client.start();
    const single = await Promise.all(flow.slice(0, 1_000).map((c) => client.submit(c)));
    const batch = await client.submitBatch(flow.slice(1_000));
    await client.close();
    const got = [...single, ...batch].map((events) => events.map((e) => JSON.stringify(e)));
    expect(got).toEqual(ref.perCommand);
  });

  it("rejects invalid commands with the engine's own reason, line and ts", async () => {
    const commands: unknown[] = [
      { type: "limit", id: "a", side: "buy", price: 100, qty: 5, ts: 10 },
      { type: "limit", id: "a", side: "buy", price: 100, qty: 5, ts: 11 }, // DUPLICATE_ID (engine)
      { type: "limit", id: "b", side: "up", price: 100, qty: 5, ts: 50 }, // INVALID_SIDE (validation)
      { type: "limit", id: 7, side: "sell", price: 1.5, qty: 5 },
      { type: "warp", id: 3 },
      { type: "cancel", id: "zz", ts: 5 }, // TS_DECREASING
      { type: "modify", id: "a" },
      {
        type: "instrument",
        symbol: "BTC",
        tiers: [{ maxNotional: 10, imrPpm: 2, mmrPpm: 1 }],
        makerFeePpm: -10,
        takerFeePpm: 20,
      },
      { type: "instrument", symbol: "BTC" },
      { type: "limit", id: "c", side: "sell", price: 99, qty: 2, symbol: "BTC", account: 42, stp: "expire_both" },
      { type: "oracle", price: 100, symbol: "BTC" },
      { type: "deposit", account: "x", amount: 5 },
      { type: "market", id: "m", side: "buy", qty: 3, symbol: "BTC", protectionPpm: 1000 },
      null,
      [1, 2],
      "text",
    ];
    const ref = referenceRun(commands);
    const client = new EngineClient();
    await client.start();
    const got = await client.submitBatchInput(commands as AnyCommand[]);
    const snap = await client.snapshot();
    await client.close();
    expect(got.map((events) => events.map((e) => JSON.stringify(e)))).toEqual(ref.perCommand);
    expect(snap.stateHash).toBe(ref.stateHash);
  });

  it("reports source lines that are not commands in order, as Engine.rejectLine does", async () => {
    const engine = new Engine();
    const ref: string[] = [];
    engine.setListener((e) => ref.push(eventToJson(e)));
    engine.apply({ type: "limit", id: 1, side: "buy", price: 10, qty: 1, ts: 4 }, 1);
    engine.rejectLine("UNKNOWN_FIELD", 2, "limit", "q");
    engine.rejectLine("MALFORMED_LINE", 3);
    const client = new EngineClient();
    await client.start();
    const got: string[] = [];
    client.onEvent((e) => got.push(eventToJson(e)));
    client.enqueue({ type: "limit", id: 1, side: "buy", price: 10, qty: 1, ts: 4 }, 1);
    client.rejectLine("UNKNOWN_FIELD", 2, "limit", "q");
    client.rejectLine("MALFORMED_LINE", 3);
    await client.drain();
    await client.close();
    expect(got).toEqual(ref);
  });

  it("streams events to an async iterator", async () => {
    const flow = generateFlow({ commands: 2_000, seed: 14 });
    const ref = referenceRun(flow);
    const client = new EngineClient();
    await client.start();
    const stream = client.eventStream();
    const collected = (async () => {
      const out: string[] = [];
      for await (const e of stream) out.push(JSON.stringify(e));
      return out;
    })();
    for (const c of flow) client.enqueue(c);
    await client.drain();
    await client.close();
    expect(await collected).toEqual(ref.all);
  });

  it("turns a failure inside the worker into rejected promises, never a hang (no journal)", async () => {
    const faults = new FaultPlan();
    try {
      const client = new EngineClient({ workerUrl: FAULTY_WORKER_URL });
      await client.start();
      const before = client.submit({ type: "limit", id: 1, side: "buy", price: 10, qty: 1 });
      faults.at(1, { kind: "throw" });
      const after = client.submit({ type: "limit", id: 2, side: "buy", price: 10, qty: 1 }).catch((e: Error) => e);
      expect((await before).map((e) => e.type)).toEqual(["accepted"]);
      expect(String(await after)).toMatch(/injected fault.*without a journal/);
      await expect(client.snapshot()).rejects.toThrow(/injected fault/);
      expect(() => client.enqueue({ type: "tick", ts: 1 })).toThrow(/injected fault/);
      await client.close();
    } finally {
      faults.close();
    }
  });

  it("copies events into plain objects equal to eventToObject", async () => {
    const client = new EngineClient();
    await client.start();
    const got = await client.submit({ type: "limit", id: "x", side: "sell", price: 5, qty: 2, postOnly: true, ts: 3 });
    await client.close();
    const engine = new Engine();
    const ref: unknown[] = [];
    engine.setListener((e) => ref.push(eventToObject(e)));
    engine.apply({ type: "limit", id: "x", side: "sell", price: 5, qty: 2, postOnly: true, ts: 3 });
    expect(got).toEqual(ref);
  });
});
