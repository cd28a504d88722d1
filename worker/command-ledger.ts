/**
 * The client's account of its commands: how many were sent and how many have all their events,
 * who waits for which (submit's promises, drain's barriers), and, after a worker crash, which
 * commands the journal kept and which were lost (rejected to their callers, counted for drain).
 * Commands are numbered in the client's life; the worker numbers them by journal index, which is
 * the client's number plus `offset`.
 */
import Denque from "denque";
import { EventListenerError } from "../engine/listener-guard.js";
import type { CommandRecord } from "../protocol/commands.js";
import { type EngineEvent, type EventObject, eventToObject } from "../protocol/events.js";
import { EngineWorkerError } from "./client-errors.js";
import type { Pending } from "./pending.js";
import { SentCommands } from "./sent-commands.js";

/** The promise of commands first..last (one submit, or one submitBatch). */
export interface Waiter {
  first: number;
  last: number;
  /** A listener threw on one of these commands' events: the promise rejects with it. */
  listenerFailure: EventListenerError | null;
  results: EventObject[][];
  current: EventObject[];
  single: boolean;
  resolve: (value: EventObject[][] | EventObject[]) => void;
  reject: (err: Error) => void;
}

/** drain(): resolves once `at` commands are done. */
interface Barrier extends Pending<void> {
  at: number;
}

export class CommandLedger {
  /** Commands submitted in this client's life (the next one's number). */
  submitted = 0;
  /** Commands whose events are complete. */
  done = 0;
  /** journal index = client number + offset (the worker numbers commands from its journal's end). */
  private offset = 0;
  private submittedAtCrash = 0;
  /** Commands lost to crashes since the last drain. */
  private lost = 0;
  /** Commands skipped (after --strict stopped). */
  skipped = 0;
  /** A listener threw on an event of a command without a promise: the next drain() rejects with it. */
  private listenerFailure: EventListenerError | null = null;
  /** The fields of the commands in flight ("accepted, as sent" events are filled from them). */
  readonly sent = new SentCommands();
  private readonly waiters = new Denque<Waiter>();
  private readonly barriers: Barrier[] = [];

  /** The journal index of the next command to finish. */
  get expectedIndex(): number {
    return this.done + this.offset;
  }

  /** Records a command going out (`record` null: a rejected line). */
  sentOne(record: CommandRecord | null): void {
    this.sent.push(this.submitted, record, this.done);
    this.submitted++;
  }

  /** A promise for the next `count` commands; goes in before they are sent (sending may drain their events). */
  addWaiter(count: number, single: boolean, resolve: Waiter["resolve"], reject: Waiter["reject"]): Waiter {
    const first = this.submitted;
    const waiter: Waiter = {
      first,
      last: first + count - 1,
      listenerFailure: null,
      results: [],
      current: [],
      single,
      resolve,
      reject,
    };
    this.waiters.push(waiter);
    return waiter;
  }

  /** Sending threw part-way: the waiter stays only for the commands that went out. */
  truncateWaiter(waiter: Waiter): void {
    const at = this.waiters.toArray().lastIndexOf(waiter);
    if (at < 0) return; // settled already: the client failed
    if (this.submitted === waiter.first) this.waiters.removeOne(at);
    else waiter.last = this.submitted - 1;
  }

  /** An event of the command being received: its waiter keeps a copy. */
  collect(e: EngineEvent): void {
    if (this.waiters.length > 0) {
      const w = this.waiters.peekFront() as Waiter;
      if (w.first <= this.done) w.current.push(eventToObject(e));
    }
  }

  /**
   * A listener's throw must not stop the pump (every later call would hang): the error goes to the
   * promise of the command whose event it was, or to the next drain() for a command sent without one.
   */
  listenerThrew(e: EngineEvent, err: unknown): void {
    const failure = new EventListenerError(e.seq, e.type, err);
    const w = this.waiters.length > 0 ? (this.waiters.peekFront() as Waiter) : null;
    if (w !== null && w.first <= this.done) w.listenerFailure ??= failure;
    else this.listenerFailure ??= failure;
  }

  /** The worker finished the command at journal `index`; false when that is not the one expected. */
  commandDone(index: number, skipped: boolean): boolean {
    if (index !== this.done + this.offset) return false;
    if (skipped) this.skipped++;
    const n = this.done++;
    if (this.waiters.length > 0) {
      const w = this.waiters.peekFront() as Waiter;
      if (w.first <= n) {
        w.results.push(w.current);
        w.current = [];
        if (n >= w.last) {
          this.waiters.shift();
          if (w.listenerFailure !== null) w.reject(w.listenerFailure);
          else w.resolve(w.single ? (w.results[0] as EventObject[]) : w.results);
        }
      }
    }
    this.releaseBarriers();
    return true;
  }

  private releaseBarriers(): void {
    while (this.barriers.length > 0 && (this.barriers[0] as Barrier).at <= this.done) {
      (this.barriers.shift() as Barrier).resolve();
    }
  }

  /** drain(): once every command sent so far is done, the failures since the last drain. */
  whenAllDone(): Promise<void> {
    const at = this.submitted;
    if (this.done >= at) return this.takeFailures();
    return new Promise<void>((resolve, reject) => this.barriers.push({ at, resolve, reject })).then(() =>
      this.takeFailures(),
    );
  }

  private takeFailures(): Promise<void> {
    const listener = this.listenerFailure;
    if (listener !== null) {
      this.listenerFailure = null;
      return Promise.reject(listener);
    }
    if (this.lost === 0) return Promise.resolve();
    const n = this.lost;
    this.lost = 0;
    return Promise.reject(
      new EngineWorkerError(`${n} commands were not applied: the engine worker died before journaling them`),
    );
  }

  /** The first worker is ready with a journal of `journalLength` commands (none of them ours). */
  started(journalLength: number): void {
    this.offset = journalLength;
  }

  /** The worker died; a new one recovers from the journal. */
  crashed(): void {
    this.submittedAtCrash = this.submitted;
  }

  /**
   * The recovered worker is ready: everything the journal holds has been delivered, the rest of
   * what was sent before the crash never reached it, and its callers learn so. Returns why the
   * client must fail instead, or null.
   */
  recovered(journalLength: number): string | null {
    const journaled = journalLength - this.offset;
    if (this.done !== journaled) {
      return `recovery delivered commands up to ${this.done}, but the journal holds ${journaled}`;
    }
    const lostUpTo = this.submittedAtCrash;
    const err = (w: Waiter): EngineWorkerError => {
      const e = new EngineWorkerError(
        "the engine worker died before this command was journaled; it was not applied (resubmit it)",
      );
      e.applied = Math.max(0, journaled - w.first);
      return e;
    };
    // Waiters are in command order: those from `done` up to the crash point are lost.
    const keep: Waiter[] = [];
    while (this.waiters.length > 0) {
      const w = this.waiters.shift() as Waiter;
      if (w.last >= journaled && w.first < lostUpTo) w.reject(err(w));
      else keep.push(w);
    }
    for (const w of keep) this.waiters.push(w);
    this.lost += lostUpTo - journaled;
    this.done = lostUpTo;
    this.offset = journalLength - lostUpTo;
    this.releaseBarriers();
    return null;
  }

  /** The client failed: every promise rejects (a batch's with how many of its commands were applied). */
  failAll(message: string, cause: Error | undefined, err: Error): void {
    while (this.waiters.length > 0) {
      const w = this.waiters.shift() as Waiter;
      const e = new EngineWorkerError(message, cause === undefined ? undefined : { cause });
      e.applied = Math.max(0, this.done - w.first);
      w.reject(e);
    }
    for (const b of this.barriers.splice(0)) b.reject(err);
  }
}
