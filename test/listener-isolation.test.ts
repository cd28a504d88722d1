import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { EventListenerError } from "../engine/listener-guard.js";
import { Engine } from "../exchange.js";
import { type EventListener, eventToJson } from "../protocol/events.js";
import { EngineClient } from "../worker/engine-client.js";
import { referenceRun } from "./worker-helpers.js";

/** The bundled cascade: margined orders, fills, liquidation children, insurance. */
const CASCADE: unknown[] = readFileSync(new URL("../samples/cascade.jsonl", import.meta.url), "utf8")
  .split("\n")
  .filter((l) => l.length > 0)
  .map((l) => JSON.parse(l));
const reference = referenceRun(CASCADE);

/** Throws on every 97th event (fills, liquidation events and rejections among them). */
function sometimesThrows(seen: string[]): EventListener {
  return (e) => {
    seen.push(eventToJson(e));
    if (e.seq % 97 === 0) throw new Error(`listener gave up at ${e.seq}`);
  };
}

describe("a listener that throws cannot cut a command in half", () => {
  it("in process: every command completes, apply then throws EventListenerError, the state is the listener-free state", () => {
    const seen: string[] = [];
    const engine = new Engine({ onEvent: sometimesThrows(seen) });
    const thrownAt: number[] = [];
    for (const c of CASCADE) {
      try {
        engine.apply(c);
      } catch (err) {
        expect(err).toBeInstanceOf(EventListenerError);
        const e = err as EventListenerError;
        expect(e.seq % 97).toBe(0);
        expect((e.cause as Error).message).toBe(`listener gave up at ${e.seq}`);
        thrownAt.push(e.seq);
      }
    }
    // One throw per command that had a 97th event; the listener still saw every event.
    expect(thrownAt.length).toBeGreaterThan(100);
    expect(seen).toEqual(reference.all);
    expect(engine.stateHash()).toBe(reference.stateHash);
    expect(engine.accounts()).toEqual(reference.accounts);
  });

  it("in the worker: the command's promise rejects, every later call is answered, the state is whole", async () => {
    const seen: string[] = [];
    const client = new EngineClient({ onEvent: sometimesThrows(seen) });
    await client.start();
    try {
      const results = await Promise.allSettled(
        CASCADE.slice(0, 3000).map((c) => client.submit(c as Record<string, unknown>)),
      );
      const rejected = results.filter((r) => r.status === "rejected");
      expect(rejected.length).toBeGreaterThan(10);
      for (const r of rejected) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(EventListenerError);
      // Commands sent without a promise: the next drain() reports the listener, the one after is clean.
      for (const c of CASCADE.slice(3000)) client.enqueue(c);
      await expect(client.drain()).rejects.toBeInstanceOf(EventListenerError);
      await expect(client.drain()).resolves.toBeUndefined();
      expect(seen).toEqual(reference.all);
      expect((await client.snapshot()).stateHash).toBe(reference.stateHash);
    } finally {
      await client.close();
    }
  });
});
