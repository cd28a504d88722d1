/**
 * The event direction: reads the records the worker writes (from the event ring, woken by
 * Atomics.waitAsync, or from postMessage batches) and routes each to its consumer. Events are
 * decoded into one reused EngineEvent and go to the listeners, the waiting command's promise and
 * the iterators; a command's end goes to the ledger; replies to the control call that asked; the
 * worker's ready signal to the lifecycle. A slow iterator pauses the reading (the worker then
 * waits on a full ring), so memory stays bounded.
 */
import type { Worker } from "node:worker_threads";
import { EngineEvent, type EventListener, type EventObject, eventToObject } from "../protocol/events.js";
import { type Backpressure, POLL_MS } from "./backpressure.js";
import type { CommandLedger } from "./command-ledger.js";
import { EventIterator, type IteratorSource } from "./event-iterator.js";
import type { Pending } from "./pending.js";
import { decodeEvent, endsCommand } from "./wire/event-codec.js";
import { InternReader } from "./wire/intern.js";
import {
  DONE_SKIPPED,
  KIND_DONE,
  KIND_EVENT,
  KIND_INTERN,
  KIND_INTERN_RESET,
  KIND_READY,
  KIND_TEXT,
  readText,
  TEXT_REPLY,
  TEXT_REPLY_PART,
  textSlots,
} from "./wire/records.js";
import { RING_WRITE, type RingReader, waitForChange } from "./wire/ring.js";

/** What the demux reports to the lifecycle. */
export interface DemuxOwner {
  /** The worker is ready (after recovery) with a journal of `journalLength` commands. */
  workerReady(journalLength: number): void;
  /** The worker broke the protocol: the client fails. */
  protocolError(message: string): void;
}

export class RecordDemux implements IteratorSource {
  readonly listeners: EventListener[] = [];
  /** The current worker's event ring (null: the postMessage fallback, or no worker). */
  private ring: RingReader | null = null;
  private intern = new InternReader();
  private readonly event = new EngineEvent();
  private readonly iterators = new Set<EventIterator>();
  private readonly replies: Pending<unknown>[] = [];
  /** The pieces of a reply too long for one record, until its last piece. */
  private readonly replyParts: string[] = [];
  /** The last event's seq: a recovered worker re-sends a partly delivered command, minus what was seen. */
  private lastSeq = 0;
  private pumping = false;
  private waitingForEvents = false;
  private paused = false;
  private readonly pumpBound = (): void => this.pump();

  constructor(
    private readonly ledger: CommandLedger,
    private readonly flow: Backpressure,
    private readonly owner: DemuxOwner,
  ) {}

  /** A new worker: its ring (null: its messages), a fresh string table, no reply half read. */
  attach(worker: Worker, ring: RingReader | null): void {
    this.intern = new InternReader();
    this.replyParts.length = 0;
    this.ring = ring;
    if (ring !== null) {
      this.waitingForEvents = false;
      this.armEventWait();
    } else {
      worker.on("message", (batch: Float64Array) => this.onMessage(batch));
    }
  }

  /** The worker is gone: the ring is read no more. */
  closeRing(): void {
    this.ring?.close();
  }

  /** Takes whatever a dead worker published before it went. */
  drainDeadWorker(): void {
    const r = this.ring;
    if (r === null) return;
    for (let at = r.next(); at >= 0; at = r.next()) r.advance(this.handle(r.f64, r.u16, at));
  }

  /** The next reply record answers this control call. */
  expectReply(): Promise<unknown> {
    return new Promise((resolve, reject) => this.replies.push({ resolve, reject }));
  }

  rejectReplies(err: Error): void {
    for (const r of this.replies.splice(0)) r.reject(err);
  }

  addIterator(highWater: number): EventIterator {
    const it = new EventIterator(this, highWater);
    this.iterators.add(it);
    return it;
  }

  finishIterators(err: Error | null): void {
    for (const it of this.iterators) it.finish(err);
    this.iterators.clear();
  }

  iteratorChanged(it: EventIterator, removed: boolean): void {
    if (removed) this.iterators.delete(it);
    if (!this.paused) return;
    for (const other of this.iterators) if (other.full) return;
    this.paused = false;
    this.drainEvents();
    this.armEventWait();
  }

  /** Handles every published event record (until a slow iterator pauses us). */
  drainEvents(): void {
    const r = this.ring;
    if (r === null || this.pumping) return;
    this.pumping = true;
    let handled = 0;
    for (let at = r.next(); at >= 0 && !this.paused; at = r.next()) {
      r.advance(this.handle(r.f64, r.u16, at));
      // Release space as we go, so a long drain does not hold the worker back.
      if (++handled === 1024) {
        r.commit();
        handled = 0;
      }
    }
    r.commit();
    this.pumping = false;
  }

  private armEventWait(): void {
    const r = this.ring;
    if (r === null || this.waitingForEvents || this.paused) return;
    this.waitingForEvents = true;
    const changed = waitForChange(r.header, RING_WRITE, r.lastWrite, POLL_MS);
    if (changed === null) setImmediate(this.pumpBound);
    else void changed.then(this.pumpBound);
  }

  /** The wait callback: drain, then wait again. */
  private pump(): void {
    this.waitingForEvents = false;
    this.drainEvents();
    this.armEventWait();
  }

  private onMessage(batch: Float64Array): void {
    const u16 = new Uint16Array(batch.buffer, batch.byteOffset, batch.length * 4);
    for (let at = 0; at < batch.length; ) at += this.handle(batch, u16, at);
  }

  /** Handles one event-channel record; returns its slot count. */
  private handle(f64: Float64Array, u16: Uint16Array, at: number): number {
    const h = f64[at] as number;
    switch (h & 15) {
      case KIND_EVENT: {
        const e = this.event;
        const ledger = this.ledger;
        ledger.sent.current = ledger.done;
        const n = decodeEvent(f64, at, this.intern, e, ledger.sent);
        this.deliver(e);
        if (endsCommand(h)) this.commandDone(ledger.expectedIndex, false);
        return n;
      }
      case KIND_DONE:
        this.commandDone(f64[at + 1] as number, (h & DONE_SKIPPED) !== 0);
        return 2;
      case KIND_INTERN:
        this.intern.learn(f64, u16, at);
        return textSlots(f64[at + 1] as number);
      case KIND_INTERN_RESET:
        this.intern.reset();
        return 1;
      case KIND_TEXT: {
        const sub = h >>> 4;
        if (sub === TEXT_REPLY_PART) {
          this.replyParts.push(readText(f64, u16, at));
        } else if (sub === TEXT_REPLY) {
          const last = readText(f64, u16, at);
          const text = this.replyParts.length === 0 ? last : this.replyParts.join("") + last;
          this.replyParts.length = 0;
          const reply = this.replies.shift();
          reply?.resolve(JSON.parse(text));
        } else {
          throw new Error(`wire: unexpected text record ${sub} on the event channel`);
        }
        return textSlots(f64[at + 1] as number);
      }
      case KIND_READY:
        this.owner.workerReady(f64[at + 1] as number);
        return 2;
      default:
        throw new Error(`wire: unexpected record kind ${h & 15} on the event channel`);
    }
  }

  private commandDone(index: number, skipped: boolean): void {
    const expected = this.ledger.expectedIndex;
    if (!this.ledger.commandDone(index, skipped)) {
      this.owner.protocolError(`wire: the worker finished command ${index}, expected ${expected}`);
      return;
    }
    this.flow.commandDone();
  }

  private deliver(e: EngineEvent): void {
    // A recovered worker replays a partly delivered command from its start: drop what was seen.
    if (e.seq <= this.lastSeq) return;
    this.lastSeq = e.seq;
    const listeners = this.listeners;
    for (let i = 0; i < listeners.length; i++) {
      try {
        (listeners[i] as EventListener)(e);
      } catch (err) {
        this.ledger.listenerThrew(e, err);
      }
    }
    this.ledger.collect(e);
    if (this.iterators.size > 0) {
      let object: EventObject | null = null;
      for (const it of this.iterators) {
        object ??= eventToObject(e);
        if (it.push(object)) this.paused = true;
      }
    }
  }
}
