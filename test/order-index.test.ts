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
const id: fc.Arbitrary<OrderId> = fc.oneof({ weight: 6, arbitrary: numericId }, fc.constantFrom("a", "b", "ord-7"));
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
