/**
 * Just enough of ZIP to stream one entry out of an archive without extracting it: the central
 * directory locates the entries, and an entry's bytes go through node:zlib's raw inflate as a
 * stream (memory: one chunk). Stored and deflated entries; no ZIP64, encryption or multi-disk.
 */
import { createReadStream } from "node:fs";
import { open } from "node:fs/promises";
import { Readable } from "node:stream";
import { createInflateRaw } from "node:zlib";

export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflated. */
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
}

const END_OF_CENTRAL_DIRECTORY = 0x06054b50;
const CENTRAL_FILE_HEADER = 0x02014b50;
const LOCAL_FILE_HEADER = 0x04034b50;
const MAX_COMMENT = 0xffff;
const EOCD_SIZE = 22;

export class ZipError extends Error {}

/** The entries of the archive at `path`, from its central directory. */
export async function listZip(path: string): Promise<ZipEntry[]> {
  const file = await open(path, "r");
  try {
    const { size } = await file.stat();
    const tailSize = Math.min(size, EOCD_SIZE + MAX_COMMENT);
    const tail = Buffer.alloc(tailSize);
    await file.read(tail, 0, tailSize, size - tailSize);
    let eocd = -1;
    for (let i = tailSize - EOCD_SIZE; i >= 0; i--) {
      if (tail.readUInt32LE(i) === END_OF_CENTRAL_DIRECTORY) {
        eocd = i;
        break;
      }
    }
    if (eocd === -1) throw new ZipError(`${path} is not a zip archive`);
    const count = tail.readUInt16LE(eocd + 10);
    const directorySize = tail.readUInt32LE(eocd + 12);
    const directoryOffset = tail.readUInt32LE(eocd + 16);
    if (count === 0xffff || directoryOffset === 0xffffffff) throw new ZipError(`${path}: ZIP64 is not supported`);
    if (directoryOffset + directorySize > size) throw new ZipError(`${path}: truncated central directory`);
    const dir = Buffer.alloc(directorySize);
    await file.read(dir, 0, directorySize, directoryOffset);
    const entries: ZipEntry[] = [];
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > dir.length || dir.readUInt32LE(p) !== CENTRAL_FILE_HEADER) {
        throw new ZipError(`${path}: bad central directory entry ${i + 1}`);
      }
      const flags = dir.readUInt16LE(p + 8);
      const nameLength = dir.readUInt16LE(p + 28);
      const extraLength = dir.readUInt16LE(p + 30);
      const commentLength = dir.readUInt16LE(p + 32);
      const entry: ZipEntry = {
        name: dir.toString("utf8", p + 46, p + 46 + nameLength),
        method: dir.readUInt16LE(p + 10),
        compressedSize: dir.readUInt32LE(p + 20),
        size: dir.readUInt32LE(p + 24),
        localHeaderOffset: dir.readUInt32LE(p + 42),
      };
      if ((flags & 1) !== 0) throw new ZipError(`${path}: ${entry.name} is encrypted`);
      entries.push(entry);
      p += 46 + nameLength + extraLength + commentLength;
    }
    return entries;
  } finally {
    await file.close();
  }
}

/** A stream of one entry's uncompressed bytes. */
export async function openZipEntry(path: string, entry: ZipEntry): Promise<Readable> {
  if (entry.method !== 0 && entry.method !== 8) {
    throw new ZipError(`${path}: ${entry.name} uses compression method ${entry.method}`);
  }
  const header = Buffer.alloc(30);
  const file = await open(path, "r");
  try {
    await file.read(header, 0, 30, entry.localHeaderOffset);
  } finally {
    await file.close();
  }
  if (header.readUInt32LE(0) !== LOCAL_FILE_HEADER) throw new ZipError(`${path}: bad local header for ${entry.name}`);
  const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  if (entry.compressedSize === 0) return Readable.from([]);
  const raw = createReadStream(path, { start, end: start + entry.compressedSize - 1, highWaterMark: 1 << 16 });
  if (entry.method === 0) return raw;
  const inflate = createInflateRaw({ chunkSize: 1 << 16 });
  raw.on("error", (err) => inflate.destroy(err));
  return raw.pipe(inflate);
}
