import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Order } from "../engine/order.js";
import { OrderIndex } from "../engine/order-index.js";
import type { OrderId } from "../protocol/commands.js";

function orderWith(id: OrderId): Order {
  const o = new Order();
  o.id = id;
  return o;
}

/** Index and Map model agree on every id ever used, on size and on the pairs iterated. */
function expectSame(index: OrderIndex, model: Map<OrderId, Order>, ids: Iterable<OrderId>): void {
  for (const id of ids) {
    expect(index.get(id)).toBe(model.get(id));
    expect(index.has(id)).toBe(model.has(id));
  }
  expect(index.size).toBe(model.size);
  expect(new Map(index)).toEqual(model);
}

const numericId = fc.oneof(
  fc.integer({ min: 1, max: 3_000 }), // dense: long probe runs, shifts across the wrap
  fc.constantFrom(Number.MAX_SAFE_INTEGER, 2 ** 32, 2 ** 32 + 1, 2 ** 53 - 2, 4_294_967_295),
  fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER }),
);
// Short strings over a small alphabet: many distinct ids sharing home slots, long probe runs.
const stringId = fc.string({ unit: fc.constantFrom("a", "b", "c", "é", "🙂"), minLength: 1, maxLength: 6 });
const id: fc.Arbitrary<OrderId> = fc.oneof({ weight: 3, arbitrary: numericId }, { weight: 2, arbitrary: stringId });
const op = fc.record({ kind: fc.constantFrom("set", "set", "delete"), id });

describe("order index", () => {
  it("behaves as a Map under random inserts, replacements and deletes, through growth", () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 4_000 }), (ops) => {
        const index = new OrderIndex();
        const model = new Map<OrderId, Order>();
        const used = new Set<OrderId>();
        for (const { kind, id } of ops) {
          used.add(id);
          if (kind === "set") {
            const o = orderWith(id);
            index.set(id, o);
            model.set(id, o);
          } else {
            expect(index.delete(id)).toBe(model.delete(id));
          }
        }
        expectSame(index, model, used);
      }),
      { numRuns: 60 },
    );
  });

  it("keeps string ids reachable under heavy churn (the string table's shifts and growth)", () => {
    const index = new OrderIndex();
    const model = new Map<OrderId, Order>();
    const live: string[] = [];
    let next = 0;
    const name = (n: number) => `c-${n.toString(36)}`;
    for (; next < 3_000; next++) {
      const o = orderWith(name(next));
      index.set(name(next), o);
      model.set(name(next), o);
      live.push(name(next));
    }
    for (let k = 0; k < 50_000; k++) {
      const slot = (k * 7919) % live.length;
      expect(index.delete(live[slot] as string)).toBe(true);
      model.delete(live[slot] as string);
      const o = orderWith(name(next));
      index.set(name(next), o);
      model.set(name(next), o);
      live[slot] = name(next++);
    }
    expectSame(index, model, [...live, name(0), name(next)]);
  });

  it("keeps every survivor reachable when deletes shift probe runs back (dense ids, heavy churn)", () => {
    const index = new OrderIndex();
    const model = new Map<OrderId, Order>();
    let next = 1;
    // 5,000 live ids, 100,000 insert/delete pairs: churn far beyond the table's size.
    const live: number[] = [];
    for (; next <= 5_000; next++) {
      const o = orderWith(next);
      index.set(next, o);
      model.set(next, o);
      live.push(next);
    }
    for (let k = 0; k < 100_000; k++) {
      const victim = live[(k * 7919) % live.length] as number;
      expect(index.delete(victim)).toBe(true);
      model.delete(victim);
      const o = orderWith(next);
      index.set(next, o);
      model.set(next, o);
      live[(k * 7919) % live.length] = next++;
    }
    expectSame(index, model, [...live, 1, 2, 3, next, next + 1]);
  });
});
