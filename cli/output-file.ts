import { once } from "node:events";
import { createWriteStream, type WriteStream } from "node:fs";

/**
 * A file written in large pieces: lines collect in memory and go out once the buffer is big,
 * with `drain` awaited so a slow disk holds the producer back instead of growing the heap.
 */
export class BufferedOutput {
  private readonly stream: WriteStream;
  private parts: string[] = [];
  private size = 0;
  private failure: Error | null = null;

  constructor(path: string) {
    this.stream = createWriteStream(path);
    this.stream.on("error", (err) => {
      this.failure = err;
    });
  }

  writeLine(line: string): void {
    this.parts.push(line, "\n");
    this.size += line.length + 1;
  }

  /** Writes what is buffered when it is large; call between input chunks. */
  async maybeFlush(): Promise<void> {
    if (this.size >= 1 << 20) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.failure !== null) throw this.failure;
    if (this.size === 0) return;
    const text = this.parts.join("");
    this.parts = [];
    this.size = 0;
    if (!this.stream.write(text)) await once(this.stream, "drain");
  }

  async close(): Promise<void> {
    await this.flush();
    this.stream.end();
    await once(this.stream, "finish");
    if (this.failure !== null) throw this.failure;
  }
}
