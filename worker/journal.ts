/**
 * The append-only command journal. A journal directory holds segments `journal-<first index>.log`;
 * a new segment starts whenever a worker starts and after each persistent snapshot, so old ones
 * can be dropped once a newer snapshot covers them.
 *
 * A segment starts with 8 bytes, "SLQJ" and the format version (u32 LE), so a journal written by
 * another version of the wire is refused rather than misread (its checksums would still pass).
 * Then a run of frames, one per batch the worker took from the ring:
 *   [payload bytes u32][crc32 of payload u32][first command index][command count][records…]
 * The records are the wire's command records copied verbatim (intern records included; a segment
 * begins with the sender's whole intern table, so it reads on its own). A frame is written, and
 * fsynced per policy, before any event of its commands is released; a frame whose length or CRC
 * does not check out is a torn write and ends the segment. Records are written straight from the
 * memory they arrived in (the ring), a contiguous run per write vector, not copied into the frame.
 */
import {
  closeSync,
  existsSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  readdirSync,
  readFileSync,
  writeSync,
  writevSync,
} from "node:fs";
import { join } from "node:path";
import { isLiquidationMode, type LiquidationMode } from "../liquidator/liquidation-params.js";
import type { InstrumentSpec } from "../protocol/commands.js";
import { crc32 } from "../protocol/wire/crc32.js";
import type { InternReader } from "../protocol/wire/intern.js";
import { KIND_TEXT, TEXT_SPEC, writeText } from "../protocol/wire/records.js";
import { SlotBuffer } from "../protocol/wire/slot-buffer.js";

/** The journal directory cannot be recovered (damaged, a gap, another format): a user-facing error. */
export class RecoveryError extends Error {}

export type FsyncPolicy = { kind: "batch" } | { kind: "interval"; ms: number } | { kind: "off" };

/** "batch", "off", or an interval such as "50ms" / "50". */
export function parseFsyncPolicy(text: string): FsyncPolicy | null {
  if (text === "batch") return { kind: "batch" };
  if (text === "off") return { kind: "off" };
  const m = /^([0-9]+)(ms)?$/.exec(text);
  if (m === null) return null;
  const ms = Number(m[1]);
  return ms > 0 ? { kind: "interval", ms } : null;
}

export function formatFsyncPolicy(p: FsyncPolicy): string {
  return p.kind === "interval" ? `${p.ms}ms` : p.kind;
}

const SEGMENT = /^journal-([0-9]{16})\.log$/;
/** Bumped whenever the records' layout changes (2: variable-length command records). */
export const JOURNAL_FORMAT = 2;
const MAGIC = 0x4a514c53; // "SLQJ" read as a little-endian u32
const SEGMENT_HEADER_BYTES = 8;

function segmentHeader(): Uint8Array {
  const head = new Uint8Array(SEGMENT_HEADER_BYTES);
  const view = new DataView(head.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, JOURNAL_FORMAT, true);
  return head;
}
export const FRAME_HEADER_SLOTS = 3; // [len | crc], first index, count

export function segmentName(firstIndex: number): string {
  return `journal-${String(firstIndex).padStart(16, "0")}.log`;
}

/** The segments of `dir`, by first index. */
export function listSegments(dir: string): { first: number; path: string }[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: { first: number; path: string }[] = [];
  for (const name of names) {
    const m = SEGMENT.exec(name);
    if (m !== null) out.push({ first: Number(m[1]), path: join(dir, name) });
  }
  return out.sort((a, b) => a.first - b.first);
}

export class JournalWriter {
  private fd: number;
  /** The frame header, and whole records written into it (the intern table heading a segment). */
  private readonly frame = new SlotBuffer(1 << 14);
  /** Appended records as views on their source memory: contiguous ones share a run. */
  private readonly runs: Uint8Array[] = [];
  private runSource: Int32Array | null = null;
  private runStart = 0;
  private runEnd = 0;
  private commands = 0;
  private records = 0;
  private lastSync = 0;
  private dirty = false;
  /** The index the next journaled command gets (= commands journaled since genesis). */
  index: number;

  constructor(
    readonly dir: string,
    firstIndex: number,
    readonly policy: FsyncPolicy,
    intern: InternReader | null,
  ) {
    this.index = firstIndex;
    this.fd = this.openSegment(firstIndex, intern, null);
  }

  /**
   * A segment reads on its own: it starts with the sender's intern table and, when an instrument
   * command's spec arrived in the batch before (its command record comes next), that spec.
   */
  private openSegment(first: number, intern: InternReader | null, pendingSpec: InstrumentSpec | null): number {
    const fd = openSync(join(this.dir, segmentName(first)), "w");
    this.fd = fd;
    writeAll(fd, segmentHeader());
    if (intern !== null) {
      this.begin();
      intern.dump(this.frame);
      if (pendingSpec !== null) writeText(this.frame, KIND_TEXT | (TEXT_SPEC << 4), JSON.stringify(pendingSpec));
      this.records = 1;
      this.commit();
    }
    fsyncDir(this.dir);
    return fd;
  }

  /** Starts the frame of a batch. */
  begin(): void {
    this.frame.clear();
    this.frame.reserve(FRAME_HEADER_SLOTS);
    this.runs.length = 0;
    this.runSource = null;
    this.commands = 0;
    this.records = 0;
  }

  /**
   * Appends the record at slot `at` of `i32` (a ring or a message). It is not copied: the memory
   * must stay as it is until commit() (the worker releases ring space only after the batch).
   */
  append(i32: Int32Array, at: number, slots: number, isCommand: boolean): void {
    if (i32 === this.runSource && at === this.runEnd) {
      this.runEnd += slots;
    } else {
      this.closeRun();
      this.runSource = i32;
      this.runStart = at;
      this.runEnd = at + slots;
    }
    this.records++;
    if (isCommand) this.commands++;
  }

  private closeRun(): void {
    const src = this.runSource;
    if (src === null) return;
    this.runs.push(new Uint8Array(src.buffer, src.byteOffset + this.runStart * 8, (this.runEnd - this.runStart) * 8));
    this.runSource = null;
  }

  /** Writes the frame (and fsyncs it when the policy says so). Returns the commands it held. */
  commit(): number {
    if (this.records === 0) return 0;
    this.closeRun();
    const f = this.frame;
    f.f64[1] = this.index;
    f.f64[2] = this.commands;
    const head = f.bytes();
    let length = head.length - 8;
    let crc = crc32(head, 8);
    for (const run of this.runs) {
      length += run.length;
      crc = crc32(run, 0, run.length, crc);
    }
    f.i32[0] = length;
    f.i32[1] = crc | 0;
    if (this.runs.length === 0) writeAll(this.fd, head);
    else writeVectors(this.fd, [head, ...this.runs]);
    this.runs.length = 0;
    this.index += this.commands;
    this.dirty = true;
    if (this.policy.kind === "batch") this.sync();
    else if (this.policy.kind === "interval") this.syncIfDue();
    const n = this.commands;
    this.records = 0;
    this.commands = 0;
    return n;
  }

  /** For the interval policy: fsync when the last one is older than the interval. */
  syncIfDue(): void {
    if (this.policy.kind !== "interval" || !this.dirty) return;
    const now = performance.now();
    if (now - this.lastSync >= this.policy.ms) this.sync();
  }

  sync(): void {
    if (!this.dirty) return;
    fsyncSync(this.fd);
    this.lastSync = performance.now();
    this.dirty = false;
  }

  /** Continues in a new segment starting at the current index (after a persistent snapshot). */
  rotate(intern: InternReader, pendingSpec: InstrumentSpec | null): void {
    this.sync();
    closeSync(this.fd);
    this.fd = this.openSegment(this.index, intern, pendingSpec);
  }

  close(): void {
    if (this.policy.kind !== "off") this.sync();
    closeSync(this.fd);
  }
}

function writeAll(fd: number, bytes: Uint8Array): void {
  let done = 0;
  while (done < bytes.length) done += writeSync(fd, bytes, done, bytes.length - done);
}

/** One writev; whatever a short write left over is written piece by piece. */
function writeVectors(fd: number, pieces: Uint8Array[]): void {
  let written = writevSync(fd, pieces);
  for (const piece of pieces) {
    if (written >= piece.length) {
      written -= piece.length;
      continue;
    }
    writeAll(fd, piece.subarray(written));
    written = 0;
  }
}

/** The file that records the liquidation mode a journal directory was written in. */
const MODE_FILE = "liquidation-mode";

/**
 * The liquidation mode recorded in a journal directory (null: none recorded). The same commands
 * in another mode give other events, so recovery must replay in the mode the journal was written in.
 */
export function journalMode(dir: string): LiquidationMode | null {
  const path = join(dir, MODE_FILE);
  if (!existsSync(path)) return null;
  const text = readFileSync(path, "utf8").trim();
  if (!isLiquidationMode(text)) throw new RecoveryError(`${path} names no liquidation mode: ${JSON.stringify(text)}`);
  return text;
}

/** Records the mode of a new journal directory (written and fsynced before the first command). */
export function recordJournalMode(dir: string, mode: LiquidationMode): void {
  const fd = openSync(join(dir, MODE_FILE), "w");
  try {
    writeSync(fd, `${mode}\n`);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  fsyncDir(dir);
}

/** fsync of a directory makes a created or renamed entry durable. */
export function fsyncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, "r");
    fsyncSync(fd);
  } catch {
    // Some platforms cannot fsync a directory; the data files themselves are synced.
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** One segment as read back: its valid frames and what had to be cut. */
export interface SegmentRead {
  first: number;
  path: string;
  /** The slots of the valid frames (frame headers included). */
  f64: Float64Array;
  u16: Uint16Array;
  i32: Int32Array;
  /** [slot of payload start, slots of payload] per valid frame. */
  frames: { at: number; slots: number; firstIndex: number; count: number }[];
  validBytes: number;
  tornBytes: number;
  /** The index after the last valid command. */
  end: number;
}

export function readSegment(path: string, first: number): SegmentRead {
  const file = readFileSync(path);
  // Copy into an aligned buffer: Buffer pool slices may not sit on an 8-byte boundary.
  const aligned = new Float64Array(Math.ceil(file.length / 8));
  const bytes = new Uint8Array(aligned.buffer);
  bytes.set(file);
  const i32 = new Int32Array(aligned.buffer);
  const frames: SegmentRead["frames"] = [];
  // A segment cut short in its header holds nothing yet: torn, like a torn frame.
  let pos = 0;
  if (file.length >= SEGMENT_HEADER_BYTES) {
    const view = new DataView(aligned.buffer);
    const magic = view.getUint32(0, true);
    const format = view.getUint32(4, true);
    if (magic !== MAGIC || format !== JOURNAL_FORMAT) {
      const found = magic === MAGIC ? `format ${format}` : "no softliq journal header";
      throw new RecoveryError(
        `journal segment ${path} is not of journal format ${JOURNAL_FORMAT} (${found}): written by another version`,
      );
    }
    pos = SEGMENT_HEADER_BYTES;
  }
  let expected = first;
  while (pos + 8 <= file.length) {
    const len = i32[pos / 4] as number;
    const crc = (i32[pos / 4 + 1] as number) >>> 0;
    if (len < 16 || len % 8 !== 0 || pos + 8 + len > file.length) break;
    if (crc32(bytes, pos + 8, pos + 8 + len) !== crc) break;
    const slot = pos / 8;
    const firstIndex = aligned[slot + 1] as number;
    const count = aligned[slot + 2] as number;
    if (firstIndex !== expected) break;
    frames.push({ at: slot + FRAME_HEADER_SLOTS, slots: len / 8 - 2, firstIndex, count });
    expected += count;
    pos += 8 + len;
  }
  return {
    first,
    path,
    f64: aligned,
    u16: new Uint16Array(aligned.buffer),
    i32,
    frames,
    validBytes: pos,
    tornBytes: file.length - pos,
    end: expected,
  };
}

/** Cuts a torn tail off a segment so that appends continue after the last valid frame. */
export function cutSegment(path: string, validBytes: number): void {
  const fd = openSync(path, "r+");
  try {
    ftruncateSync(fd, validBytes);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}
