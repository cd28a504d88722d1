/**
 * The worker's side: takes batches of command records (from a ring or a message), journals them,
 * applies them to the engine and writes the events back, a DONE marker closing each command.
 * Transport-agnostic: the worker entry feeds it batches and gives it somewhere to write events.
 */

import { rmSync } from "node:fs";
import { exportState } from "../engine/state-snapshot.js";
import { Engine } from "../exchange.js";
import type { LiquidationMode } from "../liquidator/liquidation-params.js";
import { isMalformedReject } from "../protocol/reject-codes.js";
import { applyRecord, isJournaled } from "./apply-record.js";
import { asJournalWriteError, cutSegment, type FsyncPolicy, JournalWriter, listSegments } from "./journal.js";
import { recover } from "./recovery.js";
import { listSnapshots, pruneSnapshots, writeSnapshot } from "./snapshot-store.js";
import { CommandDecoder } from "./wire/command-codec.js";
import { encodeEvent, WireEventWriter } from "./wire/event-codec.js";
import { InternReader, InternWriter } from "./wire/intern.js";
import { recordSlots } from "./wire/record-size.js";
import {
  CONTROL_CLOSE,
  CONTROL_QUERY,
  CONTROL_SNAPSHOT,
  DONE_SKIPPED,
  type EventSlotSink,
  KIND_COMMAND,
  KIND_CONTROL,
  KIND_DONE,
  KIND_READY,
  KIND_REJECT_LINE,
  KIND_TEXT,
  TEXT_REPLY,
  TEXT_REPLY_PART,
  writeTextInPieces,
} from "./wire/records.js";

/** Where the host writes events: a ring (flush = publish) or a message batch (flush = post). */
export interface EventSink extends EventSlotSink {
  /** The largest record it takes (a ring: half its capacity, so it fits after any wrap). */
  readonly maxRecordSlots: number;
  flush(): void;
}

export interface HostOptions {
  /** Journal and snapshot directory; null: no persistence. */
  journalDir: string | null;
  fsync: FsyncPolicy;
  /** Persistent snapshot every N commands (0: never). */
  snapshotEvery: number;
  /** After the first malformed-line rejection, skip every later command (replay --strict). */
  stopOnMalformed: boolean;
  /** Recovery re-sends the events of journaled commands from this index (those the client lacks). */
  deliverFrom: number;
  /**
   * The liquidator's mode; unset: soft, or with a journal the mode it was written in (a journal
   * records its mode and refuses another).
   */
  liquidation?: LiquidationMode;
}

/** The reply to CONTROL_QUERY. */
export interface StateSummary {
  seq: number;
  clock: number;
  stateHash: string;
  liveOrders: number;
  book: ReturnType<Engine["bookSnapshot"]>;
  accounts: ReturnType<Engine["accounts"]>;
  journalIndex: number;
}

export class EngineHost {
  readonly engine: Engine;
  private readonly intern = new InternWriter();
  private readonly decoder = new CommandDecoder(new InternReader());
  private readonly journal: JournalWriter | null;
  private readonly liquidation: LiquidationMode;
  /** The index of the next command (its place in the journal). */
  private index = 0;
  private sinceSnapshot = 0;
  private halted = false;
  /** Writes the engine's events to the sink straight from their fields. */
  private readonly events: WireEventWriter;
  closed = false;

  constructor(
    private readonly options: HostOptions,
    private readonly sink: EventSink,
  ) {
    const dir = options.journalDir;
    if (dir === null) {
      this.liquidation = options.liquidation ?? "soft";
      this.engine = new Engine({ liquidation: this.liquidation });
      this.journal = null;
    } else {
      const report = recover(dir, {
        deliverFrom: options.deliverFrom,
        onEvent: (e) => encodeEvent(sink, this.intern, e),
        onCommandDone: (index) => this.done(index, false),
        ...(options.liquidation === undefined ? {} : { liquidation: options.liquidation }),
      });
      this.engine = report.engine;
      this.index = report.journalLength;
      this.liquidation = report.liquidation;
      const tail = report.tail;
      try {
        // Only now, about to write, is a torn last frame cut (an inspection leaves it).
        if (tail !== null && report.tornBytes > 0) cutSegment(tail.path, tail.validBytes);
        this.journal = new JournalWriter(dir, this.index, options.fsync, report.liquidation, tail);
      } catch (err) {
        throw asJournalWriteError(err, dir);
      }
    }
    this.events = new WireEventWriter(sink, this.intern);
    if (options.stopOnMalformed) {
      this.events.onRejected = (reason) => {
        if (isMalformedReject(reason)) this.halted = true;
      };
    }
    this.engine.setSink(this.events);
    const at = sink.reserve(2);
    sink.f64[at] = KIND_READY;
    sink.f64[at + 1] = this.index;
    sink.flush();
  }

  private done(index: number, skipped: boolean): void {
    const at = this.sink.reserve(2);
    this.sink.f64[at] = KIND_DONE | (skipped ? DONE_SKIPPED : 0);
    this.sink.f64[at + 1] = index;
  }

  /** The journal index of the next command. */
  get nextIndex(): number {
    return this.index;
  }

  /**
   * Runs one batch: the records at `positions[0..n)` (slot indices into f64/u16/i32), at most one
   * control record, and it last. The journal frame is written before any command executes, so no
   * event leaves before its command is journaled.
   */
  runBatch(f64: Float64Array, u16: Uint16Array, i32: Int32Array, positions: Int32Array, n: number): void {
    this.journalBatch(f64, i32, positions, n);
    this.executeBatch(f64, u16, positions, n);
  }

  /** The first half of `runBatch`: the batch's journaled records as one journal frame. */
  journalBatch(f64: Float64Array, i32: Int32Array, positions: Int32Array, n: number): void {
    const journal = this.journal;
    if (journal === null) return;
    journal.begin();
    for (let i = 0; i < n; i++) {
      const at = positions[i] as number;
      const kind = (f64[at] as number) & 15;
      if (isJournaled(kind)) {
        journal.append(i32, at, recordSlots(f64, at), kind === KIND_COMMAND || kind === KIND_REJECT_LINE);
      }
    }
    try {
      journal.commit();
    } catch (err) {
      // The worker dies of it and its client fails: nothing more is journaled in this run.
      throw asJournalWriteError(err, journal.path);
    }
  }

  /** The second half of `runBatch`: applies the records and writes their events. */
  executeBatch(f64: Float64Array, u16: Uint16Array, positions: Int32Array, n: number): void {
    const engine = this.engine;
    const decoder = this.decoder;
    for (let i = 0; i < n; i++) {
      const at = positions[i] as number;
      const kind = (f64[at] as number) & 15;
      if (kind === KIND_CONTROL) {
        this.sink.flush(); // what came before is complete: release it first
        this.control(f64, at);
      } else if (this.halted && (kind === KIND_COMMAND || kind === KIND_REJECT_LINE)) {
        this.done(this.index++, true);
      } else {
        // The client knows the fields of a command it sent: events that repeat them leave them out.
        const events = this.events;
        events.startCommand(kind === KIND_COMMAND ? decoder.sent : null);
        const isCommand = applyRecord(engine, decoder, f64, u16, at, kind);
        if (isCommand) {
          // Usually the last event carries the end of the command; else a DONE record does.
          if (!events.endCommand()) this.done(this.index, false);
          this.index++;
          this.sinceSnapshot++;
        }
      }
    }
    this.sink.flush();
    if (this.options.snapshotEvery > 0 && this.sinceSnapshot >= this.options.snapshotEvery) this.persist();
  }

  /** Between batches: the interval fsync policy's clock. */
  idle(): void {
    const journal = this.journal;
    if (journal === null) return;
    try {
      journal.syncIfDue();
    } catch (err) {
      throw asJournalWriteError(err, journal.path);
    }
  }

  private control(f64: Float64Array, at: number): void {
    const op = (f64[at] as number) >>> 4;
    switch (op) {
      case CONTROL_QUERY:
        this.reply(this.summary());
        return;
      case CONTROL_SNAPSHOT:
        this.reply({ snapshotIndex: this.journal === null ? null : this.persist() });
        return;
      case CONTROL_CLOSE:
        try {
          this.journal?.close();
        } catch (err) {
          throw asJournalWriteError(err, this.journal?.path ?? "");
        }
        this.closed = true;
        this.reply({ closed: true, journalIndex: this.index });
        return;
      default:
        throw new Error(`wire: unknown control operation ${op}`);
    }
  }

  private reply(value: unknown): void {
    const text = JSON.stringify(value);
    const part = KIND_TEXT | (TEXT_REPLY_PART << 4);
    writeTextInPieces(this.sink, part, KIND_TEXT | (TEXT_REPLY << 4), text, this.sink.maxRecordSlots);
  }

  summary(): StateSummary {
    const engine = this.engine;
    return {
      seq: engine.seq,
      clock: engine.clock,
      stateHash: engine.stateHash(),
      liveOrders: engine.liveOrderCount,
      book: engine.bookSnapshot(),
      accounts: engine.accounts(),
      journalIndex: this.index,
    };
  }

  /**
   * Writes a persistent snapshot at the current index and starts a new journal segment there;
   * keeps the two newest snapshots and the segments they need.
   */
  private persist(): number {
    const dir = this.options.journalDir;
    const journal = this.journal;
    if (dir === null || journal === null) return this.index;
    try {
      journal.sync();
      writeSnapshot(dir, this.index, exportState(this.engine), this.liquidation);
      journal.rotate(this.decoder.intern, this.decoder.pendingSpec);
    } catch (err) {
      throw asJournalWriteError(err, dir);
    }
    this.sinceSnapshot = 0;
    const kept = listSnapshots(dir).slice(0, 2);
    const keepFrom = kept[kept.length - 1] ?? 0;
    pruneSnapshots(dir, keepFrom);
    const segments = listSegments(dir);
    for (let i = 0; i + 1 < segments.length; i++) {
      if ((segments[i + 1] as { first: number }).first <= keepFrom) rmSync((segments[i] as { path: string }).path);
    }
    return this.index;
  }
}
