/**
 * The JSONL bytes of one message's events, the lines `softliq replay --events` writes (the same
 * encoder, eventToJson's bytes for a shape it refuses), gathered into one growing buffer that is
 * reused from message to message.
 */
import { EventBytesEncoder, MAX_EVENT_BYTES } from "../protocol/event-bytes.js";
import { type EngineEvent, eventToJson } from "../protocol/events.js";

export class EventBytesBuffer {
  private buf = Buffer.allocUnsafe(1 << 16);
  private pos = 0;
  private readonly encoder = new EventBytesEncoder();
  /** The engine's listener: bound once, not a closure per event. */
  readonly write = (e: EngineEvent): void => {
    this.room(MAX_EVENT_BYTES + 1);
    const end = this.encoder.encode(e, this.buf, this.pos);
    if (end < 0) {
      const line = Buffer.from(eventToJson(e), "utf8");
      this.room(line.length + 1);
      line.copy(this.buf, this.pos);
      this.pos += line.length;
    } else {
      this.pos = end;
    }
    this.buf[this.pos++] = 10;
  };

  get length(): number {
    return this.pos;
  }

  private room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  /** A copy of the bytes gathered since the last take (published while the buffer is reused). */
  take(): Buffer {
    const out = Buffer.from(this.buf.subarray(0, this.pos));
    this.pos = 0;
    return out;
  }
}
