/**
 * Recovery: the newest snapshot that checks out, then the journal from its index to the last
 * valid frame. A torn last frame (a crash mid-write) is cut; a gap or damage before the end is an
 * error, never silently skipped.
 */

import { restoreState } from "../engine/state-snapshot.js";
import { Engine } from "../exchange.js";
import type { LiquidationMode } from "../liquidator/liquidation-params.js";
import type { EventListener } from "../protocol/events.js";
import { CommandDecoder } from "../protocol/wire/command-codec.js";
import { InternReader } from "../protocol/wire/intern.js";
import { recordSlots } from "../protocol/wire/record-size.js";
import { KIND_COMMAND, KIND_REJECT_LINE } from "../protocol/wire/records.js";
import { applyRecord } from "./apply-record.js";
import { cutSegment, journalMode, listSegments, RecoveryError, readSegment } from "./journal.js";
import { listSnapshots, loadSnapshot } from "./snapshot-store.js";

export interface RecoverOptions {
  /** Events of replayed commands with index ≥ deliverFrom (default: none). */
  onEvent?: EventListener;
  deliverFrom?: number;
  /** After each replayed command with index ≥ deliverFrom. */
  onCommandDone?: (index: number) => void;
  /** Truncate a torn last frame on disk (default: true). */
  cut?: boolean;
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
  tornBytes: number;
}

export { RecoveryError };

export function recover(dir: string, options: RecoverOptions = {}): RecoveryReport {
  const deliverFrom = options.deliverFrom ?? Number.POSITIVE_INFINITY;
  const skippedSnapshots: RecoveryReport["skippedSnapshots"] = [];
  const recorded = journalMode(dir);
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
    const state = loadSnapshot(dir, index);
    if (typeof state === "string") {
      skippedSnapshots.push({ index, reason: state });
      continue;
    }
    try {
      engine = restoreState(state, new Engine({ liquidation }));
    } catch (err) {
      skippedSnapshots.push({ index, reason: (err as Error).message });
      continue;
    }
    start = index;
    snapshotIndex = index;
    break;
  }
  if (engine === null) engine = new Engine({ liquidation });

  let delivering = false;
  const onEvent = options.onEvent;
  engine.setListener(onEvent === undefined ? null : (e) => delivering && onEvent(e));

  const segments = listSegments(dir);
  // Segments wholly before the start are not needed; the one holding `start` is read from its head.
  let from = 0;
  while (from + 1 < segments.length && (segments[from + 1] as { first: number }).first <= start) from++;
  let index = start;
  let replayed = 0;
  let tornBytes = 0;
  let segmentsRead = 0;
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
    if (seg.tornBytes > 0) {
      if (!last) throw new RecoveryError(`journal segment ${path} is damaged at byte ${seg.validBytes}`);
      tornBytes = seg.tornBytes;
      if (options.cut !== false) cutSegment(path, seg.validBytes);
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
  };
}
