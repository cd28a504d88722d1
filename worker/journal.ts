/**
 * The append-only command journal. A journal directory holds segments `journal-<first index>.log`;
 * a new segment starts whenever a worker starts and after each persistent snapshot, so old ones
 * can be dropped once a newer snapshot covers them.
 *
 * A segment is a run of frames, one per batch the worker took from the ring:
 *   [payload bytes u32][crc32 of payload u32][first command index][command count][records…]
 * The records are the wire's command records copied verbatim (intern records included; a segment
 * begins with the sender's whole intern table, so it reads on its own). A frame is written, and
 * fsynced per policy, before any event of its commands is released; a frame whose length or CRC
 * does not check out is a torn write and ends the segment.
 */
import { closeSync, fsyncSync, ftruncateSync, openSync, readdirSync, readFileSync, writeSync } from "node:fs";
import { join } from "node:path";
import { crc32 } from "../protocol/wire/crc32.js";
import type { InternReader } from "../protocol/wire/intern.js";
import { copySlots, SlotBuffer } from "../protocol/wire/slot-buffer.js";

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
  private readonly frame = new SlotBuffer(1 << 14);
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
    this.fd = this.openSegment(firstIndex, intern);
  }

  private openSegment(first: number, intern: InternReader | null): number {
    const fd = openSync(join(this.dir, segmentName(first)), "w");
    this.fd = fd;
    if (intern !== null) {
      this.begin();
      intern.dump(this.frame);
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
    this.commands = 0;
    this.records = 0;
  }

  /** Appends one record copied from `i32` (a ring or a message) at slot `at`. */
  append(i32: Int32Array, at: number, slots: number, isCommand: boolean): void {
    const to = this.frame.reserve(slots);
    copySlots(i32, at, this.frame.i32, to, slots);
    this.records++;
    if (isCommand) this.commands++;
  }

  /** Writes the frame (and fsyncs it when the policy says so). Returns the commands it held. */
  commit(): number {
    if (this.records === 0) return 0;
    const f = this.frame;
    f.f64[1] = this.index;
    f.f64[2] = this.commands;
    const bytes = f.bytes();
    f.i32[0] = bytes.length - 8;
    f.i32[1] = crc32(bytes, 8) | 0;
    writeAll(this.fd, bytes);
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
  rotate(intern: InternReader): void {
    this.sync();
    closeSync(this.fd);
    this.fd = this.openSegment(this.index, intern);
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
  let pos = 0;
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
