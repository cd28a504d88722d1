/**
 * One engine replica of a venue: the input stream's messages, in stream order, through the
 * in-process Engine, from the replica's own snapshot on. Its order is the stream's, its time the
 * commands' own `ts` (never the wall clock), so every replica that applies the same stream
 * reaches the same events and stateHash as `softliq replay` of the same commands.
 *
 * Per input message: apply its commands (command-batch.ts, permissions checked), publish its
 * events (event-publisher.ts: one copy lands, the others are compared byte for byte), every
 * `checkpointEvery` sequences put the stateHash on that events message (every replica compares
 * its own against it), every `snapshotEvery` messages write a snapshot once the events up to it
 * are settled, and when caught up report {appliedSeq, stateHash} on the replica's status subject.
 */

import { mkdirSync } from "node:fs";
import {
  type ConsumerMessages,
  DeliverPolicy,
  type JetStreamClient,
  type JetStreamManager,
  type JsMsg,
  jetstream,
} from "@nats-io/jetstream";
import type { NatsConnection } from "@nats-io/transport-node";
import { exportState, restoreState } from "../engine/state-snapshot.js";
import { Engine } from "../exchange.js";
import type { LiquidationMode } from "../liquidator/liquidation-params.js";
import { type JournalLock, lockJournal } from "../worker/journal-lock.js";
import { BatchApplier } from "./command-batch.js";
import { EventBytesBuffer } from "./event-bytes-buffer.js";
import { EventPublisher, type EventsMessage } from "./event-publisher.js";
import {
  connectNats,
  ensureVenueStreams,
  manager,
  parseNatsUrls,
  retryDelayMs,
  sleep,
  withRetry,
} from "./nats-link.js";
import { publisherOf } from "./permissions.js";
import { loadLatest, replicaName, saveState } from "./replica-state.js";
import { VenueNames } from "./venue-names.js";

/**
 * Pull requests of 2 s, so a lost stream leader (and the consumer with it) shows as missed
 * heartbeats within about 2 s and the ordered consumer is re-created at the next sequence.
 */
export const CONSUME_OPTIONS = { max_messages: 512, expires: 2_000 } as const;

/**
 * No message for this long while the input stream holds sequences not applied yet: the consumer is
 * stuck (measured: after its node died and it reconnected while the stream had no leader, the
 * library's ordered consumer stopped pulling and never said so), so it is re-created.
 */
export const STALL_MS = 5_000;

/** The header naming the source line of a message's first body line (see command-batch.ts). */
export const HEADER_LINE = "Softliq-Line";

export interface ReplicaServerOptions {
  /** `nats://[user:pass@]host:port`, one or several (a string may list them with commas). */
  nats: string | readonly string[];
  venue: string;
  /** Snapshots go here and the replica resumes from the newest; without it, it starts from sequence 1. */
  stateDir?: string;
  /** Names the status subject (default: kept in stateDir, or host-pid). */
  name?: string;
  /** Stop once stream sequence `until` is applied and its events settled. */
  until?: number;
  /** The liquidation mode; every replica of a venue must use the same one. Default soft. */
  liquidation?: LiquidationMode;
  /** Input messages between snapshots (default 1,000). */
  snapshotEvery?: number;
  /** Stream sequences between stateHash checkpoints on the events (default 1,000; 0: none). */
  checkpointEvery?: number;
  /** Events messages in flight (default 64). */
  publishWindow?: number;
  /** What an operator may want to know (a consumer re-created, a retry); default: nothing. */
  onNotice?: (message: string) => void;
}

export interface ReplicaReport {
  venue: string;
  name: string;
  /** The input stream sequence applied. */
  appliedSeq: number;
  stateHash: string;
  /** The events-stream sequence reached. */
  eventsSeq: number;
  /** The sequence the replica started from (its snapshot's; 0: from the beginning). */
  restoredFrom: number;
  /** Events messages this replica stored, and those another replica had stored first (and matched). */
  eventsStored: number;
  eventsMatched: number;
}

/** What a replica says on its status subject. */
export interface ReplicaStatus {
  name: string;
  appliedSeq: number;
  /**
   * The sequence this run of the replica started from (its snapshot's, 0 when it started empty):
   * a replica restarted under the same name is told from the status its dead run left behind.
   */
  restoredFrom: number;
  stateHash: string;
  eventsSeq: number;
  /** Set when the replica stopped on a divergence or another failure. */
  error?: string;
}

export class ReplicaServer {
  readonly name: string;
  readonly names: VenueNames;
  /** Settles when `until` is reached or `close()` is called; rejects on a divergence or another failure. */
  readonly done: Promise<ReplicaReport>;
  private applied: number;
  private readonly restoredFrom: number;
  private stopping = false;
  private stop: (() => void) | null = null;
  private statusTimer: NodeJS.Timeout | null = null;
  private messagesSinceSnapshot = 0;
  /** When the replica last applied a message or started a consumer (the stall watchdog's clock). */
  private progressAt = Date.now();
  private lookingForStall = false;
  private applying = false;
  /** Set when run() has ended: a status retry still waiting then stops instead of outliving the connection. */
  private ended = false;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly engine: Engine,
    private readonly events: EventBytesBuffer,
    private readonly publisher: EventPublisher,
    private readonly options: ReplicaServerOptions,
    names: VenueNames,
    name: string,
    appliedSeq: number,
    private readonly lock: JournalLock | null,
  ) {
    this.names = names;
    this.name = name;
    this.applied = appliedSeq;
    this.restoredFrom = appliedSeq;
    this.done = this.run();
    // A caller that only awaits close() must not see an unhandled rejection.
    this.done.catch(() => {});
  }

  /** Connects, creates the venue's streams when missing, restores the newest snapshot and starts applying. */
  static async start(options: ReplicaServerOptions): Promise<ReplicaServer> {
    const names = new VenueNames(options.venue);
    const name = replicaName(options.name, options.stateDir);
    names.statusSubject(name); // a name that cannot be a subject token is refused here
    if (options.stateDir !== undefined) mkdirSync(options.stateDir, { recursive: true });
    // One replica per state directory (the journal's lock file: a dead holder's lock is taken over).
    const lock = options.stateDir === undefined ? null : lockJournal(options.stateDir);
    try {
      return await ReplicaServer.open(options, names, name, lock);
    } catch (err) {
      lock?.release();
      throw err;
    }
  }

  private static async open(
    options: ReplicaServerOptions,
    names: VenueNames,
    name: string,
    lock: JournalLock | null,
  ): Promise<ReplicaServer> {
    const liquidation = options.liquidation ?? "soft";
    const restored = options.stateDir === undefined ? null : loadLatest(options.stateDir, options.venue);
    if (restored !== null && restored.liquidation !== null && restored.liquidation !== liquidation) {
      throw new Error(
        `the state in ${options.stateDir} was reached in liquidation mode ${restored.liquidation}, not ${liquidation}`,
      );
    }
    const events = new EventBytesBuffer();
    const engine = new Engine({ onEvent: events.write, liquidation });
    if (restored !== null) restoreState(restored.state, engine);
    const nc = await connectNats(parseNatsUrls(options.nats), `softliq-serve-${name}`);
    try {
      const jsm = await manager(nc);
      await withRetry(() => ensureVenueStreams(jsm, names), Date.now() + 30_000);
      const appliedSeq = restored?.seq ?? 0;
      await checkStreamHolds(jsm, names, appliedSeq);
      const publisher = new EventPublisher(
        jetstream(nc),
        jsm,
        names,
        name,
        restored?.tag.eventsSeq ?? 0,
        options.publishWindow ?? 64,
      );
      return new ReplicaServer(
        nc,
        jetstream(nc),
        jsm,
        engine,
        events,
        publisher,
        options,
        names,
        name,
        appliedSeq,
        lock,
      );
    } catch (err) {
      await nc.close();
      throw err;
    }
  }

  get appliedSeq(): number {
    return this.applied;
  }

  stateHash(): string {
    return this.engine.stateHash();
  }

  /** Stops after the message being applied, settles its events, snapshots, reports and disconnects. */
  async close(): Promise<ReplicaReport> {
    this.stopping = true;
    this.stop?.();
    return this.done;
  }

  private async run(): Promise<ReplicaReport> {
    try {
      // Said at once, not only after a message: a run restored at the stream's end has none to
      // apply. Retried while the status stream has no leader (a failover), as the streams' set-up is.
      void withRetry(() => (this.ended ? Promise.resolve() : this.publishStatus()), Date.now() + 30_000).catch(
        () => {},
      );
      await this.consume();
      await this.publisher.drain();
      this.snapshot();
      // The snapshot is written: a status the stream cannot take now is not a failure of the run.
      await this.publishStatus().catch((err: Error) => this.notice(`last status not published (${err.message})`));
      return this.report();
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      await this.publishStatus(message).catch(() => {});
      throw err;
    } finally {
      this.ended = true;
      if (this.statusTimer !== null) clearTimeout(this.statusTimer);
      await this.nc.close().catch(() => {});
      this.lock?.release();
    }
  }

  private reached(): boolean {
    return this.stopping || (this.options.until !== undefined && this.applied >= this.options.until);
  }

  /**
   * Applies the stream from `applied + 1` until `until` or close(). The ordered consumer re-creates
   * itself after a lost leader; should its iterator end or fail anyway (the stream briefly without
   * a leader), a new consumer starts at the next sequence.
   */
  private async consume(): Promise<void> {
    const applier = new BatchApplier(this.engine);
    for (let attempt = 0; !this.reached(); attempt++) {
      let messages: ConsumerMessages;
      try {
        const consumer = await this.js.consumers.get(this.names.inputStream, {
          deliver_policy: DeliverPolicy.StartSequence,
          opt_start_seq: this.applied + 1,
        });
        messages = await consumer.consume(CONSUME_OPTIONS);
      } catch (err) {
        this.notice(`cannot consume the input stream yet (${(err as Error).message}); retrying`);
        await sleep(retryDelayMs(attempt));
        continue;
      }
      this.stop = () => messages.stop();
      if (this.stopping) messages.stop();
      void this.watch(messages);
      this.progressAt = Date.now();
      const watchdog = setInterval(() => void this.lookForStall(messages), STALL_MS / 2);
      const it = messages[Symbol.asyncIterator]();
      try {
        for (;;) {
          let next: IteratorResult<JsMsg>;
          try {
            next = await it.next();
          } catch (err) {
            this.notice(`input consumer failed (${(err as Error).message}); re-creating it at ${this.applied + 1}`);
            break;
          }
          if (next.done === true) break;
          // Applying (its events' publishing may wait on the events stream) is progress, not a stall.
          this.applying = true;
          let done: boolean;
          try {
            done = await this.applyMessage(applier, next.value);
          } finally {
            this.applying = false;
            this.progressAt = Date.now();
          }
          if (done) break;
        }
      } finally {
        clearInterval(watchdog);
      }
      messages.stop();
      if (!this.reached()) {
        this.notice(`input consumer ended; re-creating it at ${this.applied + 1}`);
        await sleep(retryDelayMs(attempt));
      }
    }
  }

  /**
   * Stops a consumer that has delivered nothing for STALL_MS while the stream holds more than was
   * applied: consume() then re-creates it at the next sequence. An idle venue (nothing new in the
   * stream) is left alone; a stream without a leader just now is asked again at the next tick.
   */
  private async lookForStall(messages: ConsumerMessages): Promise<void> {
    if (this.lookingForStall || this.applying || this.stopping || Date.now() - this.progressAt < STALL_MS) return;
    this.lookingForStall = true;
    try {
      const last = (await this.jsm.streams.info(this.names.inputStream)).state.last_seq;
      if (last > this.applied && !this.applying && Date.now() - this.progressAt >= STALL_MS) {
        this.notice(`input consumer stalled at ${this.applied} (the stream holds ${last}); re-creating it`);
        this.progressAt = Date.now();
        messages.stop();
      }
    } catch {
      // no answer now (no stream leader): the next tick asks again
    } finally {
      this.lookingForStall = false;
    }
  }

  /** Reports the consumer's notifications worth an operator's attention. */
  private async watch(messages: ConsumerMessages): Promise<void> {
    try {
      for await (const s of messages.status()) {
        if (
          s.type === "heartbeats_missed" ||
          s.type === "ordered_consumer_recreated" ||
          s.type === "consumer_deleted"
        ) {
          this.notice(`input consumer: ${s.type}`);
        }
      }
    } catch {
      // the consumer is gone: consume() makes a new one
    }
  }

  /** One input message: apply, publish its events, snapshot when due. True when it is time to stop. */
  private async applyMessage(applier: BatchApplier, m: JsMsg): Promise<boolean> {
    if (m.seq <= this.applied) return false; // a redelivery after the consumer was re-created
    if (m.seq !== this.applied + 1) throw new Error(`input stream gap: got sequence ${m.seq} after ${this.applied}`);
    const checkpointEvery = this.options.checkpointEvery ?? 1_000;
    const firstLine = Number(m.headers?.get(HEADER_LINE) ?? "0");
    applier.apply(
      m.data,
      Number.isSafeInteger(firstLine) && firstLine > 0 ? firstLine : 0,
      publisherOf(m.subject, this.names),
    );
    this.applied = m.seq;
    const checkpoint = checkpointEvery > 0 && m.seq % checkpointEvery === 0;
    await this.publishEvents(m.seq, applier.eventCounts, checkpoint ? this.engine.stateHash() : null);
    if (++this.messagesSinceSnapshot >= (this.options.snapshotEvery ?? 1_000)) {
      await this.publisher.drain();
      this.snapshot();
    }
    if (this.reached()) return true;
    if (checkpoint) this.publishStatus().catch(() => {});
    else if (m.info.pending === 0) this.statusSoon();
    return false;
  }

  private notice(message: string): void {
    this.options.onNotice?.(message);
  }

  /** The message's events, in parts only when one message would exceed the server's payload limit. */
  private async publishEvents(inSeq: number, counts: readonly number[], stateHash: string | null): Promise<void> {
    const body = this.events.take();
    const limit = Math.max(64 * 1024, (this.nc.info?.max_payload ?? 1 << 20) - 16 * 1024);
    const countText = counts.join(",");
    if (body.length <= limit) {
      await this.publisher.publish({ inSeq, body, counts: countText, part: "", stateHash });
      return;
    }
    const parts: Buffer[] = [];
    let start = 0;
    while (start < body.length) {
      let end = Math.min(body.length, start + limit);
      if (end < body.length) end = body.lastIndexOf(10, end - 1) + 1; // whole lines: one event is far below the limit
      parts.push(body.subarray(start, end));
      start = end;
    }
    for (let i = 0; i < parts.length; i++) {
      const msg: EventsMessage = {
        inSeq,
        body: parts[i] as Buffer,
        counts: countText,
        part: `${i + 1}/${parts.length}`,
        stateHash: i === parts.length - 1 ? stateHash : null,
      };
      await this.publisher.publish(msg);
    }
  }

  private snapshot(): void {
    this.messagesSinceSnapshot = 0;
    const dir = this.options.stateDir;
    if (dir === undefined || this.applied === this.restoredFrom) return;
    saveState(
      dir,
      this.applied,
      exportState(this.engine),
      { venue: this.names.venue, eventsSeq: this.publisher.eventsSeq },
      this.options.liquidation ?? "soft",
    );
  }

  /** A status report shortly after catching up (one per quiet spell, not one per message). */
  private statusSoon(): void {
    if (this.statusTimer !== null) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = null;
      this.publishStatus().catch(() => {});
    }, 100);
  }

  private async publishStatus(error?: string): Promise<void> {
    const status: ReplicaStatus = {
      name: this.name,
      appliedSeq: this.applied,
      restoredFrom: this.restoredFrom,
      stateHash: this.engine.stateHash(),
      eventsSeq: this.publisher.eventsSeq,
      ...(error === undefined ? {} : { error }),
    };
    await this.js.publish(this.names.statusSubject(this.name), JSON.stringify(status), { timeout: 5_000 });
  }

  private report(): ReplicaReport {
    return {
      venue: this.names.venue,
      name: this.name,
      appliedSeq: this.applied,
      stateHash: this.engine.stateHash(),
      eventsSeq: this.publisher.eventsSeq,
      restoredFrom: this.restoredFrom,
      eventsStored: this.publisher.stored,
      eventsMatched: this.publisher.matched,
    };
  }
}

/** Refuses to start when the stream no longer holds the sequence after the state (limits or a purge removed it). */
async function checkStreamHolds(jsm: JetStreamManager, names: VenueNames, appliedSeq: number): Promise<void> {
  const info = await withRetry(() => jsm.streams.info(names.inputStream), Date.now() + 30_000);
  const { first_seq: first, last_seq: last } = info.state;
  if (last > appliedSeq && first > appliedSeq + 1) {
    throw new Error(
      `the input stream starts at sequence ${first}; this state is at ${appliedSeq} (restore a newer snapshot)`,
    );
  }
}
