/**
 * EngineClient: the engine in a worker thread. Commands are validated here (readCommand never
 * throws), encoded into the shared command ring and applied by the worker in batches; events come
 * back through the event ring and are decoded into one reused EngineEvent, so a listener sees
 * exactly what an in-process listener sees. With a journal, a worker that dies is restarted from
 * it: journaled commands keep their events (delivered once), the others are rejected to callers.
 *
 * This file is the facade; the work is done by one part per role (piscina's facade, worker pool
 * and task queue are the model):
 * - backpressure.ts: publishing in bulk, the ring's overflow, ready();
 * - command-ledger.ts: command numbers, the promises waiting on them, what a crash lost;
 * - record-demux.ts: reading the event channel and routing each record to its consumer;
 * - event-iterator.ts: eventStream()'s bounded async iterator;
 * - worker-lifecycle.ts: the state machine, spawning, restarting, failing, the journal's lock.
 */
import { type Command, CommandRecord, type CommandType, type OrderId } from "../protocol/commands.js";
import type { EventListener, EventObject } from "../protocol/events.js";
import type { RejectCode } from "../protocol/reject-codes.js";
import { readCommand } from "../protocol/validate.js";
import { Backpressure } from "./backpressure.js";
import { type EngineClientOptions, resolveJournal } from "./client-options.js";
import type { CommandChannel } from "./command-channel.js";
import { CommandLedger, type Waiter } from "./command-ledger.js";
import type { StateSummary } from "./engine-host.js";
import { RecordDemux } from "./record-demux.js";
import { encodeCommand, encodeRejectLine } from "./wire/command-codec.js";
import { CONTROL_CLOSE, CONTROL_QUERY, CONTROL_SLOTS, CONTROL_SNAPSHOT, KIND_CONTROL } from "./wire/records.js";
import { WorkerLifecycle } from "./worker-lifecycle.js";

export { EngineClientStateError, EngineWorkerError } from "./client-errors.js";
export type { EngineClientOptions, JournalOptions } from "./client-options.js";
export type { StateSummary } from "./engine-host.js";

export class EngineClient {
  private readonly record = new CommandRecord();
  private readonly ledger = new CommandLedger();
  private readonly flow: Backpressure;
  private readonly demux: RecordDemux;
  private readonly lifecycle: WorkerLifecycle;

  constructor(private readonly options: EngineClientOptions = {}) {
    const transport = options.transport ?? "ring";
    const ringSlots = options.ringSlots ?? 1 << 18;
    const journal = resolveJournal(options);
    this.flow = new Backpressure(transport, ringSlots, this.ledger, () => this.demux.drainEvents());
    this.lifecycle = new WorkerLifecycle(options, journal, transport, ringSlots, this.ledger, this.flow);
    this.demux = new RecordDemux(this.ledger, this.flow, this.lifecycle);
    this.lifecycle.connect(this.demux);
    if (options.onEvent !== undefined) this.demux.listeners.push(options.onEvent);
  }

  /** Starts the worker (recovering from the journal when there is one). */
  start(): Promise<void> {
    return this.lifecycle.start();
  }

  // ——— commands ———

  /** Applies one command; resolves with its events. */
  submit(command: Command): Promise<EventObject[]> {
    return this.submitInput(command);
  }

  /** `submit` for input of any shape (read from a file or the network): applied or rejected with a reason code. */
  submitInput(command: unknown): Promise<EventObject[]> {
    return new Promise<EventObject[]>((resolve, reject) => {
      this.sendWithWaiter([command], true, resolve as Waiter["resolve"], reject);
    });
  }

  /**
   * Applies commands in order, contiguously (nothing else interleaves); resolves with each
   * command's events. What does not fit in the ring queues in memory: the batch is already there.
   */
  submitBatch(commands: readonly Command[]): Promise<EventObject[][]> {
    return this.submitBatchInput(commands);
  }

  /** `submitBatch` for input of any shape: each applied or rejected with a reason code. */
  submitBatchInput(commands: readonly unknown[]): Promise<EventObject[][]> {
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
    this.lifecycle.assertOpen();
    const waiter = this.ledger.addWaiter(commands.length, single, resolve, reject);
    try {
      for (const command of commands) this.enqueueInput(command);
    } catch (err) {
      this.ledger.truncateWaiter(waiter);
      throw err;
    }
  }

  /**
   * Sends a command without a promise of its own (events reach the listeners): the fast path for
   * feeds. Returns false when the ring is full and records queue: await `ready()` before more.
   */
  enqueue(command: Command, line = 0): boolean {
    return this.enqueueInput(command, line);
  }

  /** `enqueue` for input of any shape, as read from a file: applied or rejected with a reason code. */
  enqueueInput(input: unknown, line = 0): boolean {
    this.lifecycle.assertOpen();
    const record = this.record;
    const code = readCommand(input, record);
    record.line = line;
    const flow = this.flow;
    encodeCommand(flow.channel as CommandChannel, flow.intern, record, code);
    this.ledger.sentOne(record);
    return flow.afterWrite();
  }

  /** Reports a source line that is not a command (as `Engine.rejectLine`), in order with the rest. */
  rejectLine(reason: RejectCode, line: number, command: CommandType | null = null, id: OrderId | null = null): boolean {
    this.lifecycle.assertOpen();
    const flow = this.flow;
    encodeRejectLine(flow.channel as CommandChannel, flow.intern, reason, line, command, id);
    this.ledger.sentOne(null);
    return flow.afterWrite();
  }

  /** Resolves when queued records fit in the ring again (at once when none queue). */
  ready(): Promise<void> {
    this.flow.flushNow();
    const failure = this.lifecycle.failure;
    if (failure !== null) return Promise.reject(failure);
    return this.flow.whenReady();
  }

  /**
   * Resolves when every command sent so far has its events; rejects when some were lost to a
   * worker crash (not journaled) since the last drain.
   */
  drain(): Promise<void> {
    this.flow.flushNow();
    const failure = this.lifecycle.failure;
    if (failure !== null) return Promise.reject(failure);
    return this.ledger.whenAllDone();
  }

  /** The state after every command sent so far: stateHash, book, seq, clock, live orders. */
  snapshot(): Promise<StateSummary> {
    return this.control(CONTROL_QUERY) as Promise<StateSummary>;
  }

  /** Writes a persistent snapshot now (with a journal); resolves with its journal index. */
  async persistSnapshot(): Promise<number | null> {
    const reply = (await this.control(CONTROL_SNAPSHOT)) as { snapshotIndex: number | null };
    return reply.snapshotIndex;
  }

  /** Finishes: waits for every command, flushes the journal, stops the worker. */
  async close(): Promise<void> {
    const lifecycle = this.lifecycle;
    if (lifecycle.state === "closed") return;
    if (lifecycle.state === "failed" || lifecycle.state === "new") {
      await lifecycle.closeNow();
      return;
    }
    const replied = this.control(CONTROL_CLOSE);
    const exited = lifecycle.closing();
    await replied;
    await exited;
  }

  /** A control record in order with the commands; the reply waiter goes first (writing flushes, the reply may be drained at once). */
  private control(op: number): Promise<unknown> {
    try {
      this.lifecycle.assertOpen();
    } catch (err) {
      return Promise.reject(err);
    }
    const reply = this.demux.expectReply();
    const channel = this.flow.channel as CommandChannel;
    const at = channel.reserve(CONTROL_SLOTS);
    channel.f64[at] = KIND_CONTROL | (op << 4);
    channel.f64[at + 1] = 0;
    this.flow.flushNow();
    return reply;
  }

  // ——— events ———

  /** Adds a listener of every event (a reused record); returns a function that removes it. */
  onEvent(listener: EventListener): () => void {
    const listeners = this.demux.listeners;
    listeners.push(listener);
    return () => {
      const i = listeners.indexOf(listener);
      if (i >= 0) listeners.splice(i, 1);
    };
  }

  /**
   * The event stream from now on, as plain objects. A slow reader holds the worker back (the
   * client stops reading the ring when a reader has `iteratorHighWater` events waiting), so
   * memory stays bounded; the iterator ends when the client closes.
   */
  eventStream(): AsyncIterableIterator<EventObject> {
    return this.demux.addIterator(this.options.iteratorHighWater ?? 8192);
  }

  /** Figures for tests and benchmarks. */
  get stats(): { submitted: number; done: number; restarts: number; skipped: number; maxBacklogSlots: number } {
    return {
      submitted: this.ledger.submitted,
      done: this.ledger.done,
      restarts: this.lifecycle.restarts,
      skipped: this.ledger.skipped,
      maxBacklogSlots: this.flow.maxBacklog,
    };
  }
}
