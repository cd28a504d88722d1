import type { OrderId } from "../protocol/commands.js";
import type { Order } from "./order.js";

const MIN_CAPACITY = 1 << 10;
const TWO_POW_32 = 4294967296;

/**
 * The live orders by id. Numeric ids, the common case, live in an open-addressing table on a
 * typed array: linear probing, and deletion by shifting the probe run back, so no tombstones pile
 * up and churn never forces a rehash; the table rehashes only to grow (at half full). V8's Map
 * rehashed its whole table every ~550k insert/delete pairs at 500k live entries, a 25–37 ms stall
 * each time, which set the open-loop p99. String ids stay in a Map (they are rare on hot paths).
 * Iteration order is not insertion order: nothing that must be deterministic iterates this.
 */
export class OrderIndex {
  /** Numeric ids; 0 marks an empty slot (ids are positive). */
  private keys = new Float64Array(MIN_CAPACITY);
  private values: (Order | null)[] = new Array<Order | null>(MIN_CAPACITY).fill(null);
  private mask = MIN_CAPACITY - 1;
  /** 32 − log2(capacity): the hash's top bits pick the home slot. */
  private shift = 32 - Math.log2(MIN_CAPACITY);
  private count = 0;
  private readonly byString = new Map<string, Order>();

  get size(): number {
    return this.count + this.byString.size;
  }

  /** Fibonacci hashing of both 32-bit halves of a safe integer: consecutive ids spread out. */
  private home(id: number): number {
    const lo = id >>> 0;
    const hi = (id / TWO_POW_32) >>> 0;
    return Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1) >>> this.shift;
  }

  get(id: OrderId): Order | undefined {
    if (typeof id !== "number") return this.byString.get(id);
    const keys = this.keys;
    const mask = this.mask;
    for (let i = this.home(id); ; i = (i + 1) & mask) {
      const k = keys[i] as number;
      if (k === id) return this.values[i] as Order;
      if (k === 0) return undefined;
    }
  }

  has(id: OrderId): boolean {
    return this.get(id) !== undefined;
  }

  /** Adds or replaces the order under `id`. */
  set(id: OrderId, order: Order): void {
    if (typeof id !== "number") {
      this.byString.set(id, order);
      return;
    }
    if ((this.count + 1) * 2 > this.keys.length) this.grow();
    const keys = this.keys;
    const mask = this.mask;
    let i = this.home(id);
    for (;;) {
      const k = keys[i] as number;
      if (k === id) break;
      if (k === 0) {
        keys[i] = id;
        this.count++;
        break;
      }
      i = (i + 1) & mask;
    }
    this.values[i] = order;
  }

  /** Removes `id`; false when it was not there. */
  delete(id: OrderId): boolean {
    if (typeof id !== "number") return this.byString.delete(id);
    const keys = this.keys;
    const values = this.values;
    const mask = this.mask;
    let hole = this.home(id);
    for (;;) {
      const k = keys[hole] as number;
      if (k === id) break;
      if (k === 0) return false;
      hole = (hole + 1) & mask;
    }
    // Shift back every later entry of the probe run that may sit in the hole (its home is not
    // cyclically inside (hole, j]), so lookups never meet a gap before their key.
    for (let j = (hole + 1) & mask; ; j = (j + 1) & mask) {
      const k = keys[j] as number;
      if (k === 0) break;
      const h = this.home(k);
      const stays = hole <= j ? hole < h && h <= j : hole < h || h <= j;
      if (stays) continue;
      keys[hole] = k;
      values[hole] = values[j] as Order;
      hole = j;
    }
    keys[hole] = 0;
    values[hole] = null;
    this.count--;
    return true;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldValues = this.values;
    const capacity = oldKeys.length * 2;
    this.keys = new Float64Array(capacity);
    this.values = new Array<Order | null>(capacity).fill(null);
    this.mask = capacity - 1;
    this.shift--;
    this.count = 0;
    for (let i = 0; i < oldKeys.length; i++) {
      const k = oldKeys[i] as number;
      if (k !== 0) this.set(k, oldValues[i] as Order);
    }
  }

  /** Every (id, order) pair, numeric ids first (consistency checks and tests). */
  *[Symbol.iterator](): IterableIterator<[OrderId, Order]> {
    for (let i = 0; i < this.keys.length; i++) {
      const k = this.keys[i] as number;
      if (k !== 0) yield [k, this.values[i] as Order];
    }
    yield* this.byString;
  }
}
