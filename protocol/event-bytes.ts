/**
 * JSONL lines written straight into a byte buffer: eventToJson's bytes with no JS string between
 * the event and the file (building those strings was most of a replay with --events). The line's
 * keys are pre-packed constants and its values go through JsonBytesWriter (event-bytes.generated.ts,
 * from the event table). What this does not write exactly as eventToJson would (numbers that are
 * not safe integers, long strings, names outside the protocol's lists) it refuses, and the caller
 * writes eventToJson(e) instead.
 */

import { JsonBytesWriter } from "../io/json-bytes.js";
import { writeEventBytes } from "./event-bytes.generated.js";
import type { EngineEvent } from "./events.js";

export { MAX_STRING_CHARS } from "../io/json-bytes.js";
export { MAX_EVENT_BYTES } from "./event-bytes.generated.js";

/**
 * One instance per output; `encode` writes a line's JSON (no newline) at `pos` and returns where it
 * ends, or -1 to ask for eventToJson's string instead.
 */
export class EventBytesEncoder extends JsonBytesWriter {
  /** The buffer last written and a view of it (made once a buffer: buffers live for a MiB). */
  private target: Uint8Array = new Uint8Array(0);
  private view = new DataView(this.target.buffer);

  /** The caller leaves MAX_EVENT_BYTES of room at `pos`: nothing here checks the buffer's end. */
  encode(e: EngineEvent, buf: Uint8Array, pos: number): number {
    if (buf !== this.target) {
      this.target = buf;
      this.view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
    }
    this.refused = false;
    const end = writeEventBytes(this, this.view, pos, e);
    return this.refused ? -1 : end;
  }
}
