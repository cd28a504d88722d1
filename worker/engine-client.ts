/**
 * EngineClient: the engine in a worker thread. Commands are validated here (readCommand never
 * throws), encoded into the shared command ring and applied by the worker in batches; events come
 * back through the event ring and are decoded into one reused EngineEvent, so a listener sees
 * exactly what an in-process listener sees. With a journal, a worker that dies is restarted from
 * it: journaled commands keep their events (delivered once), the others are rejected to callers.
 */
import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import Denque from "denque";
import { EventListenerError } from "../engine/listener-guard.js";
import type { LiquidationMode } from "../liquidator/liquidation-params.js";
import { type Command, CommandRecord, type CommandType, type OrderId } from "../protocol/commands.js";
import { EngineEvent, type EventListener, type EventObject, eventToObject } from "../protocol/events.js";
import type { RejectCode } from "../protocol/reject-codes.js";
import { readCommand } from "../protocol/validate.js";
import { encodeCommand, encodeRejectLine } from "../protocol/wire/command-codec.js";
import { decodeEvent, decodeTextEvent, endsCommand } from "../protocol/wire/event-codec.js";
import { InternReader, InternWriter } from "../protocol/wire/intern.js";
import {
  CONTROL_CLOSE,
  CONTROL_FAULT,
  CONTROL_QUERY,
  CONTROL_SLOTS,
  CONTROL_SNAPSHOT,
  FAULT_AFTER_JOURNAL,
  FAULT_EXIT,
  FAULT_THROW,
  KIND_CONTROL,
  KIND_DONE,
  KIND_EVENT,
  KIND_INTERN,
  KIND_INTERN_RESET,
  KIND_READY,
  KIND_TEXT,
  readText,
  TEXT_EVENT,
  TEXT_REPLY,
  TEXT_REPLY_PART,
  textSlots,
} from "../protocol/wire/records.js";
import { createRingBuffer, RING_WRITE, RingReader, waitForChange } from "../protocol/wire/ring.js";
import { type CommandChannel, MessageCommandChannel, RingCommandChannel } from "./command-channel.js";
import type { StateSummary } from "./engine-host.js";
import type { WorkerConfig } from "./engine-worker.js";
import {
  asJournalWriteError,
  type FsyncPolicy,
  JournalWriteError,
  listSegments,
  parseFsyncPolicy,
  RecoveryError,
} from "./journal.js";
import { type JournalLock, lockJournal } from "./journal-lock.js";
import { builtModuleUrl } from "./module-url.js";
import { SentCommands } from "./sent-commands.js";
import { listSnapshots } from "./snapshot-store.js";

export type { StateSummary } from "./engine-host.js";

export interface JournalOptions {
  /** Directory of the journal and snapshots (created if missing). */
  dir: string;
  /** "batch" (default), "off", or an interval such as "20ms". */
  fsync?: FsyncPolicy | string;
  /** A persistent snapshot every N commands (default 100,000; 0: never). */
  snapshotEvery?: number;
  /**
   * Refuse a directory that already holds a journal (RecoveryError) instead of continuing it:
   * checked under the lock, so two starters cannot both find it empty.
   */
  fresh?: boolean;
}

export interface EngineClientOptions {
  /** "ring" (default): shared-memory rings; "message": the postMessage fallback. */
  transport?: "ring" | "message";
  /** Slots (8 bytes) in each ring, a power of two (default 2^18). */
  ringSlots?: number;
  /** Records the worker takes per batch at most (default 4096). */
  maxBatch?: number;
  journal?: JournalOptions | null;
  /** Every event, in order (a reused record: copy what you keep). */
  onEvent?: EventListener;
  /** After the first malformed-line rejection the worker skips later commands (replay --strict). */
  stopOnMalformed?: boolean;
  /** Restarts after worker crashes before the client gives up (default 10). */
  maxRestarts?: number;
  /** Event objects an async iterator buffers before the client stops reading the ring (default 8192). */
  iteratorHighWater?: number;
  /** The worker entry (default: engine-worker.js beside this module, or dist/ when run from sources). */
  workerUrl?: URL;
  /**
   * The liquidator: soft (default), hard or off, as for the in-process Engine. With a journal,
   * unset means the mode the journal was written in; another mode than that is refused.
   */
  liquidation?: LiquidationMode;
}

/**
 * A command that did not reach the journal before the worker died, or a client that failed
 * (`cause`: a JournalWriteError when the journal could not be written).
 */
export class EngineWorkerError extends Error {
  /** submitBatch: how many of the batch's commands were applied before the failure. */
  applied = 0;
}

type FaultKind = "throw" | "exit" | "after-journal";

interface Waiter {
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

interface Pending<T> {
  resolve: (value: T) => void;
  reject: (err: Error) => void;
}

interface Barrier extends Pending<void> {
  at: number;
}

const POLL_MS = 1000;

function defaultWorkerUrl(): URL {
  return builtModuleUrl("./engine-worker.js", import.meta.url);
}

type State = "new" | "starting" | "running" | "recovering" | "closing" | "closed" | "failed";

export class EngineClient {
  private state: State = "new";
  private worker: Worker | null = null;
  private channel: CommandChannel | null = null;
  private events: RingReader | null = null;
  private commandIntern = new InternWriter();
  private eventIntern = new InternReader();
  private readonly record = new CommandRecord();
  private readonly event = new EngineEvent();
  /** The fields of the commands in flight ("accepted, as sent" events are filled from them). */
  private readonly sent = new SentCommands();
  private readonly listeners: EventListener[] = [];
  private readonly iterators = new Set<EventIterator>();
  private readonly waiters = new Denque<Waiter>();
  private readonly barriers: Barrier[] = [];
  private readonly replies: Pending<unknown>[] = [];
  /** The pieces of a reply too long for one record, until its last piece. */
  private readonly replyParts: string[] = [];
  private readySignals: Pending<void>[] = [];
  private startSignal: Pending<void> | null = null;
  private exitSignal: Pending<void> | null = null;

  /** Commands submitted in this client's life (the next one's number). */
  private submitted = 0;
  /** Commands whose events are complete. */
  private done = 0;
  /** journal index = client number + offset (the worker numbers commands from its journal's end). */
  private offset = 0;
  /** The last event's seq: a recovered worker re-sends a partly delivered command, minus what was seen. */
  private lastSeq = 0;
  private submittedAtCrash = 0;
  private lastError: Error | null = null;
  /** A listener threw on an event of a command without a promise: the next drain() rejects with it. */
  private listenerFailure: EventListenerError | null = null;
  private failure: EngineWorkerError | null = null;
  private restarts = 0;
  private lost = 0;
  private skipped = 0;
  private pumping = false;
  private waitingForEvents = false;
  private waitingForSpace = false;
  private flushScheduled = false;
  private paused = false;
  private maxBacklog = 0;
  private readonly transport: "ring" | "message";
  private readonly ringSlots: number;
  private readonly journal: { dir: string; fsync: FsyncPolicy; snapshotEvery: number; fresh: boolean } | null;
  /** Held from start() until the client closes or fails. */
  private lock: JournalLock | null = null;
  private readonly flushBound = (): void => this.flushNow();
  private readonly pumpBound = (): void => this.pump();
  private readonly spaceBound = (): void => this.onSpace();

  constructor(private readonly options: EngineClientOptions = {}) {
    this.transport = options.transport ?? "ring";
    this.ringSlots = options.ringSlots ?? 1 << 18;
    const j = options.journal ?? null;
    if (j === null) {
      this.journal = null;
    } else {
      const fsync = typeof j.fsync === "string" ? parseFsyncPolicy(j.fsync) : (j.fsync ?? { kind: "batch" as const });
      if (fsync === null) throw new Error(`journal fsync policy must be batch, off or N ms, got ${String(j.fsync)}`);
      this.journal = { dir: j.dir, fsync, snapshotEvery: j.snapshotEvery ?? 100_000, fresh: j.fresh === true };
      if (options.stopOnMalformed === true) throw new Error("stopOnMalformed cannot be combined with a journal");
    }
    if (options.onEvent !== undefined) this.listeners.push(options.onEvent);
  }

  /** Starts the worker (recovering from the journal when there is one). */
  start(): Promise<void> {
    if (this.state !== "new") return Promise.reject(new Error(`EngineClient.start: already ${this.state}`));
    if (this.journal !== null) {
      try {
        this.lock = this.takeJournal(this.journal.dir, this.journal.fresh);
      } catch (err) {
        return Promise.reject(asJournalWriteError(err, this.journal.dir));
      }
    }
    this.state = "starting";
    return new Promise<void>((resolve, reject) => {
      this.startSignal = { resolve, reject };
      // A journal's earlier events belong to an earlier client: deliver none of them.
      this.spawn(Number.MAX_SAFE_INTEGER);
    });
  }

  /** Creates the directory if missing and takes its lock (then, if `fresh`, checks it is empty). */
  private takeJournal(dir: string, fresh: boolean): JournalLock {
    if (!existsSync(dir)) mkdirSync(dir, { recursive: true });
    const lock = lockJournal(dir);
    if (fresh && (listSegments(dir).length > 0 || listSnapshots(dir).length > 0)) {
      lock.release();
      throw new RecoveryError(`${dir} already holds a journal (inspect it with softliq recover)`);
    }
    return lock;
  }

  private releaseLock(): void {
    this.lock?.release();
    this.lock = null;
  }

  // ——— commands ———

  /** Applies one command; resolves with its events. */
  submit(command: Command | Record<string, unknown>): Promise<EventObject[]> {
    return new Promise<EventObject[]>((resolve, reject) => {
      this.sendWithWaiter([command], true, resolve as Waiter["resolve"], reject);
    });
  }

  /**
   * Applies commands in order, contiguously (nothing else interleaves); resolves with each
   * command's events. What does not fit in the ring queues in memory: the batch is already there.
   */
  submitBatch(commands: readonly (Command | Record<string, unknown>)[]): Promise<EventObject[][]> {
    if (commands.length === 0) return Promise.resolve([]);
    return new Promise<EventObject[][]>((resolve, reject) => {
      this.sendWithWaiter(commands, false, resolve as Waiter["resolve"], reject);
    });
  }

  /**
   * The waiter goes first: sending may already drain events of these very commands. Should
   * sending throw part-way (readCommand does not, whatever the command), the waiter is cut to what
   * was sent, so that later waiters keep their numbers.
   */
  private sendWithWaiter(
    commands: readonly unknown[],
    single: boolean,
    resolve: Waiter["resolve"],
    reject: Waiter["reject"],
  ): void {
    this.assertOpen();
    const first = this.submitted;
    const last = first + commands.length - 1;
    const waiter: Waiter = { first, last, listenerFailure: null, results: [], current: [], single, resolve, reject };
    this.waiters.push(waiter);
    try {
      for (const command of commands) this.enqueue(command);
    } catch (err) {
      this.truncateWaiter(waiter);
      throw err;
    }
  }

  /** The throw rejects the caller's promise; the waiter stays only for the commands that went out. */
  private truncateWaiter(waiter: Waiter): void {
    const at = this.waiters.toArray().lastIndexOf(waiter);
    if (at < 0) return; // settled already: the client failed
    if (this.submitted === waiter.first) this.waiters.removeOne(at);
    else waiter.last = this.submitted - 1;
  }

  /**
   * Sends a command without a promise of its own (events reach the listeners): the fast path for
   * feeds. Returns false when the ring is full and records queue: await `ready()` before more.
   */
  enqueue(input: unknown, line = 0): boolean {
    this.assertOpen();
    const code = readCommand(input, this.record);
    this.record.line = line;
    encodeCommand(this.requireChannel(), this.commandIntern, this.record, code);
    this.sent.push(this.submitted, this.record, this.done);
    this.submitted++;
    return this.afterWrite();
  }

  /** Reports a source line that is not a command (as `Engine.rejectLine`), in order with the rest. */
  rejectLine(reason: RejectCode, line: number, command: CommandType | null = null, id: OrderId | null = null): boolean {
    this.assertOpen();
    encodeRejectLine(this.requireChannel(), this.commandIntern, reason, line, command, id);
    this.sent.push(this.submitted, null, this.done);
    this.submitted++;
    return this.afterWrite();
  }

  /** Resolves when queued records fit in the ring again (at once when none queue). */
  ready(): Promise<void> {
    this.flushNow();
    if (this.failure !== null) return Promise.reject(this.failure);
    if (!this.congested()) return Promise.resolve();
    return new Promise<void>((resolve, reject) => this.readySignals.push({ resolve, reject }));
  }

  /**
   * Resolves when every command sent so far has its events; rejects when some were lost to a
   * worker crash (not journaled) since the last drain.
   */
  drain(): Promise<void> {
    this.flushNow();
    if (this.failure !== null) return Promise.reject(this.failure);
    const at = this.submitted;
    if (this.done >= at) return this.lostCheck();
    return new Promise<void>((resolve, reject) => this.barriers.push({ at, resolve, reject })).then(() =>
      this.lostCheck(),
    );
  }

  private lostCheck(): Promise<void> {
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

  /** The state after every command sent so far: stateHash, book, seq, clock, live orders. */
  snapshot(): Promise<StateSummary> {
    return this.control(CONTROL_QUERY, 0) as Promise<StateSummary>;
  }

  /** Writes a persistent snapshot now (with a journal); resolves with its journal index. */
  async persistSnapshot(): Promise<number | null> {
    const reply = (await this.control(CONTROL_SNAPSHOT, 0)) as { snapshotIndex: number | null };
    return reply.snapshotIndex;
  }

  /** Tests: makes the worker fail at this point of the command stream. */
  injectFault(kind: FaultKind): void {
    const arg = kind === "throw" ? FAULT_THROW : kind === "exit" ? FAULT_EXIT : FAULT_AFTER_JOURNAL;
    this.writeControl(CONTROL_FAULT, arg);
  }

  /** Tests: kills the worker thread now, wherever it is. */
  terminateWorker(): void {
    void this.worker?.terminate();
  }

  /** Finishes: waits for every command, flushes the journal, stops the worker. */
  async close(): Promise<void> {
    if (this.state === "closed") return;
    if (this.state === "failed" || this.state === "new") {
      this.state = "closed";
      await this.worker?.terminate();
      this.releaseLock();
      return;
    }
    const replied = this.control(CONTROL_CLOSE, 0);
    const exited = new Promise<void>((resolve, reject) => {
      this.exitSignal = { resolve, reject };
    });
    this.state = "closing";
    await replied;
    await exited;
  }

  // ——— events ———

  /** Adds a listener of every event (a reused record); returns a function that removes it. */
  onEvent(listener: EventListener): () => void {
    this.listeners.push(listener);
    return () => {
      const i = this.listeners.indexOf(listener);
      if (i >= 0) this.listeners.splice(i, 1);
    };
  }

  /**
   * The event stream from now on, as plain objects. A slow reader holds the worker back (the
   * client stops reading the ring when a reader has `iteratorHighWater` events waiting), so
   * memory stays bounded; the iterator ends when the client closes.
   */
  eventStream(): AsyncIterableIterator<EventObject> {
    const it = new EventIterator(this, this.options.iteratorHighWater ?? 8192);
    this.iterators.add(it);
    return it;
  }

  /** Figures for tests and benchmarks. */
  get stats(): { submitted: number; done: number; restarts: number; skipped: number; maxBacklogSlots: number } {
    return {
      submitted: this.submitted,
      done: this.done,
      restarts: this.restarts,
      skipped: this.skipped,
      maxBacklogSlots: this.maxBacklog,
    };
  }

  /** @internal An iterator was read from or returned. */
  iteratorChanged(it: EventIterator, removed: boolean): void {
    if (removed) this.iterators.delete(it);
    if (!this.paused) return;
    for (const other of this.iterators) if (other.full) return;
    this.paused = false;
    this.drainEvents();
    this.armEventWait();
  }

  // ——— sending ———

  private assertOpen(): void {
    if (this.failure !== null) throw this.failure;
    if (this.state === "new") throw new Error("EngineClient: call start() first");
    if (this.state === "closing" || this.state === "closed") throw new Error("EngineClient: closed");
  }

  private requireChannel(): CommandChannel {
    return this.channel as CommandChannel;
  }

  private congested(): boolean {
    const channel = this.channel;
    if (channel === null) return false;
    if (this.transport === "message") return this.submitted - this.done > this.ringSlots / 8;
    return channel.backlog > 0;
  }

  /** Publishes in bulk: at once past a threshold, else at the end of the current task. */
  private afterWrite(): boolean {
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

  private flushNow(): void {
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
    if (this.channel === null || this.state === "failed" || this.state === "closed") return;
    this.flushNow();
    if (!this.congested()) this.signalReady();
  }

  private signalReady(): void {
    const signals = this.readySignals;
    if (signals.length === 0) return;
    this.readySignals = [];
    for (const s of signals) s.resolve();
  }

  private writeControl(op: number, arg: number): void {
    this.assertOpen();
    const channel = this.requireChannel();
    const at = channel.reserve(CONTROL_SLOTS);
    channel.f64[at] = KIND_CONTROL | (op << 4);
    channel.f64[at + 1] = arg;
    this.flushNow();
  }

  /** The reply waiter goes first: writing flushes, and the reply may be drained at once. */
  private control(op: number, arg: number): Promise<unknown> {
    try {
      this.assertOpen();
    } catch (err) {
      return Promise.reject(err);
    }
    const reply = new Promise((resolve, reject) => this.replies.push({ resolve, reject }));
    this.writeControl(op, arg);
    return reply;
  }

  // ——— the worker ———

  private spawn(deliverFrom: number): void {
    const transport = this.transport;
    const commandRing = transport === "ring" ? createRingBuffer(this.ringSlots) : null;
    const eventRing = transport === "ring" ? createRingBuffer(this.ringSlots) : null;
    const config: WorkerConfig = {
      transport,
      commandRing,
      eventRing,
      maxBatch: this.options.maxBatch ?? 4096,
      host: {
        journalDir: this.journal?.dir ?? null,
        fsync: this.journal?.fsync ?? { kind: "off" },
        snapshotEvery: this.journal?.snapshotEvery ?? 0,
        stopOnMalformed: this.options.stopOnMalformed === true,
        deliverFrom,
        ...(this.options.liquidation === undefined ? {} : { liquidation: this.options.liquidation }),
      },
    };
    const url = this.options.workerUrl ?? defaultWorkerUrl();
    if (url.protocol === "file:" && !existsSync(fileURLToPath(url))) {
      throw new Error(`engine worker entry ${url.href} not found (run npm run build)`);
    }
    const worker = new Worker(url, { workerData: config });
    this.worker = worker;
    this.waitingForSpace = false; // a wait on the previous ring ends on its own
    this.commandIntern = new InternWriter();
    this.eventIntern = new InternReader();
    this.replyParts.length = 0;
    this.lastError = null;
    if (commandRing !== null && eventRing !== null) {
      this.channel = new RingCommandChannel(commandRing);
      this.events = new RingReader(eventRing);
      this.waitingForEvents = false;
      this.armEventWait();
    } else {
      this.channel = new MessageCommandChannel(worker);
      this.events = null;
      worker.on("message", (batch: Float64Array) => this.onMessage(batch));
    }
    worker.on("error", (err) => {
      this.lastError = err;
    });
    worker.on("exit", (code) => this.onExit(worker, code));
  }

  private onExit(worker: Worker, code: number): void {
    if (worker !== this.worker) return;
    this.events?.close();
    this.channel?.abandon();
    this.drainDeadWorker();
    const last = this.lastError;
    if (last !== null && (last as Partial<JournalWriteError>).journalWriteFailed === true) {
      // A journal that could not be written is not restarted: nothing more may be journaled in
      // this run (a later frame after a lost one would leave a gap no recovery can see).
      const failed = last as JournalWriteError;
      this.fail(
        `the journal failed: ${failed.message}`,
        new JournalWriteError(failed.message, failed.code, failed.path),
      );
      return;
    }
    if (this.state === "closing") {
      this.state = "closed";
      this.releaseLock();
      this.rejectReplies(new EngineWorkerError("engine worker exited"));
      this.finishIterators(null);
      this.exitSignal?.resolve();
      return;
    }
    const cause = last === null ? `exited with code ${code}` : `failed: ${last.message}`;
    if (this.state === "starting" || this.state === "recovering") {
      this.fail(
        `engine worker ${cause} while ${this.state === "starting" ? "starting" : "recovering from the journal"}`,
      );
      return;
    }
    if (this.journal === null) {
      this.fail(`engine worker ${cause}; without a journal its state is lost`);
      return;
    }
    if (this.restarts >= (this.options.maxRestarts ?? 10)) {
      this.fail(`engine worker ${cause}; gave up after ${this.restarts} restarts`);
      return;
    }
    // Restart from the journal. Queries in flight are answered by no one: reject them.
    this.rejectReplies(new EngineWorkerError(`engine worker ${cause}`));
    this.state = "recovering";
    this.submittedAtCrash = this.submitted;
    this.restarts++;
    this.worker = null;
    try {
      this.spawn(this.done + this.offset);
    } catch (err) {
      this.fail(`cannot restart the engine worker: ${(err as Error).message}`);
    }
  }

  /** Takes whatever the dead worker published before it went. */
  private drainDeadWorker(): void {
    const r = this.events;
    if (r === null) return;
    for (let at = r.next(); at >= 0; at = r.next()) r.advance(this.handle(r.f64, r.u16, at));
  }

  private fail(message: string, cause?: Error): void {
    const err = new EngineWorkerError(message, cause === undefined ? undefined : { cause });
    this.failure = err;
    this.releaseLock();
    this.state = "failed";
    this.events?.close();
    this.channel = null;
    this.startSignal?.reject(err);
    this.startSignal = null;
    while (this.waiters.length > 0) {
      const w = this.waiters.shift() as Waiter;
      const e = new EngineWorkerError(message, cause === undefined ? undefined : { cause });
      e.applied = Math.max(0, this.done - w.first);
      w.reject(e);
    }
    for (const b of this.barriers.splice(0)) b.reject(err);
    this.rejectReplies(err);
    for (const s of this.readySignals.splice(0)) s.reject(err);
    this.finishIterators(err);
    this.exitSignal?.resolve();
    void this.worker?.terminate();
  }

  private rejectReplies(err: Error): void {
    for (const r of this.replies.splice(0)) r.reject(err);
  }

  private finishIterators(err: Error | null): void {
    for (const it of this.iterators) it.finish(err);
    this.iterators.clear();
  }

  // ——— receiving ———

  private armEventWait(): void {
    const r = this.events;
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

  /** Handles every published event record (until a slow iterator pauses us). */
  private drainEvents(): void {
    const r = this.events;
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
        this.sent.current = this.done;
        const n = decodeEvent(f64, at, this.eventIntern, e, this.sent);
        this.deliver(e);
        if (endsCommand(h)) this.commandDone(this.done + this.offset, false);
        return n;
      }
      case KIND_DONE:
        this.commandDone(f64[at + 1] as number, (h & 16) !== 0);
        return 2;
      case KIND_INTERN:
        this.eventIntern.learn(f64, u16, at);
        return textSlots(f64[at + 1] as number);
      case KIND_INTERN_RESET:
        this.eventIntern.reset();
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
        } else if (sub === TEXT_EVENT) {
          decodeTextEvent(f64, u16, at, this.event);
          this.deliver(this.event);
        }
        return textSlots(f64[at + 1] as number);
      }
      case KIND_READY:
        this.onReady(f64[at + 1] as number);
        return 2;
      default:
        throw new Error(`wire: unexpected record kind ${h & 15} on the event channel`);
    }
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
        this.listenerThrew(e, err);
      }
    }
    if (this.waiters.length > 0) {
      const w = this.waiters.peekFront() as Waiter;
      if (w.first <= this.done) w.current.push(eventToObject(e));
    }
    if (this.iterators.size > 0) {
      let object: EventObject | null = null;
      for (const it of this.iterators) {
        object ??= eventToObject(e);
        if (it.push(object)) this.paused = true;
      }
    }
  }

  /**
   * A listener's throw must not stop the pump (every later call would hang): the error goes to the
   * promise of the command whose event it was, or to the next drain() for a command sent without one.
   */
  private listenerThrew(e: EngineEvent, err: unknown): void {
    const failure = new EventListenerError(e.seq, e.type, err);
    const w = this.waiters.length > 0 ? (this.waiters.peekFront() as Waiter) : null;
    if (w !== null && w.first <= this.done) w.listenerFailure ??= failure;
    else this.listenerFailure ??= failure;
  }

  private commandDone(index: number, skipped: boolean): void {
    if (index !== this.done + this.offset) {
      this.fail(`wire: the worker finished command ${index}, expected ${this.done + this.offset}`);
      return;
    }
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
    while (this.barriers.length > 0 && (this.barriers[0] as Barrier).at <= this.done) {
      (this.barriers.shift() as Barrier).resolve();
    }
    if (this.transport === "message" && this.readySignals.length > 0 && !this.congested()) this.signalReady();
  }

  private onReady(journalLength: number): void {
    if (this.state === "starting") {
      this.offset = journalLength;
      this.state = "running";
      this.startSignal?.resolve();
      this.startSignal = null;
      return;
    }
    if (this.state !== "recovering") return;
    // Everything the journal holds has now been delivered; the rest never reached it.
    const journaled = journalLength - this.offset;
    if (this.done !== journaled) {
      this.fail(`recovery delivered commands up to ${this.done}, but the journal holds ${journaled}`);
      return;
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
    while (this.barriers.length > 0 && (this.barriers[0] as Barrier).at <= this.done) {
      (this.barriers.shift() as Barrier).resolve();
    }
    this.state = "running";
  }
}

/** An async iterator over the event stream with a bounded buffer (see EngineClient.eventStream). */
class EventIterator implements AsyncIterableIterator<EventObject> {
  private readonly buffer = new Denque<EventObject>();
  private waiting: Pending<IteratorResult<EventObject>> | null = null;
  private ended = false;
  private error: Error | null = null;

  constructor(
    private readonly client: EngineClient,
    private readonly highWater: number,
  ) {}

  get full(): boolean {
    return this.buffer.length >= this.highWater;
  }

  /** Returns true when the buffer is full (the client pauses reading). */
  push(e: EventObject): boolean {
    const w = this.waiting;
    if (w !== null) {
      this.waiting = null;
      w.resolve({ value: e, done: false });
      return false;
    }
    this.buffer.push(e);
    return this.buffer.length >= this.highWater;
  }

  finish(err: Error | null): void {
    this.ended = true;
    this.error = err;
    const w = this.waiting;
    this.waiting = null;
    if (w === null) return;
    if (err === null) w.resolve({ value: undefined, done: true });
    else w.reject(err);
  }

  next(): Promise<IteratorResult<EventObject>> {
    if (this.buffer.length > 0) {
      const value = this.buffer.shift() as EventObject;
      if (this.buffer.length === this.highWater >>> 1) this.client.iteratorChanged(this, false);
      return Promise.resolve({ value, done: false });
    }
    if (this.ended) {
      return this.error === null ? Promise.resolve({ value: undefined, done: true }) : Promise.reject(this.error);
    }
    this.client.iteratorChanged(this, false);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<EventObject>> {
    this.ended = true;
    this.buffer.clear();
    this.client.iteratorChanged(this, true);
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<EventObject> {
    return this;
  }
}
