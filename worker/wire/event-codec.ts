/**
 * Events on the wire. The layout (one fixed record an event type, strings interned, header bits
 * for names and flags) is generated from the event table: event-codec.generated.ts. The receiver
 * decodes into one reused EngineEvent, so listeners on the far side see the event an in-process
 * listener sees, and `eventToJson` gives the same bytes. This file holds what is not the layout:
 * closing a command with its last event, and the "as sent" state of the command being executed.
 */
import type { EngineEvent } from "../../protocol/events.js";
import type { SentFields } from "./command-codec.js";
import { COMMAND_DONE, EventRecordWriter, writeEvent } from "./event-codec.generated.js";
import type { InternWriter } from "./intern.js";
import type { SlotSink } from "./records.js";

export { decodeEvent, eventSlots } from "./event-codec.generated.js";

/** Whether the event record headed `h` is the last of its command. */
export function endsCommand(h: number): boolean {
  return (h & COMMAND_DONE) !== 0;
}

/** Writes `e` as its record, every field included (recovery replays, tests). */
export function encodeEvent(sink: SlotSink, intern: InternWriter, e: EngineEvent): void {
  writeEvent(sink, intern, e, null);
}

/**
 * The engine's events written to the wire as they are published (the engine's EventSink: one
 * function an event type). Knows the command being executed, so an event that repeats its fields
 * travels "as sent", and marks the command's last event COMMAND_DONE when the reader cannot have
 * seen it yet.
 */
export class WireEventWriter extends EventRecordWriter {
  /** Called with each rejection's reason (replay --strict stops at the first malformed line). */
  onRejected: ((reason: string) => void) | null = null;

  /**
   * A record starts executing (`sent`: a client command's fields, live; null: none, or recovery):
   * its events are the next ones.
   */
  startCommand(sent: SentFields | null): void {
    this.sent = sent;
    this.lastAt = -1;
  }

  /**
   * Marks the command's last event COMMAND_DONE, when there is one the reader cannot have seen
   * yet (no flush since it was written). False: the caller writes a KIND_DONE record instead.
   */
  endCommand(): boolean {
    this.sent = null;
    const at = this.lastAt;
    if (at < 0 || this.sink.flushes !== this.lastFlushes) return false;
    const f = this.sink.f64;
    f[at] = (f[at] as number) + COMMAND_DONE;
    this.lastAt = -1;
    return true;
  }

  override rejected(e: EngineEvent): void {
    super.rejected(e);
    if (this.onRejected !== null) this.onRejected(e.reason);
  }
}
