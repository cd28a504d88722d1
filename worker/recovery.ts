/**
 * Recovery: the newest snapshot that checks out, then the journal from its index to the last
 * valid frame. It only reads: a torn last frame (a crash mid-write) is reported, and cut by the
 * writer that continues the journal (engine-host), never by an inspection. Damage, a gap, a
 * missing newest segment, or a mode that does not agree is a RecoveryError, never skipped.
 */

import { restoreState } from "../engine/state-snapshot.js";
import { Engine } from "../exchange.js";
import type { LiquidationMode } from "../liquidator/liquidation-params.js";
import type { EventListener } from "../protocol/events.js";
import { applyRecord } from "./apply-record.js";
import {
  legacyJournalMode,
  listSegments,
  type Predecessor,
  RecoveryError,
  readSegment,
  readSegmentHeader,
} from "./journal.js";
import { listSnapshots, loadSnapshot } from "./snapshot-store.js";
import { CommandDecoder } from "./wire/command-codec.js";
import { InternReader } from "./wire/intern.js";
import { recordSlots } from "./wire/record-size.js";
import { KIND_COMMAND, KIND_REJECT_LINE } from "./wire/records.js";

export interface RecoverOptions {
  /** Events of replayed commands with index ≥ deliverFrom (default: none). */
  onEvent?: EventListener;
  deliverFrom?: number;
  /** After each replayed command with index ≥ deliverFrom. */
  onCommandDone?: (index: number) => void;
  /**
   * The liquidation mode the journal must have been written in (default: whatever it was written
   * in, recorded in the directory; soft for a journal that recorded none).
   */
  liquidation?: LiquidationMode;
}

export interface RecoveryReport {
  engine: Engine;
  /** The journal index of the snapshot used; null when replayed from the start. */
  snapshotIndex: number | null;
  skippedSnapshots: { index: number; reason: string }[];
  /** Commands replayed from the journal on top of the snapshot. */
  replayed: number;
  /** Commands in the journal (the index the next one gets). */
  journalLength: number;
  segmentsRead: number;
  /** Bytes of an incomplete last frame, left in place (the next writer cuts them). */
  tornBytes: number;
  /** The mode the journal was written in (replayed in it). */
  liquidation: LiquidationMode;
  /** The last segment as read (null: none): the one a writer continues after. */
  tail: Predecessor | null;
}

export { RecoveryError };

/**
 * The mode the journal in `dir` was written in: every segment header names it (format 3), a
 * format-2 journal has it in a side file; all that name one must agree. Null: none recorded.
 */
function recordedMode(dir: string, segments: readonly { first: number; path: string }[]): LiquidationMode | null {
  let mode = legacyJournalMode(dir);
  let from = mode === null ? null : `${dir}/liquidation-mode`;
  for (const { first, path } of segments) {
    const named = readSegmentHeader(path, first)?.mode ?? null;
    if (named === null) continue;
    if (mode !== null && named !== mode) {
      throw new RecoveryError(`journal in ${dir} mixes liquidation modes: ${from} says ${mode}, ${path} says ${named}`);
    }
    mode = named;
    from = path;
  }
  return mode;
}

export function recover(dir: string, options: RecoverOptions = {}): RecoveryReport {
  const deliverFrom = options.deliverFrom ?? Number.POSITIVE_INFINITY;
  const skippedSnapshots: RecoveryReport["skippedSnapshots"] = [];
  const segments = listSegments(dir);
  const recorded = recordedMode(dir, segments);
  if (options.liquidation !== undefined && recorded !== null && recorded !== options.liquidation) {
    throw new RecoveryError(
      `journal in ${dir} was written with liquidation mode ${recorded}, not ${options.liquidation}`,
    );
  }
  const liquidation = recorded ?? options.liquidation ?? "soft";
  let engine: Engine | null = null;
  let start = 0;
  let snapshotIndex: number | null = null;
  for (const index of listSnapshots(dir)) {
    const loaded = loadSnapshot(dir, index);
    if (typeof loaded === "string") {
      skippedSnapshots.push({ index, reason: loaded });
      continue;
    }
    if (loaded.liquidation !== null && loaded.liquidation !== liquidation) {
      throw new RecoveryError(
        `snapshot ${index} in ${dir} was taken in liquidation mode ${loaded.liquidation}, the journal's is ${liquidation}`,
      );
    }
    try {
      engine = restoreState(loaded.state, new Engine({ liquidation }));
    } catch (err) {
      skippedSnapshots.push({ index, reason: (err as Error).message });
      continue;
    }
    start = index;
    snapshotIndex = index;
    break;
  }
  if (engine === null) engine = new Engine({ liquidation });
  if (snapshotIndex !== null && segments.length === 0) {
    throw new RecoveryError(`${dir} holds snapshot ${snapshotIndex} but no journal segment: the journal is missing`);
  }

  let delivering = false;
  const onEvent = options.onEvent;
  engine.setListener(onEvent === undefined ? null : (e) => delivering && onEvent(e));

  // Segments wholly before the start are not needed; the one holding `start` is read from its head.
  let from = 0;
  while (from + 1 < segments.length && (segments[from + 1] as { first: number }).first <= start) from++;
  let index = start;
  let replayed = 0;
  let tornBytes = 0;
  let segmentsRead = 0;
  let tail: Predecessor | null = null;
  if (segments.length > 0 && (segments[from] as { first: number }).first > start) {
    throw new RecoveryError(
      `journal in ${dir} starts at command ${(segments[from] as { first: number }).first}, but recovery needs it from ${start}`,
    );
  }
  for (let s = from; s < segments.length; s++) {
    const { first, path } = segments[s] as { first: number; path: string };
    if (first > index) throw new RecoveryError(`journal gap: ${path} starts at ${first}, expected ${index}`);
    const seg = readSegment(path, first);
    segmentsRead++;
    const last = s === segments.length - 1;
    const link = seg.header?.link ?? null;
    if (tail !== null && link !== null && (link.prevFirst !== tail.first || link.prevCrc !== tail.lastCrc)) {
      throw new RecoveryError(
        `journal segment ${path} does not continue ${tail.path} (its header names segment ${link.prevFirst} ending in frame crc ${link.prevCrc}): segments of different journals`,
      );
    }
    if (seg.tornBytes > 0) {
      if (!last)
        throw new RecoveryError(
          `journal segment ${path} is damaged at byte ${seg.validBytes} (a cut-short frame before the last segment)`,
        );
      tornBytes = seg.tornBytes;
    }
    if (last && seg.sealed) {
      throw new RecoveryError(
        `journal segment ${path} is sealed: the journal goes on at command ${seg.end}, but ${dir} holds no segment from there (deleted?)`,
      );
    }
    const following = segments[s + 1];
    if (following !== undefined && following.first !== seg.end) {
      throw new RecoveryError(
        `journal gap: ${path} ends at command ${seg.end}, ${following.path} starts at ${following.first}`,
      );
    }
    const decoder = new CommandDecoder(new InternReader());
    let next = first; // the index of the segment's next command record
    for (const frame of seg.frames) {
      const end = frame.at + frame.slots;
      for (let at = frame.at; at < end; at += recordSlots(seg.f64, at)) {
        const kind = (seg.f64[at] as number) & 15;
        if (next < start && (kind === KIND_COMMAND || kind === KIND_REJECT_LINE)) {
          next++; // already in the restored snapshot
          continue;
        }
        delivering = next >= deliverFrom;
        if (applyRecord(engine, decoder, seg.f64, seg.u16, at, kind)) {
          if (delivering) options.onCommandDone?.(next);
          next++;
          replayed++;
        }
      }
    }
    index = Math.max(index, next);
    tail = { first, path, end: seg.end, lastCrc: seg.lastCrc, validBytes: seg.validBytes, header: seg.header };
  }
  if (tail !== null && tail.end < start) {
    throw new RecoveryError(
      `journal in ${dir} ends at command ${tail.end}, before snapshot ${start}: its newest segment is missing`,
    );
  }
  delivering = false;
  engine.setListener(null);
  return {
    engine,
    snapshotIndex,
    skippedSnapshots,
    replayed,
    journalLength: index,
    segmentsRead,
    tornBytes,
    liquidation,
    tail,
  };
}
