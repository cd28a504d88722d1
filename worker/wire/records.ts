/**
 * The wire's record layout. A record is a run of 8-byte slots (Float64: every integer of the
 * contract is safe, so it travels exactly); slot 0 packs the record kind in its low 4 bits and
 * small fields above them. Text (interned strings, instrument specs, replies) is UTF-16 code units
 * packed four to a slot behind a length slot. Rings, the journal and the postMessage fallback all
 * carry the same records.
 */

/** Record kinds (slot 0, bits 0–3). 0 is never written, so zeroed memory reads as corrupt. */
export const KIND_WRAP = 1; // ring only: the rest of the ring is padding, continue at slot 0
export const KIND_INTERN = 2; // a string joins the sender's table: [hdr | index << 4, length, chars…]
export const KIND_INTERN_RESET = 3; // both tables start over (the table reached its cap)
export const KIND_TEXT = 4; // [hdr | sub << 4, length, chars…]
export const KIND_COMMAND = 5; // a command record (command-codec.ts)
export const KIND_REJECT_LINE = 6; // a source line that is not a command (command-codec.ts)
export const KIND_CONTROL = 7; // [hdr | op << 4, arg]
export const KIND_EVENT = 8; // an engine event (event-codec.ts)
export const KIND_DONE = 9; // [hdr | skipped << 4, journal index]: the end of one command's events
/** A DONE record's header bit: the command was skipped (after --strict stopped), not applied. */
export const DONE_SKIPPED = 1 << 4;
// (most commands instead end with COMMAND_DONE set in their last event's header: event-codec.ts)
export const KIND_READY = 10; // [hdr, journal length]: the worker is ready (after recovery)

/** KIND_TEXT subtypes. */
export const TEXT_SPEC = 1; // the InstrumentSpec (JSON) of the next instrument command
export const TEXT_REPLY = 2; // a control reply (JSON)
// 3 was TEXT_EVENT (an event as JSON): every event has a binary layout, so it was never written.
export const TEXT_REPLY_PART = 4; // a piece of a reply too long for one record; TEXT_REPLY ends it

/** KIND_CONTROL operations. */
export const CONTROL_QUERY = 1; // reply with the state summary (TEXT_REPLY)
export const CONTROL_CLOSE = 2; // finish: flush the journal, exit the loop
// 3 was a test hook (fail on purpose): tests now run a worker entry of their own that fails.
export const CONTROL_SNAPSHOT = 4; // write a persistent snapshot now (with a journal)

export const CONTROL_SLOTS = 2;
export const DONE_SLOTS = 2;
export const READY_SLOTS = 2;
export const WRAP_SLOTS = 1;

/** Slots a text record of `length` UTF-16 units takes. */
export function textSlots(length: number): number {
  return 2 + ((length + 3) >>> 2);
}

/** Where a reserved run of slots lives; `reserve` may move `f64`/`u16` (a growing buffer). */
export interface SlotSink {
  f64: Float64Array;
  u16: Uint16Array;
  /** Reserves `n` contiguous slots and returns the index of the first. */
  reserve(n: number): number;
}

/**
 * An event sink that counts its flushes (a ring's publishes, a message's posts): a slot written
 * since the last flush cannot have been seen by the reader yet, so it may still be changed.
 */
export interface EventSlotSink extends SlotSink {
  readonly flushes: number;
}

/**
 * Writes `text` as one or more text records of at most `maxSlots` slots: every piece but the last
 * headed `partHeader`, the last `lastHeader`. A reply as large as a wide book's summary would not
 * fit a ring in one record; in pieces, the ring's flow control carries it.
 */
export function writeTextInPieces(
  sink: SlotSink,
  partHeader: number,
  lastHeader: number,
  text: string,
  maxSlots: number,
): void {
  const chars = Math.max(4, (maxSlots - 2) * 4);
  let from = 0;
  for (; text.length - from > chars; from += chars) writeText(sink, partHeader, text.slice(from, from + chars));
  writeText(sink, lastHeader, from === 0 ? text : text.slice(from));
}

/** Writes `text` as a text-shaped record (KIND_INTERN or KIND_TEXT) with `header`. */
export function writeText(sink: SlotSink, header: number, text: string): void {
  const n = text.length;
  const at = sink.reserve(textSlots(n));
  sink.f64[at] = header;
  sink.f64[at + 1] = n;
  const u16 = sink.u16;
  const base = (at + 2) * 4;
  for (let i = 0; i < n; i++) u16[base + i] = text.charCodeAt(i);
}

/** Reads the text of a text-shaped record at slot `at`. */
export function readText(f64: Float64Array, u16: Uint16Array, at: number): string {
  const n = f64[at + 1] as number;
  const base = (at + 2) * 4;
  // Short strings (ids, accounts, symbols) are built char by char; long ones in one call.
  if (n <= 32) {
    let s = "";
    for (let i = 0; i < n; i++) s += String.fromCharCode(u16[base + i] as number);
    return s;
  }
  const parts: string[] = [];
  for (let i = 0; i < n; i += 4096) {
    parts.push(String.fromCharCode.apply(null, Array.from(u16.subarray(base + i, base + Math.min(n, i + 4096)))));
  }
  return parts.join("");
}
