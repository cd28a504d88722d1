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
  readSync,
  renameSync,
  writeSync,
  writevSync,
} from "node:fs";
import { join } from "node:path";
import { isLiquidationMode, type LiquidationMode } from "../liquidator/liquidation-params.js";
import type { InstrumentSpec } from "../protocol/commands.js";
import { crc32 } from "./wire/crc32.js";
import type { InternReader } from "./wire/intern.js";
import { KIND_TEXT, TEXT_SPEC, writeText } from "./wire/records.js";
import { SlotBuffer } from "./wire/slot-buffer.js";

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

const SEGMENT = /^journal-([0-9]{16})\.log$/;
/**
 * Bumped whenever the segment or record layout changes. 2: variable-length command records;
 * 3: the header names the liquidation mode and links to the previous segment, and a segment that
 * was continued in another ends with a seal frame.
 */
export const JOURNAL_FORMAT = 3;
/** Segments of format 2 (an 8-byte header, the mode in a side file) are still read. */
const OLD_FORMAT = 2;
const MAGIC = 0x4a514c53; // "SLQJ" read as a little-endian u32
const OLD_HEADER_BYTES = 8;
/**
 * [magic u32][format u32][mode u32][crc of the previous segment's last frame u32]
 * [first index f64][previous segment's first index f64, -1: none]: 32 bytes, so frames stay
 * 8-byte aligned. The previous segment ends where this one starts (its last index).
 */
const SEGMENT_HEADER_BYTES = 32;
/** The count a seal frame carries: the segment goes on in the one starting at its index. */
const SEAL = -1;

/**
 * Mode codes of the segment header (0: none recorded, a format-2 segment). A code never changes
 * meaning; a new mode gets the next one (the Record type makes the build fail without it).
 */
const MODE_CODES: Readonly<Record<LiquidationMode, number>> = {
  soft: 1,
  hard: 2,
  off: 3,
  hyperliquid: 4,
  dydx: 5,
  drift: 6,
};
const MODE_OF_CODE = new Map(Object.entries(MODE_CODES).map(([mode, code]) => [code, mode as LiquidationMode]));

/** Where a segment continues its predecessor: the predecessor's first index and last frame's CRC. */
export interface SegmentLink {
  prevFirst: number;
  prevCrc: number;
}

export interface SegmentHeader {
  format: number;
  /** Null in a format-2 segment (the mode lived in the directory's side file). */
  mode: LiquidationMode | null;
  /** Null in a format-2 segment, or in the first segment of a journal. */
  link: SegmentLink | null;
  bytes: number;
}

function segmentHeader(first: number, mode: LiquidationMode, link: SegmentLink | null): Uint8Array {
  const head = new Uint8Array(SEGMENT_HEADER_BYTES);
  const view = new DataView(head.buffer);
  view.setUint32(0, MAGIC, true);
  view.setUint32(4, JOURNAL_FORMAT, true);
  view.setUint32(8, MODE_CODES[mode], true);
  view.setUint32(12, link === null ? 0 : link.prevCrc, true);
  view.setFloat64(16, first, true);
  view.setFloat64(24, link === null ? -1 : link.prevFirst, true);
  return head;
}

/** Reads a segment's header; null when the file is shorter than any header (a torn creation). */
function parseHeader(path: string, bytes: Uint8Array, first: number): SegmentHeader | null {
  if (bytes.length < OLD_HEADER_BYTES) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
  const magic = view.getUint32(0, true);
  const format = view.getUint32(4, true);
  if (magic !== MAGIC || (format !== JOURNAL_FORMAT && format !== OLD_FORMAT)) {
    const found = magic === MAGIC ? `format ${format}` : "no softliq journal header";
    throw new RecoveryError(
      `journal segment ${path} is not of journal format ${JOURNAL_FORMAT} or ${OLD_FORMAT} (${found}): written by another version`,
    );
  }
  if (format === OLD_FORMAT) return { format, mode: null, link: null, bytes: OLD_HEADER_BYTES };
  if (bytes.length < SEGMENT_HEADER_BYTES) return null;
  const mode = MODE_OF_CODE.get(view.getUint32(8, true));
  if (mode === undefined) throw new RecoveryError(`journal segment ${path} names no liquidation mode in its header`);
  if (view.getFloat64(16, true) !== first) {
    throw new RecoveryError(`journal segment ${path} says it starts at ${view.getFloat64(16, true)}, not ${first}`);
  }
  const prevFirst = view.getFloat64(24, true);
  const link = prevFirst < 0 ? null : { prevFirst, prevCrc: view.getUint32(12, true) };
  return { format, mode, link, bytes: SEGMENT_HEADER_BYTES };
}

/** The header of a segment file alone (recovery reads every segment's mode before it starts). */
export function readSegmentHeader(path: string, first: number): SegmentHeader | null {
  const head = Buffer.alloc(SEGMENT_HEADER_BYTES);
  const fd = openSync(path, "r");
  let n: number;
  try {
    n = readSync(fd, head, 0, SEGMENT_HEADER_BYTES, 0);
  } finally {
    closeSync(fd);
  }
  return parseHeader(path, head.subarray(0, n), first);
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

/**
 * The segment a new writer follows: recovery's last segment, cut to its valid frames. One that
 * holds no command is replaced (same first index, same link); another is sealed once the new one
 * is in place.
 */
export interface Predecessor {
  first: number;
  path: string;
  end: number;
  lastCrc: number;
  /** Where the seal goes (the valid bytes). */
  validBytes: number;
  header: SegmentHeader | null;
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

  /** The first index of the segment being written, and the CRC of its last frame (0: none yet). */
  private segmentFirst: number;
  private lastCrc = 0;

  /**
   * Continues the journal of `dir` at `firstIndex` in a new segment after `predecessor` (the last
   * segment recovery read, already cut to its valid frames; null for a new journal).
   */
  constructor(
    readonly dir: string,
    firstIndex: number,
    readonly policy: FsyncPolicy,
    readonly mode: LiquidationMode,
    predecessor: Predecessor | null,
  ) {
    this.index = firstIndex;
    this.segmentFirst = firstIndex;
    if (predecessor === null) {
      this.fd = this.openSegment(firstIndex, null, null, null);
    } else if (predecessor.first === firstIndex) {
      // It holds no command (a worker that died before its first frame): take its place and link.
      this.fd = this.openSegment(firstIndex, predecessor.header?.link ?? null, null, null);
    } else {
      this.fd = this.openSegment(
        firstIndex,
        { prevFirst: predecessor.first, prevCrc: predecessor.lastCrc },
        null,
        null,
      );
      // A format-2 segment is not sealed: a reader of that format would take the seal for a frame.
      if (predecessor.header?.format === JOURNAL_FORMAT) {
        const fd = openSync(predecessor.path, "r+");
        try {
          writeSeal(fd, firstIndex, predecessor.validBytes);
        } finally {
          closeSync(fd);
        }
      }
    }
  }

  /** The segment being written. */
  get path(): string {
    return join(this.dir, segmentName(this.segmentFirst));
  }

  /**
   * A segment reads on its own: it starts with the sender's intern table and, when an instrument
   * command's spec arrived in the batch before (its command record comes next), that spec. It is
   * written under a temporary name and renamed into place, so it never exists half made.
   */
  private openSegment(
    first: number,
    link: SegmentLink | null,
    intern: InternReader | null,
    pendingSpec: InstrumentSpec | null,
  ): number {
    const final = join(this.dir, segmentName(first));
    const temp = `${final}.tmp`;
    const fd = openSync(temp, "w");
    this.fd = fd;
    this.segmentFirst = first;
    this.lastCrc = 0;
    writeAll(fd, segmentHeader(first, this.mode, link));
    if (intern !== null) {
      this.begin();
      intern.dump(this.frame);
      if (pendingSpec !== null) writeText(this.frame, KIND_TEXT | (TEXT_SPEC << 4), JSON.stringify(pendingSpec));
      this.records = 1;
      this.commit();
    }
    fsyncSync(fd);
    renameSync(temp, final);
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
    this.lastCrc = crc >>> 0;
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
    const old = this.fd;
    const link = { prevFirst: this.segmentFirst, prevCrc: this.lastCrc };
    this.fd = this.openSegment(this.index, link, intern, pendingSpec);
    // Sealed only once its successor is in place: a crash between leaves an unsealed predecessor,
    // which reads the same.
    writeSeal(old, this.index, null);
    closeSync(old);
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

/**
 * Ends a segment with a seal frame (count SEAL): the journal goes on in the segment starting at
 * `next`, so a reader that finds a sealed last segment knows a newer one is missing.
 */
function writeSeal(fd: number, next: number, at: number | null): void {
  const frame = new Uint8Array(8 + 16);
  const view = new DataView(frame.buffer);
  view.setUint32(0, 16, true);
  view.setFloat64(8, next, true);
  view.setFloat64(16, SEAL, true);
  view.setUint32(4, crc32(frame, 8), true);
  let done = 0;
  while (done < frame.length) done += writeSync(fd, frame, done, frame.length - done, at === null ? null : at + done);
  fsyncSync(fd);
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

/** The side file in which format-2 journals recorded their liquidation mode. */
const MODE_FILE = "liquidation-mode";

/**
 * The liquidation mode a format-2 journal directory recorded in its side file (null: none). New
 * segments carry the mode in their header; the file is still read, and must agree, when present.
 */
export function legacyJournalMode(dir: string): LiquidationMode | null {
  const path = join(dir, MODE_FILE);
  if (!existsSync(path)) return null;
  const text = readFileSync(path, "utf8").trim();
  if (!isLiquidationMode(text)) throw new RecoveryError(`${path} names no liquidation mode: ${JSON.stringify(text)}`);
  return text;
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

/** One segment as read back: its valid frames and the incomplete tail after them. */
export interface SegmentRead {
  first: number;
  path: string;
  /** Null when the file is shorter than its header (created, never written). */
  header: SegmentHeader | null;
  /** The slots of the valid frames (frame headers included). */
  f64: Float64Array;
  u16: Uint16Array;
  i32: Int32Array;
  /** [slot of payload start, slots of payload] per valid frame. */
  frames: { at: number; slots: number; firstIndex: number; count: number }[];
  validBytes: number;
  /** An incomplete last frame (a write cut short by a crash): the only thing that may be cut. */
  tornBytes: number;
  /** The index after the last valid command. */
  end: number;
  /** The CRC of the last command-carrying frame (0: none); the next segment's header names it. */
  lastCrc: number;
  /** Ends in a seal: the journal goes on in the segment starting at `end`. */
  sealed: boolean;
}

/**
 * Reads a segment. Only an incomplete tail is torn: a frame that runs past the end of the file
 * with no valid frame after it, or bytes never written (zeros). A frame whose length is whole but
 * whose checksum or index does not check out, or any bad frame followed by a good one, is damage:
 * a RecoveryError naming the segment and the byte offset.
 */
export function readSegment(path: string, first: number): SegmentRead {
  const file = readFileSync(path);
  // Copy into an aligned buffer: Buffer pool slices may not sit on an 8-byte boundary.
  const aligned = new Float64Array(Math.ceil(file.length / 8));
  const bytes = new Uint8Array(aligned.buffer);
  bytes.set(file);
  const i32 = new Int32Array(aligned.buffer);
  const frames: SegmentRead["frames"] = [];
  const header = parseHeader(path, bytes.subarray(0, file.length), first);
  let pos = header === null ? file.length : header.bytes;
  let expected = first;
  let lastCrc = 0;
  let sealed = false;
  const damaged = (reason: string): RecoveryError =>
    new RecoveryError(
      `journal segment ${path} is damaged at byte ${pos} (${reason}); recovery refuses it and changed nothing`,
    );
  while (pos < file.length) {
    if (sealed) throw damaged("data after the seal");
    const bad = frameProblem(bytes, aligned, file.length, pos, expected);
    if (bad !== null) {
      if (bad === "incomplete" && !validFrameAfter(bytes, aligned, file.length, pos)) break;
      if (bad === "incomplete") throw damaged("a frame cut short, followed by valid frames");
      throw damaged(bad);
    }
    const len = i32[pos / 4] as number;
    const slot = pos / 8;
    const count = aligned[slot + 2] as number;
    if (count === SEAL) {
      sealed = true;
    } else {
      frames.push({ at: slot + FRAME_HEADER_SLOTS, slots: len / 8 - 2, firstIndex: expected, count });
      expected += count;
      lastCrc = (i32[pos / 4 + 1] as number) >>> 0;
    }
    pos += 8 + len;
  }
  const validBytes = Math.min(pos, file.length);
  return {
    first,
    path,
    header,
    f64: aligned,
    u16: new Uint16Array(aligned.buffer),
    i32,
    frames,
    validBytes,
    tornBytes: file.length - validBytes,
    end: expected,
    lastCrc,
    sealed,
  };
}

/**
 * What is wrong with the frame at `pos` (null: nothing). "incomplete": it runs past the end of the
 * file, or the rest of the file was never written (zeros): what a crash mid-write leaves.
 */
function frameProblem(
  bytes: Uint8Array,
  f64: Float64Array,
  size: number,
  pos: number,
  expected: number,
): string | null {
  if (pos + 8 > size || zerosFrom(bytes, pos, size)) return "incomplete";
  const view = new DataView(bytes.buffer);
  const len = view.getUint32(pos, true);
  if (len < 16 || len % 8 !== 0) return `frame length ${len}`;
  if (pos + 8 + len > size) return "incomplete";
  if (crc32(bytes, pos + 8, pos + 8 + len) !== view.getUint32(pos + 4, true)) return "checksum mismatch";
  const firstIndex = f64[pos / 8 + 1] as number;
  const count = f64[pos / 8 + 2] as number;
  if (firstIndex !== expected) return `frame of command ${firstIndex}, expected ${expected}`;
  if (count !== SEAL && !(Number.isSafeInteger(count) && count >= 0)) return `frame count ${count}`;
  return null;
}

function zerosFrom(bytes: Uint8Array, pos: number, size: number): boolean {
  for (let i = pos; i < size; i++) if (bytes[i] !== 0) return false;
  return true;
}

/** Whether any whole frame with a good checksum starts after `pos` (then `pos` is damage). */
function validFrameAfter(bytes: Uint8Array, f64: Float64Array, size: number, pos: number): boolean {
  const view = new DataView(bytes.buffer);
  for (let q = pos + 8; q + 24 <= size; q += 8) {
    const len = view.getUint32(q, true);
    if (len < 16 || len % 8 !== 0 || q + 8 + len > size) continue;
    const count = f64[q / 8 + 2] as number;
    if (count !== SEAL && !(Number.isSafeInteger(count) && count >= 0)) continue;
    if (crc32(bytes, q + 8, q + 8 + len) === view.getUint32(q + 4, true)) return true;
  }
  return false;
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

/**
 * A file operation on the journal directory failed for a reason of the system (no space left,
 * no permission, a path that is not a directory, an I/O error). `code` is the errno name.
 */
export class JournalWriteError extends Error {
  /** Marks it across the worker boundary (only own properties survive the thread's error). */
  readonly journalWriteFailed = true;
  constructor(
    message: string,
    readonly code: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/** `err` as a JournalWriteError when it is a system error (it has an errno code); else itself. */
export function asJournalWriteError(err: unknown, path: string): unknown {
  const code = (err as NodeJS.ErrnoException | null)?.code;
  if (err instanceof JournalWriteError || typeof code !== "string" || !/^E[A-Z]+$/.test(code)) return err;
  return new JournalWriteError(`cannot write ${path}: ${systemCause(err as Error, code)}`, code, path);
}

/** "no space left on device (ENOSPC)" from Node's "ENOSPC: no space left on device, write". */
export function systemCause(err: Error, code: string): string {
  const m = /^[A-Z]+: ([^,]+)/.exec(err.message);
  return `${m === null ? err.message : m[1]} (${code})`;
}
