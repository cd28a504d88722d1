import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";
import { EventBytesEncoder, MAX_EVENT_BYTES } from "../protocol/event-bytes.js";
import { type EngineEvent, eventToJson } from "../protocol/events.js";

/**
 * Node's Buffer encoder without Buffer#write's argument juggling (measured: that wrapper was 14% of
 * a replay with --events); present on every Buffer since Node 0.x, though not in the typings.
 */
interface Utf8Writable {
  utf8Write(text: string, offset: number): number;
}

/** Bytes gathered before a write; lines are encoded straight into it. */
const CAPACITY = 1 << 20;

/**
 * A file written in large pieces: each line is UTF-8 encoded straight into a 1 MiB buffer (no
 * array of strings to join: that join cost a quarter of a replay with --events), an event's line
 * with no string at all (EventBytesEncoder), and the buffer goes out whole, with `drain` awaited
 * so a slow disk holds the producer back instead of growing the heap. A burst larger than the
 * buffer (one command's many events) spills into full pieces that the next flush writes in order.
 */
export class BufferedOutput {
  private readonly stream: WriteStream;
  private buf = Buffer.allocUnsafe(CAPACITY);
  private pos = 0;
  private spilled: Buffer[] = [];
  private failure: Error | null = null;
  private readonly encoder = new EventBytesEncoder();

  constructor(path: string) {
    this.stream = createWriteStream(path);
    this.stream.on("error", (err) => {
      this.failure = err;
    });
  }

  writeLine(line: string): void {
    // A UTF-16 unit never takes more than 3 bytes of UTF-8.
    const worst = line.length * 3 + 1;
    if (this.pos + worst > this.buf.length) this.spill(worst);
    this.pos += (this.buf as unknown as Utf8Writable).utf8Write(line, this.pos);
    this.buf[this.pos++] = 10;
  }

  /** An event's JSONL line, encoded straight into the buffer (eventToJson's bytes, no string). */
  writeEvent(e: EngineEvent): void {
    if (this.pos + MAX_EVENT_BYTES + 1 > this.buf.length) this.spill(MAX_EVENT_BYTES + 1);
    const end = this.encoder.encode(e, this.buf, this.pos);
    // Refused (a rare shape): what it wrote past pos is overwritten by the string's bytes.
    if (end < 0) {
      this.writeLine(eventToJson(e));
      return;
    }
    this.buf[end] = 10;
    this.pos = end + 1;
  }

  private spill(worst: number): void {
    if (this.pos > 0) this.spilled.push(this.buf.subarray(0, this.pos));
    this.buf = Buffer.allocUnsafe(Math.max(CAPACITY, worst));
    this.pos = 0;
  }

  /** Writes what is buffered when it is large; call between input chunks. */
  async maybeFlush(): Promise<void> {
    if (this.spilled.length > 0 || this.pos >= CAPACITY >> 1) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.failure !== null) throw this.failure;
    if (this.pos > 0) this.spill(0);
    const pieces = this.spilled;
    this.spilled = [];
    for (const piece of pieces) {
      if (!this.stream.write(piece)) await once(this.stream, "drain");
    }
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, "finish");
    if (this.failure !== null) throw this.failure;
  }
}
