import { MAX_LINE_BYTES } from "./line-reader.js";

/**
 * Pull-based lines of a stream, for reading several files in lockstep (a LOBSTER message file with
 * its orderbook file, a flow with both). Memory: one chunk plus one line. LF or CRLF; a line longer
 * than MAX_LINE_BYTES is an error (these are machine-written files).
 */
export class LineCursor {
  /** Lines returned so far: the number of the last line. */
  lineNo = 0;
  /** Bytes consumed from the source so far. */
  bytesRead = 0;
  private readonly chunks: AsyncIterator<unknown>;
  private buf: Buffer = Buffer.alloc(0);
  private pos = 0;
  private done = false;

  constructor(source: AsyncIterable<unknown>) {
    this.chunks = source[Symbol.asyncIterator]();
  }

  /** The next line without its terminator, or null at the end. */
  async next(): Promise<string | null> {
    for (;;) {
      const nl = this.buf.indexOf(10, this.pos);
      if (nl !== -1) {
        const end = nl > this.pos && this.buf[nl - 1] === 13 ? nl - 1 : nl;
        const text = this.buf.toString("utf8", this.pos, end);
        this.pos = nl + 1;
        this.lineNo++;
        return text;
      }
      if (this.done) {
        if (this.pos >= this.buf.length) return null;
        const end = this.buf[this.buf.length - 1] === 13 ? this.buf.length - 1 : this.buf.length;
        const text = this.buf.toString("utf8", this.pos, end);
        this.pos = this.buf.length;
        this.lineNo++;
        return text;
      }
      if (this.buf.length - this.pos > MAX_LINE_BYTES) {
        throw new Error(`line ${this.lineNo + 1} is longer than ${MAX_LINE_BYTES} bytes`);
      }
      const r = await this.chunks.next();
      if (r.done === true) {
        this.done = true;
        continue;
      }
      const chunk = typeof r.value === "string" ? Buffer.from(r.value) : (r.value as Buffer);
      this.bytesRead += chunk.length;
      this.buf = this.pos >= this.buf.length ? chunk : Buffer.concat([this.buf.subarray(this.pos), chunk]);
      this.pos = 0;
    }
  }

  /** Stops reading (closes the source). */
  async close(): Promise<void> {
    await this.chunks.return?.();
  }
}
