import { OpenAddressing, staysPut } from "./open-addressing.js";

const MIN_CAPACITY = 1 << 8;

/** FNV-1a over the UTF-16 units: string ids are short, and this costs about what a Map's lookup does. */
function hashOf(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h;
}

/**
 * A map from strings to objects that never stalls on churn, for string order ids: the same
 * open addressing as IntKeyTable (linear probing, backward-shift deletion, growth at half full),
 * with each slot's hash kept beside its key so probes and shifts never rehash a string. A Map keyed
 * by strings stalled 10–30 ms at a time under insert/delete churn at 500k live keys.
 */
export class StringKeyTable<V> extends OpenAddressing {
  private keys: (string | null)[] = new Array<string | null>(MIN_CAPACITY).fill(null);
  /** Each occupied slot's key hash: probes compare it first, shifts and growth reuse it. */
  private hashes = new Int32Array(MIN_CAPACITY);
  private values: (V | null)[] = new Array<V | null>(MIN_CAPACITY).fill(null);

  constructor() {
    super();
    this.sizeFor(MIN_CAPACITY);
  }

  private home(hash: number): number {
    return Math.imul(hash, 0x9e3779b1) >>> this.shift;
  }

  get(key: string): V | undefined {
    const h = hashOf(key);
    const keys = this.keys;
    const mask = this.mask;
    for (let i = this.home(h); ; i = (i + 1) & mask) {
      const k = keys[i];
      if (k === null) return undefined;
      if (this.hashes[i] === h && k === key) return this.values[i] as V;
    }
  }

  /** Adds or replaces the value under `key`. */
  set(key: string, value: V): void {
    if (this.full()) this.grow();
    this.put(key, hashOf(key), value);
  }

  private put(key: string, h: number, value: V): void {
    const keys = this.keys;
    const mask = this.mask;
    let i = this.home(h);
    for (;;) {
      const k = keys[i];
      if (k === null) {
        keys[i] = key;
        this.hashes[i] = h;
        this.count++;
        break;
      }
      if (this.hashes[i] === h && k === key) break;
      i = (i + 1) & mask;
    }
    this.values[i] = value;
  }

  /** Removes `key`; false when it was not there. */
  delete(key: string): boolean {
    const h = hashOf(key);
    const { keys, hashes, values, mask } = this;
    let hole = this.home(h);
    for (;;) {
      const k = keys[hole];
      if (k === null) return false;
      if (hashes[hole] === h && k === key) break;
      hole = (hole + 1) & mask;
    }
    for (let j = (hole + 1) & mask; keys[j] !== null; j = (j + 1) & mask) {
      if (staysPut(hole, j, this.home(hashes[j] as number))) continue;
      keys[hole] = keys[j] as string;
      hashes[hole] = hashes[j] as number;
      values[hole] = values[j] as V;
      hole = j;
    }
    keys[hole] = null;
    values[hole] = null;
    this.count--;
    return true;
  }

  private grow(): void {
    const { keys, hashes, values } = this;
    const capacity = keys.length * 2;
    this.keys = new Array<string | null>(capacity).fill(null);
    this.hashes = new Int32Array(capacity);
    this.values = new Array<V | null>(capacity).fill(null);
    this.sizeFor(capacity);
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i];
      if (k !== null && k !== undefined) this.put(k, hashes[i] as number, values[i] as V);
    }
  }

  /** Every (key, value) pair, in slot order. */
  *[Symbol.iterator](): IterableIterator<[string, V]> {
    for (let i = 0; i < this.keys.length; i++) {
      const k = this.keys[i];
      if (k !== null && k !== undefined) yield [k, this.values[i] as V];
    }
  }
}
