import type { MessagePort } from "node:worker_threads";
import type { EventSink } from "./engine-host.js";
import { RING_READ, RingWriter } from "./wire/ring.js";
import { SlotBuffer } from "./wire/slot-buffer.js";

/** How long a blocked worker sleeps before re-checking that its client still exists. */
const WAIT_SLICE_MS = 1000;

/**
 * The worker's event ring: when it is full the worker publishes what it has and sleeps on the
 * consumer's counter (Atomics.wait is allowed off the main thread); it gives up with an error,
 * rather than waiting forever, once the client has abandoned the ring.
 */
export class BlockingRingSink extends RingWriter implements EventSink {
  /** Publishes so far: what was written before the last one may have been read. */
  flushes = 0;

  get maxRecordSlots(): number {
    return this.capacity >>> 1;
  }

  override publish(): void {
    this.flushes++;
    super.publish();
  }

  override reserve(n: number): number {
    let at = this.tryReserve(n);
    while (at < 0) {
      this.publish();
      if (this.closed) throw new Error("event ring closed by the client");
      Atomics.wait(this.header, RING_READ, this.lastRead, WAIT_SLICE_MS);
      at = this.tryReserve(n);
    }
    return at;
  }

  flush(): void {
    this.publish();
  }
}

/** The postMessage fallback: events collect in a buffer that is transferred on flush. */
export class MessageSink extends SlotBuffer implements EventSink {
  /** Messages posted so far. */
  flushes = 0;
  /** A message grows as needed; pieces keep any one record modest. */
  readonly maxRecordSlots = 1 << 16;

  constructor(private readonly port: MessagePort) {
    super(1 << 14);
  }

  flush(): void {
    if (this.length === 0) return;
    this.flushes++;
    const out = this.take();
    this.port.postMessage(out, [out.buffer as ArrayBuffer]);
  }
}
