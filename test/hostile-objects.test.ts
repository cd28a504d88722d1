import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Engine } from "../exchange.js";
import { eventToObject } from "../protocol/events.js";
import { EngineClient } from "../worker/engine-client.js";
import { referenceRun } from "./worker-helpers.js";

const VALID = { type: "limit", id: 7, side: "buy", price: 100, qty: 2 };

/**
 * Command-shaped objects that fight back. Each is built afresh by its maker, so the engine and
 * the client meet the same object (a getter that counts its reads starts again).
 */
const HOSTILE: Record<string, () => unknown> = {
  "a throwing getter": () =>
    Object.defineProperty({ ...VALID }, "price", {
      get() {
        throw new Error("no price for you");
      },
      enumerable: true,
    }),
  "a throwing type getter": () =>
    Object.defineProperty({}, "type", {
      get() {
        throw new RangeError("type");
      },
    }),
  "a Proxy whose get trap throws": () =>
    new Proxy(
      { ...VALID },
      {
        get() {
          throw new Error("trap");
        },
      },
    ),
  "a revoked Proxy": () => {
    const { proxy, revoke } = Proxy.revocable({ ...VALID }, {});
    revoke();
    return proxy;
  },
  "a Proxy of an array of tiers whose iterator throws": () => ({
    type: "instrument",
    symbol: "Y",
    tiers: new Proxy([{ maxNotional: 10, imrPpm: 2, mmrPpm: 1 }], {
      get(target, key) {
        if (key === Symbol.iterator) throw new Error("iterator");
        return Reflect.get(target, key);
      },
    }),
  }),
  "liquidation parameters whose keys throw": () => ({
    type: "instrument",
    symbol: "Z",
    liquidation: new Proxy(
      {},
      {
        ownKeys() {
          throw new Error("keys");
        },
      },
    ),
  }),
  "a getter that gives a valid price, then a fraction": () => {
    let reads = 0;
    return Object.defineProperty({ ...VALID, id: 8 }, "price", {
      get: () => (++reads === 1 ? 100 : 100.5),
      enumerable: true,
    });
  },
  "a getter that gives a valid qty, then a string": () => {
    let reads = 0;
    return Object.defineProperty({ ...VALID, id: 9 }, "qty", {
      get: () => (++reads === 1 ? 3 : "3"),
      enumerable: true,
    });
  },
  "a frozen command": () => Object.freeze({ ...VALID, id: 10 }),
  "a null-prototype command": () => Object.assign(Object.create(null), { ...VALID, id: 11 }),
  "a BigInt price": () => ({ ...VALID, id: 12, price: 100n }),
  "a BigInt id": () => ({ ...VALID, id: 13n }),
  "a boxed number": () => ({ ...VALID, id: 14, qty: Object(2) }),
  "a symbol id": () => ({ ...VALID, id: Symbol("x") }),
  "an object id with toString": () => ({ ...VALID, id: { toString: () => "z" } }),
};

const NAMES = Object.keys(HOSTILE);
const make = (name: string): unknown => (HOSTILE[name] as () => unknown)();

describe("apply never throws on user input", () => {
  it("rejects a command whose getter or Proxy trap throws, and changes nothing", () => {
    for (const name of [
      "a throwing getter",
      "a throwing type getter",
      "a Proxy whose get trap throws",
      "a revoked Proxy",
    ]) {
      const events: unknown[] = [];
      const engine = new Engine({ onEvent: (e) => events.push(eventToObject(e)) });
      engine.apply({ type: "limit", id: 1, side: "sell", price: 100, qty: 5 });
      const before = engine.stateHash();
      expect(() => engine.applyInput(make(name), 3), name).not.toThrow();
      expect(events.at(-1), name).toMatchObject({ type: "rejected", reason: "MALFORMED_LINE", line: 3 });
      expect(engine.stateHash(), name).toBe(before);
    }
  });

  it("rejects nested values that throw when read with the field's own code", () => {
    const engine = new Engine();
    const seen: unknown[] = [];
    engine.setListener((e) => seen.push(eventToObject(e)));
    engine.applyInput(make("a Proxy of an array of tiers whose iterator throws"));
    engine.applyInput(make("liquidation parameters whose keys throw"));
    expect(seen.map((e) => (e as { reason?: string }).reason)).toEqual(["MALFORMED_LINE", "MALFORMED_LINE"]);
  });

  it("reads each property once: a getter cannot pass validation with one value and deliver another", () => {
    const events: unknown[] = [];
    const engine = new Engine({ onEvent: (e) => events.push(eventToObject(e)) });
    engine.applyInput(make("a getter that gives a valid price, then a fraction"));
    engine.applyInput(make("a getter that gives a valid qty, then a string"));
    expect(events).toMatchObject([
      { type: "accepted", id: 8, price: 100 },
      { type: "accepted", id: 9, qty: 3 },
    ]);
    expect(engine.order(8)?.price).toBe(100);
    expect(engine.order(9)?.open).toBe(3);
  });

  it("accepts frozen and null-prototype commands and rejects BigInt, boxed and symbol values", () => {
    const events: { type: string; reason?: string }[] = [];
    const engine = new Engine({ onEvent: (e) => events.push(eventToObject(e) as { type: string }) });
    for (const name of NAMES.slice(NAMES.indexOf("a frozen command")))
      expect(() => engine.applyInput(make(name))).not.toThrow();
    expect(events.map((e) => e.reason ?? e.type)).toEqual([
      "accepted",
      "accepted",
      "INVALID_PRICE",
      "INVALID_ID",
      "INVALID_QTY",
      "INVALID_ID",
      "INVALID_ID",
    ]);
  });
});

describe("EngineClient with hostile commands", () => {
  it("rejects a command it cannot read alone and answers every later submit", async () => {
    const client = new EngineClient();
    await client.start();
    try {
      const bad = await client.submitInput(make("a throwing getter") as Record<string, unknown>);
      expect(bad).toMatchObject([{ type: "rejected", reason: "MALFORMED_LINE" }]);
      const next = await client.submit({ type: "limit", id: 1, side: "sell", price: 100, qty: 5 });
      expect(next).toMatchObject([{ type: "accepted", id: 1 }]);
    } finally {
      await client.close();
    }
  });

  it("settles every promise of a fuzzed mix of hostile and valid commands, with the engine's own events", async () => {
    const client = new EngineClient({ ringSlots: 1024 });
    await client.start();
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.array(
            fc.oneof(
              fc.constantFrom(...NAMES),
              fc.record({
                id: fc.integer({ min: 1, max: 30 }),
                side: fc.constantFrom("buy", "sell"),
                price: fc.integer({ min: 95, max: 105 }),
              }),
            ),
            { minLength: 1, maxLength: 30 },
          ),
          fc.boolean(),
          async (picks, batched) => {
            // Each run starts from an empty book: cancel what the last left resting.
            const reset = Array.from({ length: 40 }, (_, i) => ({ type: "cancel", id: i + 1 }));
            await client.submitBatchInput(reset);
            const build = (): unknown[] =>
              picks.map((p) => (typeof p === "string" ? make(p) : { type: "limit", qty: 1, ...p }));
            const ref = referenceRun([...reset, ...build()]);
            const commands = build() as Record<string, unknown>[];
            const settled = batched
              ? [await client.submitBatchInput(commands)].flat()
              : await Promise.all(commands.map((c) => client.submitInput(c)));
            const got = settled.map((events) => events.map((e) => JSON.stringify({ ...e, seq: 0 })));
            const want = ref.perCommand
              .slice(reset.length)
              .map((events) => events.map((e) => JSON.stringify({ ...JSON.parse(e), seq: 0 })));
            expect(got).toEqual(want);
          },
        ),
        { numRuns: 40 },
      );
      const { submitted, done } = client.stats;
      expect(done).toBe(submitted);
    } finally {
      await client.close();
    }
  });
});
