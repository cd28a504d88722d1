/**
 * The client's state machine and its worker's life:
 *   new → starting → running ⇄ recovering → closing → closed, and from any of them → failed.
 * It spawns the worker (with its rings), holds the journal's lock, and on the worker's exit
 * decides: closed as asked, restarted from the journal (its lost commands accounted by the
 * ledger), or failed (every promise rejected).
 */
import { existsSync, mkdirSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { Worker } from "node:worker_threads";
import type { Backpressure } from "./backpressure.js";
import { EngineClientStateError, EngineWorkerError } from "./client-errors.js";
import type { ClientJournal, EngineClientOptions } from "./client-options.js";
import { MessageCommandChannel, RingCommandChannel } from "./command-channel.js";
import type { CommandLedger } from "./command-ledger.js";
import { asJournalWriteError, JournalWriteError, listSegments, RecoveryError } from "./journal.js";
import { type JournalLock, lockJournal } from "./journal-lock.js";
import { builtModuleUrl } from "./module-url.js";
import type { Pending } from "./pending.js";
import type { DemuxOwner, RecordDemux } from "./record-demux.js";
import { listSnapshots } from "./snapshot-store.js";
import { createRingBuffer, RingReader } from "./wire/ring.js";
import type { WorkerConfig } from "./worker-loop.js";

export type ClientState = "new" | "starting" | "running" | "recovering" | "closing" | "closed" | "failed";

function defaultWorkerUrl(): URL {
  return builtModuleUrl("./engine-worker.js", import.meta.url);
}

export class WorkerLifecycle implements DemuxOwner {
  state: ClientState = "new";
  /** Set when the client failed: every later call rejects with it. */
  failure: EngineWorkerError | null = null;
  restarts = 0;
  private worker: Worker | null = null;
  private lastError: Error | null = null;
  /** Held from start() until the client closes or fails. */
  private lock: JournalLock | null = null;
  private startSignal: Pending<void> | null = null;
  private exitSignal: Pending<void> | null = null;
  private demux: RecordDemux | null = null;

  constructor(
    private readonly options: EngineClientOptions,
    private readonly journal: ClientJournal | null,
    private readonly transport: "ring" | "message",
    private readonly ringSlots: number,
    private readonly ledger: CommandLedger,
    private readonly flow: Backpressure,
  ) {}

  /** The demux reports to this lifecycle; it is built with it. */
  connect(demux: RecordDemux): void {
    this.demux = demux;
  }

  private get records(): RecordDemux {
    return this.demux as RecordDemux;
  }

  /** Throws unless commands may be sent. */
  assertOpen(): void {
    if (this.failure !== null) throw this.failure;
    if (this.state === "new") throw new EngineClientStateError("EngineClient: call start() first", this.state);
    if (this.state === "closing" || this.state === "closed") {
      throw new EngineClientStateError("EngineClient: closed", this.state);
    }
  }

  start(): Promise<void> {
    if (this.state !== "new") {
      return Promise.reject(new EngineClientStateError(`EngineClient.start: already ${this.state}`, this.state));
    }
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

  /** close() before start() or after a failure: nothing to wait for. */
  async closeNow(): Promise<void> {
    this.state = "closed";
    await this.worker?.terminate();
    this.releaseLock();
  }

  /** close() asked the worker to finish: resolves when it has exited. */
  closing(): Promise<void> {
    const exited = new Promise<void>((resolve, reject) => {
      this.exitSignal = { resolve, reject };
    });
    this.state = "closing";
    return exited;
  }

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
    this.lastError = null;
    if (commandRing !== null && eventRing !== null) {
      this.flow.attach(new RingCommandChannel(commandRing));
      this.records.attach(worker, new RingReader(eventRing));
    } else {
      this.flow.attach(new MessageCommandChannel(worker));
      this.records.attach(worker, null);
    }
    worker.on("error", (err) => {
      this.lastError = err;
    });
    worker.on("exit", (code) => this.onExit(worker, code));
  }

  workerReady(journalLength: number): void {
    if (this.state === "starting") {
      this.ledger.started(journalLength);
      this.state = "running";
      this.startSignal?.resolve();
      this.startSignal = null;
      return;
    }
    if (this.state !== "recovering") return;
    const broken = this.ledger.recovered(journalLength);
    if (broken !== null) {
      this.fail(broken);
      return;
    }
    this.state = "running";
  }

  protocolError(message: string): void {
    this.fail(message);
  }

  private onExit(worker: Worker, code: number): void {
    if (worker !== this.worker) return;
    const records = this.records;
    records.closeRing();
    this.flow.channel?.abandon();
    records.drainDeadWorker();
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
      this.flow.stop();
      this.releaseLock();
      records.rejectReplies(new EngineWorkerError("engine worker exited"));
      records.finishIterators(null);
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
    records.rejectReplies(new EngineWorkerError(`engine worker ${cause}`));
    this.state = "recovering";
    this.ledger.crashed();
    this.restarts++;
    this.worker = null;
    try {
      this.spawn(this.ledger.expectedIndex);
    } catch (err) {
      this.fail(`cannot restart the engine worker: ${(err as Error).message}`);
    }
  }

  private fail(message: string, cause?: Error): void {
    const err = new EngineWorkerError(message, cause === undefined ? undefined : { cause });
    this.failure = err;
    this.releaseLock();
    this.state = "failed";
    this.flow.stop();
    const records = this.records;
    records.closeRing();
    this.flow.channel = null;
    this.startSignal?.reject(err);
    this.startSignal = null;
    this.ledger.failAll(message, cause, err);
    records.rejectReplies(err);
    this.flow.rejectReady(err);
    records.finishIterators(err);
    this.exitSignal?.resolve();
    void this.worker?.terminate();
  }
}
