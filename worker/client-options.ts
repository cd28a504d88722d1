/** EngineClient's options, and the journal settings they resolve to. */
import type { LiquidationMode } from "../liquidator/liquidation-params.js";
import type { EventListener } from "../protocol/events.js";
import { type FsyncPolicy, parseFsyncPolicy } from "./journal.js";

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

/** JournalOptions with the defaults filled in. */
export interface ClientJournal {
  dir: string;
  fsync: FsyncPolicy;
  snapshotEvery: number;
  fresh: boolean;
}

/** Throws RangeError on a bad fsync policy or a journal combined with stopOnMalformed. */
export function resolveJournal(options: EngineClientOptions): ClientJournal | null {
  const j = options.journal ?? null;
  if (j === null) return null;
  const fsync = typeof j.fsync === "string" ? parseFsyncPolicy(j.fsync) : (j.fsync ?? { kind: "batch" as const });
  if (fsync === null) {
    throw new RangeError(`journal fsync policy must be batch, off or N ms, got ${String(j.fsync)}`);
  }
  if (options.stopOnMalformed === true) throw new RangeError("stopOnMalformed cannot be combined with a journal");
  return { dir: j.dir, fsync, snapshotEvery: j.snapshotEvery ?? 100_000, fresh: j.fresh === true };
}
