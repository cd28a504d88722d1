/**
 * The main thread's end of the command direction. Records go into the shared ring while it has
 * room; once it is full they queue in an overflow buffer (in order, so nothing is dropped) and the
 * caller is told to wait (`backlog > 0`); the overflow moves into the ring as the worker frees
 * space. The postMessage fallback collects records and transfers them in one message per flush.
 */
import type { Worker } from "node:worker_threads";
import { recordSlots } from "./wire/record-size.js";
import type { SlotSink } from "./wire/records.js";
import { RING_READ, RingWriter, waitForChange } from "./wire/ring.js";
import { copySlots, SlotBuffer } from "./wire/slot-buffer.js";

export interface CommandChannel extends SlotSink {
  /** Slots written since the last flush. */
  readonly unflushed: number;
  /** Slots queued behind a full ring. */
  readonly backlog: number;
  /** Makes what was written visible to the worker. */
  flush(): void;
  /** Moves queued records into the ring while it has room; true when none are left. */
  drainBacklog(): boolean;
  /** Resolves when the worker may have freed ring space; null: nothing to wait for. */
  spaceFreed(timeoutMs: number): Promise<unknown> | null;
  /** The worker is gone: wake anything waiting on this channel. */
  abandon(): void;
}

export class RingCommandChannel implements CommandChannel {
  f64: Float64Array;
  u16: Uint16Array;
  readonly ring: RingWriter;
  private readonly overflow = new SlotBuffer(1 << 12);

  constructor(buffer: SharedArrayBuffer) {
    this.ring = new RingWriter(buffer);
    this.f64 = this.ring.f64;
    this.u16 = this.ring.u16;
  }

  reserve(n: number): number {
    // Checked here, where the caller is: queued behind a backlog, a record too large for the
    // ring would only fail later, when the backlog drains (a microtask, a wait callback).
    if (n > this.ring.capacity >>> 1) {
      throw new Error(`wire: a ${n}-slot record does not fit a ring of ${this.ring.capacity} slots (raise ringSlots)`);
    }
    if (this.overflow.pending === 0) {
      const at = this.ring.tryReserve(n);
      if (at >= 0) {
        this.f64 = this.ring.f64;
        this.u16 = this.ring.u16;
        return at;
      }
    }
    const at = this.overflow.reserve(n);
    this.f64 = this.overflow.f64;
    this.u16 = this.overflow.u16;
    return at;
  }

  get unflushed(): number {
    return this.ring.unpublished;
  }

  get backlog(): number {
    return this.overflow.pending;
  }

  flush(): void {
    this.ring.publish();
  }

  drainBacklog(): boolean {
    const q = this.overflow;
    while (q.pending > 0) {
      const n = recordSlots(q.f64, q.start);
      const to = this.ring.tryReserve(n);
      if (to < 0) {
        q.compact();
        return false;
      }
      copySlots(q.i32, q.start, this.ring.i32, to, n);
      q.start += n;
    }
    q.clear();
    return true;
  }

  spaceFreed(timeoutMs: number): Promise<unknown> | null {
    // Wait on the consumer position that made the last reservation fail, not a fresh one: if the
    // worker moved since, this returns at once; reloading here would sleep through that move.
    return waitForChange(this.ring.header, RING_READ, this.ring.lastRead, timeoutMs);
  }

  abandon(): void {
    this.ring.close();
  }
}

export class MessageCommandChannel extends SlotBuffer implements CommandChannel {
  constructor(private readonly worker: Worker) {
    super(1 << 12);
  }

  get unflushed(): number {
    return this.length;
  }

  get backlog(): number {
    return 0;
  }

  flush(): void {
    if (this.length === 0) return;
    const batch = this.take();
    this.worker.postMessage(batch, [batch.buffer as ArrayBuffer]);
  }

  drainBacklog(): boolean {
    return true;
  }

  spaceFreed(): Promise<unknown> | null {
    return null;
  }

  abandon(): void {}
}
