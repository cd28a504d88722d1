import type { Readable } from "node:stream";

/** Longer lines are reported, not buffered: a file without newlines must not exhaust memory. */
export const MAX_LINE_BYTES = 1 << 20;

export interface LineVisitor {
  /**
   * One line, buf[start, end) without its terminator; return false to stop reading. The bytes are
   * valid only during the call (decode with `buf.toString("utf8", start, end)` to keep them).
   */
  line(buf: Buffer, start: number, end: number, lineNo: number): boolean;
  /** A line longer than MAX_LINE_BYTES, skipped; return false to stop reading. */
  tooLong(lineNo: number): boolean;
  /** Called after each chunk with the bytes read so far (progress, backpressure). */
  chunk?(bytesRead: number): Promise<void> | void;
}

/**
 * Streams `source` line by line (LF or CRLF), numbering lines from 1, in memory bounded by the
 * chunk size plus one line. Returns the number of lines seen.
 */
export async function forEachLine(source: Readable, visitor: LineVisitor): Promise<number> {
  let lineNo = 0;
  let bytesRead = 0;
  let carry: Buffer | null = null;
  let skipping = false; // inside an over-long line, until its newline
  for await (const piece of source) {
    let chunk: Buffer = typeof piece === "string" ? Buffer.from(piece) : (piece as Buffer);
    bytesRead += chunk.length;
    // A UTF-8 byte-order mark (editors on Windows write one) is not part of the first line.
    if (bytesRead === chunk.length && chunk[0] === 0xef && chunk[1] === 0xbb && chunk[2] === 0xbf) {
      chunk = chunk.subarray(3);
    }
    const buf: Buffer = carry === null ? chunk : Buffer.concat([carry, chunk]);
    carry = null;
    let start = 0;
    for (let nl = buf.indexOf(10, start); nl !== -1; nl = buf.indexOf(10, start)) {
      lineNo++;
      if (skipping) {
        skipping = false;
      } else {
        const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
        // Checked here too: a long line whose end arrives in the same chunk must not depend on chunking.
        if (end - start > MAX_LINE_BYTES) {
          if (!visitor.tooLong(lineNo)) return lineNo;
        } else if (!visitor.line(buf, start, end, lineNo)) return lineNo;
      }
      start = nl + 1;
    }
    if (start < buf.length) {
      if (skipping) {
        // still inside the long line: drop the bytes
      } else if (buf.length - start > MAX_LINE_BYTES + 1) {
        // (+1: the last byte may be the CR of a CRLF whose LF is in the next chunk)
        skipping = true;
        if (!visitor.tooLong(lineNo + 1)) return lineNo + 1;
      } else {
        carry = buf.subarray(start);
      }
    }
    if (visitor.chunk !== undefined) await visitor.chunk(bytesRead);
  }
  if (carry !== null && carry.length > 0) {
    lineNo++;
    const end = carry[carry.length - 1] === 13 ? carry.length - 1 : carry.length;
    if (end > MAX_LINE_BYTES) visitor.tooLong(lineNo);
    else visitor.line(carry, 0, end, lineNo);
  } else if (skipping) {
    lineNo++;
  }
  return lineNo;
}
