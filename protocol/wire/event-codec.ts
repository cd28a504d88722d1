/**
 * Events on the wire: one fixed record per event type, strings interned. The receiver decodes
 * into one reused EngineEvent, so listeners on the far side see exactly what an in-process
 * listener sees, and `eventToJson` gives the same bytes.
 *
 *   slot 0  kind | type << 4 | command << 7 | side << 11 | tif << 12 | flags << 14
 *   accepted   seq, ts, id, symbol, price, qty, account, amount
 *   rejected   seq, ts, id, reason, line
 *   fill       seq, ts, symbol, price, qty, makerId, takerId, makerAccount, takerAccount, makerRemaining, takerRemaining
 *   cancelled  seq, ts, id, symbol, remaining, reason
 *   modified   seq, ts, id, symbol, price, qty, prevPrice, prevQty, reason
 *   accepted, as sent   seq, ts: the accepted event of the command being executed whose fields
 *              (id, symbol, price, qty, account, amount) are that command's own; the receiver,
 *              which sent the command, fills them from its copy (an AcceptedSource)
 *
 * An event type without a layout here (a later layer's) travels as its fields in JSON
 * (TEXT_EVENT): slower, never wrong.
 */
import { COMMAND_TYPES, type CommandType, type OrderId } from "../commands.js";
import type { EngineEvent, EventType } from "../events.js";
import { decodeId, encodeId, type SentFields } from "./command-codec.js";
import type { InternReader, InternWriter } from "./intern.js";
import { KIND_EVENT, KIND_TEXT, readText, type SlotSink, TEXT_EVENT, writeText } from "./records.js";

const ACCEPTED = 0;
const REJECTED = 1;
const FILL = 2;
const CANCELLED = 3;
const MODIFIED = 4;
const ACCEPTED_AS_SENT = 5;
const TYPES: readonly EventType[] = ["accepted", "rejected", "fill", "cancelled", "modified", "accepted"];
export const ACCEPTED_AS_SENT_SLOTS = 3;

/** The receiver's copy of the command being completed: fills an "accepted, as sent" event. */
export interface AcceptedSource {
  fillAccepted(e: EngineEvent): void;
}

/** Whether `e` (accepted) carries exactly the fields of `cmd`, so "accepted, as sent" says it all. */
export function acceptedAsSent(e: EngineEvent, cmd: SentFields): boolean {
  return (
    e.id === cmd.id &&
    e.symbol === cmd.symbol &&
    e.price === cmd.price &&
    e.qty === cmd.qty &&
    e.account === cmd.account &&
    e.amount === cmd.amount
  );
}

/** Writes an accepted event whose fields are those of the command being executed (acceptedAsSent). */
export function encodeAcceptedAsSent(sink: SlotSink, e: EngineEvent): void {
  const at = sink.reserve(ACCEPTED_AS_SENT_SLOTS);
  const f = sink.f64;
  f[at] = header(e, ACCEPTED_AS_SENT);
  f[at + 1] = e.seq;
  f[at + 2] = e.ts;
}
const TIFS = ["GTC", "IOC", "FOK", ""];

const POST_ONLY = 1 << 14;
const REDUCE_ONLY = 1 << 15;
const LIQUIDATION = 1 << 16;
const PRIORITY_KEPT = 1 << 17;

/** The command type's wire code (index + 1; 0: none). A switch: string keys compare as pointers. */
function commandCode(command: CommandType | null): number {
  switch (command) {
    case null:
      return 0;
    case "limit":
      return 1;
    case "market":
      return 2;
    case "cancel":
      return 3;
    case "modify":
      return 4;
    default:
      return COMMAND_TYPES.indexOf(command) + 1;
  }
}

function tifCode(tif: string): number {
  switch (tif) {
    case "GTC":
      return 0;
    case "IOC":
      return 1;
    case "FOK":
      return 2;
    default:
      return 3;
  }
}

function header(e: EngineEvent, type: number): number {
  let h =
    KIND_EVENT |
    (type << 4) |
    (commandCode(e.command) << 7) |
    ((e.side === "sell" ? 1 : 0) << 11) |
    (tifCode(e.tif) << 12);
  if (e.postOnly) h |= POST_ONLY;
  if (e.reduceOnly) h |= REDUCE_ONLY;
  if (e.liquidation) h |= LIQUIDATION;
  if (e.priorityKept) h |= PRIORITY_KEPT;
  return h;
}

export function encodeEvent(sink: SlotSink, intern: InternWriter, e: EngineEvent): void {
  intern.room(sink);
  switch (e.type) {
    case "accepted": {
      const id = encodeId(sink, intern, e.id);
      const symbol = intern.code(sink, e.symbol);
      const account = intern.codeOrNull(sink, e.account);
      const at = sink.reserve(9);
      const f = sink.f64;
      f[at] = header(e, ACCEPTED);
      f[at + 1] = e.seq;
      f[at + 2] = e.ts;
      f[at + 3] = id;
      f[at + 4] = symbol;
      f[at + 5] = e.price;
      f[at + 6] = e.qty;
      f[at + 7] = account;
      f[at + 8] = e.amount;
      return;
    }
    case "rejected": {
      const id = encodeId(sink, intern, e.id);
      const reason = intern.code(sink, e.reason);
      const at = sink.reserve(6);
      const f = sink.f64;
      f[at] = header(e, REJECTED);
      f[at + 1] = e.seq;
      f[at + 2] = e.ts;
      f[at + 3] = id;
      f[at + 4] = reason;
      f[at + 5] = e.line;
      return;
    }
    case "fill": {
      const symbol = intern.code(sink, e.symbol);
      const makerId = encodeId(sink, intern, e.makerId);
      const takerId = encodeId(sink, intern, e.takerId);
      const makerAccount = intern.codeOrNull(sink, e.makerAccount);
      const takerAccount = intern.codeOrNull(sink, e.takerAccount);
      const at = sink.reserve(12);
      const f = sink.f64;
      f[at] = header(e, FILL);
      f[at + 1] = e.seq;
      f[at + 2] = e.ts;
      f[at + 3] = symbol;
      f[at + 4] = e.price;
      f[at + 5] = e.qty;
      f[at + 6] = makerId;
      f[at + 7] = takerId;
      f[at + 8] = makerAccount;
      f[at + 9] = takerAccount;
      f[at + 10] = e.makerRemaining;
      f[at + 11] = e.takerRemaining;
      return;
    }
    case "cancelled": {
      const id = encodeId(sink, intern, e.id);
      const symbol = intern.code(sink, e.symbol);
      const reason = intern.code(sink, e.reason);
      const at = sink.reserve(7);
      const f = sink.f64;
      f[at] = header(e, CANCELLED);
      f[at + 1] = e.seq;
      f[at + 2] = e.ts;
      f[at + 3] = id;
      f[at + 4] = symbol;
      f[at + 5] = e.remaining;
      f[at + 6] = reason;
      return;
    }
    case "modified": {
      const id = encodeId(sink, intern, e.id);
      const symbol = intern.code(sink, e.symbol);
      const reason = intern.code(sink, e.reason);
      const at = sink.reserve(10);
      const f = sink.f64;
      f[at] = header(e, MODIFIED);
      f[at + 1] = e.seq;
      f[at + 2] = e.ts;
      f[at + 3] = id;
      f[at + 4] = symbol;
      f[at + 5] = e.price;
      f[at + 6] = e.qty;
      f[at + 7] = e.prevPrice;
      f[at + 8] = e.prevQty;
      f[at + 9] = reason;
      return;
    }
    default:
      writeText(sink, KIND_TEXT | (TEXT_EVENT << 4), JSON.stringify(e));
  }
}

/** Slots of the KIND_EVENT record whose header is `h`. */
export function eventSlots(h: number): number {
  switch ((h >>> 4) & 7) {
    case ACCEPTED:
      return 9;
    case REJECTED:
      return 6;
    case FILL:
      return 12;
    case CANCELLED:
      return 7;
    case ACCEPTED_AS_SENT:
      return ACCEPTED_AS_SENT_SLOTS;
    default:
      return 10;
  }
}

/**
 * Fills `e` from the KIND_EVENT record at `at`; returns the record's slot count. `sent` supplies
 * the fields of an "accepted, as sent" record (the receiver's copy of the current command).
 */
export function decodeEvent(
  f64: Float64Array,
  at: number,
  intern: InternReader,
  e: EngineEvent,
  sent: AcceptedSource | null = null,
): number {
  const h = f64[at] as number;
  const type = (h >>> 4) & 7;
  e.type = TYPES[type] as EventType;
  const command = (h >>> 7) & 15;
  e.command = command === 0 ? null : (COMMAND_TYPES[command - 1] as CommandType);
  e.side = (h >>> 11) & 1 ? "sell" : "buy";
  e.tif = TIFS[(h >>> 12) & 3] as string;
  e.postOnly = (h & POST_ONLY) !== 0;
  e.reduceOnly = (h & REDUCE_ONLY) !== 0;
  e.liquidation = (h & LIQUIDATION) !== 0;
  e.priorityKept = (h & PRIORITY_KEPT) !== 0;
  e.seq = f64[at + 1] as number;
  e.ts = f64[at + 2] as number;
  switch (type) {
    case ACCEPTED:
      e.id = decodeId(intern, f64[at + 3] as number);
      e.symbol = intern.get(f64[at + 4] as number);
      e.price = f64[at + 5] as number;
      e.qty = f64[at + 6] as number;
      e.account = intern.getOrNull(f64[at + 7] as number);
      e.amount = f64[at + 8] as number;
      return 9;
    case REJECTED:
      e.id = decodeId(intern, f64[at + 3] as number);
      e.reason = intern.get(f64[at + 4] as number);
      e.line = f64[at + 5] as number;
      return 6;
    case FILL:
      e.symbol = intern.get(f64[at + 3] as number);
      e.price = f64[at + 4] as number;
      e.qty = f64[at + 5] as number;
      e.makerId = decodeId(intern, f64[at + 6] as number) as OrderId;
      e.takerId = decodeId(intern, f64[at + 7] as number) as OrderId;
      e.makerAccount = intern.getOrNull(f64[at + 8] as number);
      e.takerAccount = intern.getOrNull(f64[at + 9] as number);
      e.makerRemaining = f64[at + 10] as number;
      e.takerRemaining = f64[at + 11] as number;
      return 12;
    case CANCELLED:
      e.id = decodeId(intern, f64[at + 3] as number);
      e.symbol = intern.get(f64[at + 4] as number);
      e.remaining = f64[at + 5] as number;
      e.reason = intern.get(f64[at + 6] as number);
      return 7;
    case ACCEPTED_AS_SENT:
      if (sent === null) throw new Error("wire: an accepted-as-sent event without the sent commands");
      sent.fillAccepted(e);
      return ACCEPTED_AS_SENT_SLOTS;
    default:
      e.id = decodeId(intern, f64[at + 3] as number);
      e.symbol = intern.get(f64[at + 4] as number);
      e.price = f64[at + 5] as number;
      e.qty = f64[at + 6] as number;
      e.prevPrice = f64[at + 7] as number;
      e.prevQty = f64[at + 8] as number;
      e.reason = intern.get(f64[at + 9] as number);
      return 10;
  }
}

/** Fills `e` from a TEXT_EVENT record (an event type without a binary layout). */
export function decodeTextEvent(f64: Float64Array, u16: Uint16Array, at: number, e: EngineEvent): void {
  Object.assign(e, JSON.parse(readText(f64, u16, at)));
}
