/**
 * A single-producer/single-consumer ring of slots on a SharedArrayBuffer. Positions are free-running
 * 32-bit counters (capacity a power of two, so `pos & mask` is the slot and `(w - r) | 0` the fill
 * whatever the wrap). A record never straddles the end: the producer pads with KIND_WRAP.
 *
 * The producer writes many records, then publishes them with one store and one notify; the
 * consumer drains everything published, then releases the space with one store and one notify.
 * Waiting is the caller's choice: `Atomics.wait` on a worker, `Atomics.waitAsync` on the main
 * thread (which must never block).
 */
import { KIND_WRAP, type SlotSink } from "./records.js";

const HEADER_BYTES = 256;
// Producer and consumer counters on separate cache lines.
export const RING_WRITE = 0;
export const RING_READ = 32;
/** Set when the main side abandons the ring: a blocked worker gives up instead of waiting on. */
export const RING_CLOSED = 48;

export function createRingBuffer(capacitySlots: number): SharedArrayBuffer {
  if (capacitySlots < 64 || (capacitySlots & (capacitySlots - 1)) !== 0 || capacitySlots > 1 << 28) {
    throw new Error(`ring capacity must be a power of two in [64, 2^28], got ${capacitySlots}`);
  }
  return new SharedArrayBuffer(HEADER_BYTES + capacitySlots * 8);
}

class RingViews {
  readonly header: Int32Array;
  readonly f64: Float64Array;
  readonly u16: Uint16Array;
  readonly i32: Int32Array;
  readonly capacity: number;
  readonly mask: number;

  constructor(readonly buffer: SharedArrayBuffer) {
    this.header = new Int32Array(buffer, 0, HEADER_BYTES / 4);
    this.capacity = (buffer.byteLength - HEADER_BYTES) / 8;
    this.mask = this.capacity - 1;
    this.f64 = new Float64Array(buffer, HEADER_BYTES, this.capacity);
    this.u16 = new Uint16Array(buffer, HEADER_BYTES, this.capacity * 4);
    this.i32 = new Int32Array(buffer, HEADER_BYTES, this.capacity * 2);
  }

  get closed(): boolean {
    return Atomics.load(this.header, RING_CLOSED) !== 0;
  }

  close(): void {
    Atomics.store(this.header, RING_CLOSED, 1);
    Atomics.notify(this.header, RING_READ);
    Atomics.notify(this.header, RING_WRITE);
  }
}

export class RingWriter extends RingViews implements SlotSink {
  private write = 0;
  private published = 0;
  private cachedRead = 0;

  /** Free slots as of the consumer's position read now (a shared-memory load: not per record). */
  free(): number {
    this.cachedRead = Atomics.load(this.header, RING_READ);
    return this.capacity - ((this.write - this.cachedRead) | 0);
  }

  /** Reserves `n` contiguous slots (padding to the start if needed); -1 when there is no room now. */
  tryReserve(n: number): number {
    const at = this.write & this.mask;
    const tail = this.capacity - at;
    const need = n <= tail ? n : tail + n;
    if (need > this.capacity) throw new Error(`wire: a ${n}-slot record exceeds the ring`);
    // The cached consumer position only errs on the safe side (less room); reload when short.
    if (this.capacity - ((this.write - this.cachedRead) | 0) < need && this.free() < need) return -1;
    if (n > tail) {
      this.f64[at] = KIND_WRAP;
      this.write = (this.write + tail) | 0;
      this.write = (this.write + n) | 0;
      return 0;
    }
    this.write = (this.write + n) | 0;
    return at;
  }

  reserve(n: number): number {
    const at = this.tryReserve(n);
    if (at < 0) throw new Error("wire: ring full");
    return at;
  }

  /** Makes everything written visible to the consumer and wakes it. */
  publish(): void {
    if (this.write === this.published) return;
    this.published = this.write;
    Atomics.store(this.header, RING_WRITE, this.write);
    Atomics.notify(this.header, RING_WRITE);
  }

  get unpublished(): number {
    return (this.write - this.published) | 0;
  }

  /** The consumer's position as last seen: wait for RING_READ to differ from it. */
  get lastRead(): number {
    return this.cachedRead;
  }
}

export class RingReader extends RingViews {
  private read = 0;
  private committed = 0;
  private cachedWrite = 0;

  /** The slot of the next published record, or -1 when the consumer has caught up. */
  next(): number {
    for (;;) {
      if (this.read === this.cachedWrite) {
        this.cachedWrite = Atomics.load(this.header, RING_WRITE);
        if (this.read === this.cachedWrite) return -1;
      }
      const at = this.read & this.mask;
      if (((this.f64[at] as number) & 15) !== KIND_WRAP) return at;
      this.read = (this.read + this.capacity - at) | 0;
    }
  }

  advance(n: number): void {
    this.read = (this.read + n) | 0;
  }

  /** Releases the consumed slots to the producer and wakes it. */
  commit(): void {
    if (this.read === this.committed) return;
    this.committed = this.read;
    Atomics.store(this.header, RING_READ, this.read);
    Atomics.notify(this.header, RING_READ);
  }

  /** The producer's position as last seen: wait for RING_WRITE to differ from it. */
  get lastWrite(): number {
    return this.cachedWrite;
  }
}

type WaitAsync = (
  array: Int32Array,
  index: number,
  value: number,
  timeout?: number,
) => { async: false; value: "not-equal" | "timed-out" } | { async: true; value: Promise<"ok" | "timed-out"> };

const waitAsync = (Atomics as unknown as { waitAsync: WaitAsync }).waitAsync;

/**
 * Resolves when `header[index]` may no longer be `value` (or after `timeoutMs`), without
 * blocking the thread. Returns null when it already differs.
 */
export function waitForChange(
  header: Int32Array,
  index: number,
  value: number,
  timeoutMs: number,
): Promise<unknown> | null {
  const r = waitAsync(header, index, value, timeoutMs);
  return r.async ? r.value : null;
}
