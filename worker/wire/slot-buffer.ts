import type { SlotSink } from "./records.js";

/**
 * A growable run of slots: the journal's batch buffer, the postMessage fallback's batches and the
 * client's overflow queue. `reserve` appends; `start` lets a queue consume from the front.
 */
export class SlotBuffer implements SlotSink {
  f64: Float64Array;
  u16: Uint16Array;
  i32: Int32Array;
  /** Slots written. */
  length = 0;
  /** First slot not yet consumed (queues). */
  start = 0;

  constructor(initialSlots = 1024) {
    this.f64 = new Float64Array(initialSlots);
    this.u16 = new Uint16Array(this.f64.buffer);
    this.i32 = new Int32Array(this.f64.buffer);
  }

  reserve(n: number): number {
    const at = this.length;
    if (at + n > this.f64.length) this.grow(at + n);
    this.length = at + n;
    return at;
  }

  /** Bytes of the written slots, for files. */
  bytes(): Uint8Array {
    return new Uint8Array(this.f64.buffer, 0, this.length * 8);
  }

  get pending(): number {
    return this.length - this.start;
  }

  /** Moves the unconsumed slots to the front once the consumed part dominates (queues). */
  compact(): void {
    if (this.start < 1 << 14 || this.start < this.length / 2) return;
    const n = this.length - this.start;
    this.i32.copyWithin(0, this.start * 2, this.length * 2);
    this.start = 0;
    this.length = n;
  }

  clear(): void {
    this.length = 0;
    this.start = 0;
  }

  /** Hands the written slots over (postMessage transfer) and starts a fresh buffer. */
  take(): Float64Array {
    const out = this.f64.subarray(0, this.length);
    this.f64 = new Float64Array(Math.max(1024, this.f64.length));
    this.u16 = new Uint16Array(this.f64.buffer);
    this.i32 = new Int32Array(this.f64.buffer);
    this.clear();
    return out;
  }

  private grow(min: number): void {
    let size = this.f64.length * 2;
    while (size < min) size *= 2;
    const next = new Float64Array(size);
    // Copy as 32-bit words: text slots hold arbitrary bits that must not pass through a double.
    new Int32Array(next.buffer).set(this.i32.subarray(0, this.length * 2));
    this.f64 = next;
    this.u16 = new Uint16Array(next.buffer);
    this.i32 = new Int32Array(next.buffer);
  }
}

/** Copies `n` slots as 32-bit words (text slots must not pass through a double: NaN payloads). */
export function copySlots(from: Int32Array, fromSlot: number, to: Int32Array, toSlot: number, n: number): void {
  let i = fromSlot * 2;
  let j = toSlot * 2;
  if (n > 16) {
    to.set(from.subarray(i, i + n * 2), j);
    return;
  }
  const end = i + n * 2;
  while (i < end) to[j++] = from[i++] as number;
}
