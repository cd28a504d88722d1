/**
 * The command direction's flow control. Records are published in bulk (at once past a sixteenth
 * of the ring, else at the end of the current task); a full ring queues them behind it
 * (command-channel.ts) and `ready()` waits until they fit again. The postMessage fallback has no
 * ring to fill: it counts as congested while more than an eighth of a ring's slots of commands
 * are in flight.
 */

import type { CommandChannel } from "./command-channel.js";
import type { CommandLedger } from "./command-ledger.js";
import type { Pending } from "./pending.js";
import { InternWriter } from "./wire/intern.js";

/** How long a wait on the other thread sleeps before it looks again. */
export const POLL_MS = 1000;

export class Backpressure {
  /** The current worker's command channel; null before the first and after a failure. */
  channel: CommandChannel | null = null;
  /** The command direction's string table (a new worker starts a new one). */
  intern = new InternWriter();
  /** The most slots that ever queued behind the ring. */
  maxBacklog = 0;
  private flushScheduled = false;
  private waitingForSpace = false;
  private stopped = false;
  private readySignals: Pending<void>[] = [];
  private readonly flushBound = (): void => this.flushNow();
  private readonly spaceBound = (): void => this.onSpace();

  constructor(
    private readonly transport: "ring" | "message",
    private readonly ringSlots: number,
    private readonly ledger: CommandLedger,
    /** Takes the events that are ready (called on every flush). */
    private readonly drainEvents: () => void,
  ) {}

  /** A new worker's channel (a wait on the previous ring ends on its own). */
  attach(channel: CommandChannel): void {
    this.channel = channel;
    this.intern = new InternWriter();
    this.waitingForSpace = false;
  }

  /** The client failed or closed: nothing more is sent. */
  stop(): void {
    this.stopped = true;
  }

  congested(): boolean {
    const channel = this.channel;
    if (channel === null) return false;
    if (this.transport === "message") return this.ledger.submitted - this.ledger.done > this.ringSlots / 8;
    return channel.backlog > 0;
  }

  /** After a record went out: publishes when due; false when the caller should await `ready()`. */
  afterWrite(): boolean {
    const channel = this.channel as CommandChannel;
    if (channel.backlog > 0) {
      if (channel.backlog > this.maxBacklog) this.maxBacklog = channel.backlog;
      this.flushNow();
      return false;
    }
    if (channel.unflushed >= this.ringSlots >>> 4) this.flushNow();
    else if (!this.flushScheduled) {
      this.flushScheduled = true;
      queueMicrotask(this.flushBound);
    }
    return !this.congested();
  }

  /** Resolves when the client is no longer congested (at once when it is not). */
  whenReady(): Promise<void> {
    if (!this.congested()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => this.readySignals.push({ resolve, reject }));
  }

  /** A command finished: in the postMessage fallback that is what frees room. */
  commandDone(): void {
    if (this.transport === "message" && this.readySignals.length > 0 && !this.congested()) this.signalReady();
  }

  flushNow(): void {
    this.flushScheduled = false;
    const channel = this.channel;
    if (channel === null) return;
    channel.drainBacklog();
    channel.flush();
    if (channel.backlog === 0 && this.readySignals.length > 0 && !this.congested()) this.signalReady();
    // Take the events that are ready while we are here: a producer in a tight loop would
    // otherwise let the event ring fill and stall the worker until it yields.
    this.drainEvents();
    if (channel.backlog > 0) this.waitForSpace();
  }

  rejectReady(err: Error): void {
    for (const s of this.readySignals.splice(0)) s.reject(err);
  }

  private waitForSpace(): void {
    if (this.waitingForSpace) return;
    const channel = this.channel as CommandChannel;
    const freed = channel.spaceFreed(POLL_MS);
    this.waitingForSpace = true;
    if (freed === null) setImmediate(this.spaceBound);
    else void freed.then(this.spaceBound);
  }

  private onSpace(): void {
    this.waitingForSpace = false;
    if (this.channel === null || this.stopped) return;
    this.flushNow();
    if (!this.congested()) this.signalReady();
  }

  private signalReady(): void {
    const signals = this.readySignals;
    if (signals.length === 0) return;
    this.readySignals = [];
    for (const s of signals) s.resolve();
  }
}
