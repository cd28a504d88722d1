// Generated from protocol/event-schema.ts by tools/event-codegen (the wire layout): do not edit.
// Change the schema and run `npm run generate:events`.
import type { CommandRecord, CommandType, OrderId, Side } from "../../protocol/commands.js";
import type { EngineEvent, EventSink } from "../../protocol/events.generated.js";
import { decodeId, encodeId, type SentFields, type SentSource } from "./command-codec.js";
import type { InternReader, InternWriter } from "./intern.js";
import { type EventSlotSink, KIND_EVENT, type SlotSink } from "./records.js";

/**
 * Events on the wire: one fixed record an event type, strings interned.
 *
 *   slot 0: kind (bits 0–3) | type << 4 (5 bits) | COMMAND_DONE (bit 9) | AS_SENT (bit 10) | fields:
 *   0 accepted (bits: command 11–14, side 15, tif 16–17, postOnly 18, reduceOnly 19)
 *       seq, ts, id, symbol, price, qty, account, amount
 *       as sent: seq, ts (id, symbol, price, qty, account, amount are the command's)
 *   1 rejected (bits: command 11–14)
 *       seq, ts, id, reason, line
 *   2 fill (bits: side 11, liquidation 12)
 *       seq, ts, symbol, price, qty, makerId, takerId, makerAccount, takerAccount, makerRemaining, takerRemaining
 *       as sent: seq, ts, price, qty, makerId, makerAccount, makerRemaining, takerRemaining (symbol, takerId, takerAccount are the command's)
 *   3 cancelled
 *       seq, ts, id, symbol, remaining, reason
 *       as sent: seq, ts, remaining, reason (id, symbol are the command's)
 *   4 modified (bits: priorityKept 11)
 *       seq, ts, id, symbol, price, qty, prevPrice, prevQty, reason
 *   5 liquidation_stage
 *       seq, ts, account, stage, healthPpm, equity, maintenanceMargin
 *   6 liquidation_order (bits: side 11)
 *       seq, ts, account, symbol, id, price, qty
 *   7 liquidation_reduced
 *       seq, ts, account, symbol, qty, notional, penalty, position
 *   8 liquidation_insurance
 *       seq, ts, account, badDebt, amount, insuranceFund
 *   9 liquidation_adl (bits: side 11)
 *       seq, ts, account, counterparty, symbol, price, qty
 *   10 liquidation_backstop (bits: side 11)
 *       seq, ts, account, counterparty, symbol, price, qty
 *
 * "As sent": the event repeats fields of the client's command being executed, which the receiver
 * holds (a SentSource) and fills in.
 */
export const COMMAND_DONE = 1 << 9;
export const AS_SENT = 1 << 10;

const ACCEPTED = 0;
const REJECTED = 1;
const FILL = 2;
const CANCELLED = 3;
const MODIFIED = 4;
const LIQUIDATION_STAGE = 5;
const LIQUIDATION_ORDER = 6;
const LIQUIDATION_REDUCED = 7;
const LIQUIDATION_INSURANCE = 8;
const LIQUIDATION_ADL = 9;
const LIQUIDATION_BACKSTOP = 10;

const ACCEPTED_SLOTS = 9;
const ACCEPTED_AS_SENT_SLOTS = 3;
const REJECTED_SLOTS = 6;
const FILL_SLOTS = 12;
const FILL_AS_SENT_SLOTS = 9;
const CANCELLED_SLOTS = 7;
const CANCELLED_AS_SENT_SLOTS = 5;
const MODIFIED_SLOTS = 10;
const LIQUIDATION_STAGE_SLOTS = 8;
const LIQUIDATION_ORDER_SLOTS = 8;
const LIQUIDATION_REDUCED_SLOTS = 9;
const LIQUIDATION_INSURANCE_SLOTS = 7;
const LIQUIDATION_ADL_SLOTS = 8;
const LIQUIDATION_BACKSTOP_SLOTS = 8;

const SIDE_BY_CODE: readonly Side[] = ["buy", "sell"];

const TIF_BY_CODE: readonly string[] = ["", "GTC", "IOC", "FOK"];

function tifCode(name: string): number {
  switch (name) {
    case "GTC":
      return 1;
    case "IOC":
      return 2;
    case "FOK":
      return 3;
    default:
      return 0;
  }
}

const COMMAND_BY_CODE: readonly (CommandType | null)[] = [
  null,
  "limit",
  "market",
  "cancel",
  "modify",
  "instrument",
  "deposit",
  "withdraw",
  "oracle",
  "tick",
  "backstop",
];

function commandCode(name: CommandType | null): number {
  switch (name) {
    case "limit":
      return 1;
    case "market":
      return 2;
    case "cancel":
      return 3;
    case "modify":
      return 4;
    case "instrument":
      return 5;
    case "deposit":
      return 6;
    case "withdraw":
      return 7;
    case "oracle":
      return 8;
    case "tick":
      return 9;
    case "backstop":
      return 10;
    default:
      return 0;
  }
}

function sentOf(sent: SentSource | null): SentSource {
  if (sent === null) throw new Error("wire: an event as sent without the sent commands");
  return sent;
}

/** Writes a accepted event as its record and returns the record's first slot. */
export function writeAcceptedEvent(
  sink: SlotSink,
  intern: InternWriter,
  e: EngineEvent,
  sent: SentFields | null,
): number {
  const h =
    KIND_EVENT |
    (ACCEPTED << 4) |
    (commandCode(e.command) << 11) |
    (e.side === "sell" ? 1 << 15 : 0) |
    (tifCode(e.tif) << 16) |
    (e.postOnly ? 1 << 18 : 0) |
    (e.reduceOnly ? 1 << 19 : 0);
  if (
    sent !== null &&
    e.id === sent.id &&
    e.symbol === sent.symbol &&
    e.price === sent.price &&
    e.qty === sent.qty &&
    e.account === sent.account &&
    e.amount === sent.amount
  ) {
    const at = sink.reserve(ACCEPTED_AS_SENT_SLOTS);
    const f = sink.f64;
    f[at] = h | AS_SENT;
    f[at + 1] = e.seq;
    f[at + 2] = e.ts;
    return at;
  }
  intern.room(sink);
  const id = encodeId(sink, intern, e.id);
  const symbol = intern.symbolCode(sink, e.symbol);
  const account = intern.codeOrNull(sink, e.account);
  const at = sink.reserve(ACCEPTED_SLOTS);
  const f = sink.f64;
  f[at] = h;
  f[at + 1] = e.seq;
  f[at + 2] = e.ts;
  f[at + 3] = id;
  f[at + 4] = symbol;
  f[at + 5] = e.price;
  f[at + 6] = e.qty;
  f[at + 7] = account;
  f[at + 8] = e.amount;
  return at;
}

/** Writes a accepted event (its seq and ts in `e`) from its command, as writeXEvent from the record. */
export function writeAcceptedEventFromCommand(
  sink: SlotSink,
  intern: InternWriter,
  e: EngineEvent,
  cmd: CommandRecord,
  sent: SentFields | null,
): number {
  const cmdId = cmd.hasId ? cmd.id : null;
  const h =
    KIND_EVENT |
    (ACCEPTED << 4) |
    (commandCode(cmd.type) << 11) |
    (cmd.side << 15) |
    ((cmd.tif + 1) << 16) |
    (cmd.postOnly ? 1 << 18 : 0) |
    (cmd.reduceOnly ? 1 << 19 : 0);
  if (
    sent !== null &&
    cmdId === sent.id &&
    cmd.symbol === sent.symbol &&
    cmd.price === sent.price &&
    cmd.qty === sent.qty &&
    cmd.account === sent.account &&
    cmd.amount === sent.amount
  ) {
    const at = sink.reserve(ACCEPTED_AS_SENT_SLOTS);
    const f = sink.f64;
    f[at] = h | AS_SENT;
    f[at + 1] = e.seq;
    f[at + 2] = e.ts;
    return at;
  }
  intern.room(sink);
  const id = encodeId(sink, intern, cmdId);
  const symbol = intern.symbolCode(sink, cmd.symbol);
  const account = intern.codeOrNull(sink, cmd.account);
  const at = sink.reserve(ACCEPTED_SLOTS);
  const f = sink.f64;
  f[at] = h;
  f[at + 1] = e.seq;
  f[at + 2] = e.ts;
  f[at + 3] = id;
  f[at + 4] = symbol;
  f[at + 5] = cmd.price;
  f[at + 6] = cmd.qty;
  f[at + 7] = account;
  f[at + 8] = cmd.amount;
  return at;
}

/** Writes a rejected event as its record and returns the record's first slot. */
export function writeRejectedEvent(
  sink: SlotSink,
  intern: InternWriter,
  e: EngineEvent,
  _sent: SentFields | null,
): number {
  intern.room(sink);
  const id = encodeId(sink, intern, e.id);
  const reason = intern.code(sink, e.reason);
  const at = sink.reserve(REJECTED_SLOTS);
  const f = sink.f64;
  f[at] = KIND_EVENT | (REJECTED << 4) | (commandCode(e.command) << 11);
  f[at + 1] = e.seq;
  f[at + 2] = e.ts;
  f[at + 3] = id;
  f[at + 4] = reason;
  f[at + 5] = e.line;
  return at;
}

/** Writes a fill event as its record and returns the record's first slot. */
export function writeFillEvent(sink: SlotSink, intern: InternWriter, e: EngineEvent, sent: SentFields | null): number {
  const h = KIND_EVENT | (FILL << 4) | (e.side === "sell" ? 1 << 11 : 0) | (e.liquidation ? 1 << 12 : 0);
  if (sent !== null && e.symbol === sent.symbol && e.takerId === sent.id && e.takerAccount === sent.account) {
    intern.room(sink);
    const makerId = encodeId(sink, intern, e.makerId);
    const makerAccount = intern.codeOrNull(sink, e.makerAccount);
    const at = sink.reserve(FILL_AS_SENT_SLOTS);
    const f = sink.f64;
    f[at] = h | AS_SENT;
    f[at + 1] = e.seq;
    f[at + 2] = e.ts;
    f[at + 3] = e.price;
    f[at + 4] = e.qty;
    f[at + 5] = makerId;
    f[at + 6] = makerAccount;
    f[at + 7] = e.makerRemaining;
    f[at + 8] = e.takerRemaining;
    return at;
  }
  intern.room(sink);
  const symbol = intern.symbolCode(sink, e.symbol);
  const makerId = encodeId(sink, intern, e.makerId);
  const takerId = encodeId(sink, intern, e.takerId);
  const makerAccount = intern.codeOrNull(sink, e.makerAccount);
  const takerAccount = intern.codeOrNull(sink, e.takerAccount);
  const at = sink.reserve(FILL_SLOTS);
  const f = sink.f64;
  f[at] = h;
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
  return at;
}

/** Writes a cancelled event as its record and returns the record's first slot. */
export function writeCancelledEvent(
  sink: SlotSink,
  intern: InternWriter,
  e: EngineEvent,
  sent: SentFields | null,
): number {
  const h = KIND_EVENT | (CANCELLED << 4);
  if (sent !== null && e.id === sent.id && e.symbol === sent.symbol) {
    intern.room(sink);
    const reason = intern.code(sink, e.reason);
    const at = sink.reserve(CANCELLED_AS_SENT_SLOTS);
    const f = sink.f64;
    f[at] = h | AS_SENT;
    f[at + 1] = e.seq;
    f[at + 2] = e.ts;
    f[at + 3] = e.remaining;
    f[at + 4] = reason;
    return at;
  }
  intern.room(sink);
  const id = encodeId(sink, intern, e.id);
  const symbol = intern.symbolCode(sink, e.symbol);
  const reason = intern.code(sink, e.reason);
  const at = sink.reserve(CANCELLED_SLOTS);
  const f = sink.f64;
  f[at] = h;
  f[at + 1] = e.seq;
  f[at + 2] = e.ts;
  f[at + 3] = id;
  f[at + 4] = symbol;
  f[at + 5] = e.remaining;
  f[at + 6] = reason;
  return at;
}

/** Writes a modified event as its record and returns the record's first slot. */
export function writeModifiedEvent(
  sink: SlotSink,
  intern: InternWriter,
  e: EngineEvent,
  _sent: SentFields | null,
): number {
  intern.room(sink);
  const id = encodeId(sink, intern, e.id);
  const symbol = intern.symbolCode(sink, e.symbol);
  const reason = intern.code(sink, e.reason);
  const at = sink.reserve(MODIFIED_SLOTS);
  const f = sink.f64;
  f[at] = KIND_EVENT | (MODIFIED << 4) | (e.priorityKept ? 1 << 11 : 0);
  f[at + 1] = e.seq;
  f[at + 2] = e.ts;
  f[at + 3] = id;
  f[at + 4] = symbol;
  f[at + 5] = e.price;
  f[at + 6] = e.qty;
  f[at + 7] = e.prevPrice;
  f[at + 8] = e.prevQty;
  f[at + 9] = reason;
  return at;
}

/** Writes a liquidation_stage event as its record and returns the record's first slot. */
export function writeLiquidationStageEvent(
  sink: SlotSink,
  intern: InternWriter,
  e: EngineEvent,
  _sent: SentFields | null,
): number {
  intern.room(sink);
  const account = intern.codeOrNull(sink, e.account);
  const stage = intern.code(sink, e.stage);
  const at = sink.reserve(LIQUIDATION_STAGE_SLOTS);
  const f = sink.f64;
  f[at] = KIND_EVENT | (LIQUIDATION_STAGE << 4);
  f[at + 1] = e.seq;
  f[at + 2] = e.ts;
  f[at + 3] = account;
  f[at + 4] = stage;
  f[at + 5] = e.healthPpm;
  f[at + 6] = e.equity;
  f[at + 7] = e.maintenanceMargin;
  return at;
}

/** Writes a liquidation_order event as its record and returns the record's first slot. */
export function writeLiquidationOrderEvent(
  sink: SlotSink,
  intern: InternWriter,
  e: EngineEvent,
  _sent: SentFields | null,
): number {
  intern.room(sink);
  const account = intern.codeOrNull(sink, e.account);
  const symbol = intern.symbolCode(sink, e.symbol);
  const id = encodeId(sink, intern, e.id);
  const at = sink.reserve(LIQUIDATION_ORDER_SLOTS);
  const f = sink.f64;
  f[at] = KIND_EVENT | (LIQUIDATION_ORDER << 4) | (e.side === "sell" ? 1 << 11 : 0);
  f[at + 1] = e.seq;
  f[at + 2] = e.ts;
  f[at + 3] = account;
  f[at + 4] = symbol;
  f[at + 5] = id;
  f[at + 6] = e.price;
  f[at + 7] = e.qty;
  return at;
}

/** Writes a liquidation_reduced event as its record and returns the record's first slot. */
export function writeLiquidationReducedEvent(
  sink: SlotSink,
  intern: InternWriter,
  e: EngineEvent,
  _sent: SentFields | null,
): number {
  intern.room(sink);
  const account = intern.codeOrNull(sink, e.account);
  const symbol = intern.symbolCode(sink, e.symbol);
  const at = sink.reserve(LIQUIDATION_REDUCED_SLOTS);
  const f = sink.f64;
  f[at] = KIND_EVENT | (LIQUIDATION_REDUCED << 4);
  f[at + 1] = e.seq;
  f[at + 2] = e.ts;
  f[at + 3] = account;
  f[at + 4] = symbol;
  f[at + 5] = e.qty;
  f[at + 6] = e.notional;
  f[at + 7] = e.penalty;
  f[at + 8] = e.position;
  return at;
}

/** Writes a liquidation_insurance event as its record and returns the record's first slot. */
export function writeLiquidationInsuranceEvent(
  sink: SlotSink,
  intern: InternWriter,
  e: EngineEvent,
  _sent: SentFields | null,
): number {
  intern.room(sink);
  const account = intern.codeOrNull(sink, e.account);
  const at = sink.reserve(LIQUIDATION_INSURANCE_SLOTS);
  const f = sink.f64;
  f[at] = KIND_EVENT | (LIQUIDATION_INSURANCE << 4);
  f[at + 1] = e.seq;
  f[at + 2] = e.ts;
  f[at + 3] = account;
  f[at + 4] = e.badDebt;
  f[at + 5] = e.amount;
  f[at + 6] = e.insuranceFund;
  return at;
}

/** Writes a liquidation_adl event as its record and returns the record's first slot. */
export function writeLiquidationAdlEvent(
  sink: SlotSink,
  intern: InternWriter,
  e: EngineEvent,
  _sent: SentFields | null,
): number {
  intern.room(sink);
  const account = intern.codeOrNull(sink, e.account);
  const counterparty = intern.code(sink, e.counterparty);
  const symbol = intern.symbolCode(sink, e.symbol);
  const at = sink.reserve(LIQUIDATION_ADL_SLOTS);
  const f = sink.f64;
  f[at] = KIND_EVENT | (LIQUIDATION_ADL << 4) | (e.side === "sell" ? 1 << 11 : 0);
  f[at + 1] = e.seq;
  f[at + 2] = e.ts;
  f[at + 3] = account;
  f[at + 4] = counterparty;
  f[at + 5] = symbol;
  f[at + 6] = e.price;
  f[at + 7] = e.qty;
  return at;
}

/** Writes a liquidation_backstop event as its record and returns the record's first slot. */
export function writeLiquidationBackstopEvent(
  sink: SlotSink,
  intern: InternWriter,
  e: EngineEvent,
  _sent: SentFields | null,
): number {
  intern.room(sink);
  const account = intern.codeOrNull(sink, e.account);
  const counterparty = intern.code(sink, e.counterparty);
  const symbol = intern.symbolCode(sink, e.symbol);
  const at = sink.reserve(LIQUIDATION_BACKSTOP_SLOTS);
  const f = sink.f64;
  f[at] = KIND_EVENT | (LIQUIDATION_BACKSTOP << 4) | (e.side === "sell" ? 1 << 11 : 0);
  f[at + 1] = e.seq;
  f[at + 2] = e.ts;
  f[at + 3] = account;
  f[at + 4] = counterparty;
  f[at + 5] = symbol;
  f[at + 6] = e.price;
  f[at + 7] = e.qty;
  return at;
}

/**
 * Writes each event type with its own function, remembering the last record written (its first
 * slot, and the sink's flushes then) and leaving out what repeats `sent`, the fields of the client's
 * command being executed (null: none).
 */
export class EventRecordWriter implements EventSink {
  protected sent: SentFields | null = null;
  protected lastAt = -1;
  protected lastFlushes = 0;

  constructor(
    protected readonly sink: EventSlotSink,
    protected readonly intern: InternWriter,
  ) {}

  accepted(e: EngineEvent, cmd: CommandRecord | null): void {
    this.lastAt =
      cmd === null
        ? writeAcceptedEvent(this.sink, this.intern, e, this.sent)
        : writeAcceptedEventFromCommand(this.sink, this.intern, e, cmd, this.sent);
    this.lastFlushes = this.sink.flushes;
  }

  rejected(e: EngineEvent): void {
    this.lastAt = writeRejectedEvent(this.sink, this.intern, e, this.sent);
    this.lastFlushes = this.sink.flushes;
  }

  fill(e: EngineEvent): void {
    this.lastAt = writeFillEvent(this.sink, this.intern, e, this.sent);
    this.lastFlushes = this.sink.flushes;
  }

  cancelled(e: EngineEvent): void {
    this.lastAt = writeCancelledEvent(this.sink, this.intern, e, this.sent);
    this.lastFlushes = this.sink.flushes;
  }

  modified(e: EngineEvent): void {
    this.lastAt = writeModifiedEvent(this.sink, this.intern, e, this.sent);
    this.lastFlushes = this.sink.flushes;
  }

  liquidationStage(e: EngineEvent): void {
    this.lastAt = writeLiquidationStageEvent(this.sink, this.intern, e, this.sent);
    this.lastFlushes = this.sink.flushes;
  }

  liquidationOrder(e: EngineEvent): void {
    this.lastAt = writeLiquidationOrderEvent(this.sink, this.intern, e, this.sent);
    this.lastFlushes = this.sink.flushes;
  }

  liquidationReduced(e: EngineEvent): void {
    this.lastAt = writeLiquidationReducedEvent(this.sink, this.intern, e, this.sent);
    this.lastFlushes = this.sink.flushes;
  }

  liquidationInsurance(e: EngineEvent): void {
    this.lastAt = writeLiquidationInsuranceEvent(this.sink, this.intern, e, this.sent);
    this.lastFlushes = this.sink.flushes;
  }

  liquidationAdl(e: EngineEvent): void {
    this.lastAt = writeLiquidationAdlEvent(this.sink, this.intern, e, this.sent);
    this.lastFlushes = this.sink.flushes;
  }

  liquidationBackstop(e: EngineEvent): void {
    this.lastAt = writeLiquidationBackstopEvent(this.sink, this.intern, e, this.sent);
    this.lastFlushes = this.sink.flushes;
  }
}

/**
 * Writes `e` as its record and returns the record's first slot. `sent`: the fields of the client's
 * command being executed (null: none); an event that repeats them travels "as sent", without them.
 */
export function writeEvent(sink: SlotSink, intern: InternWriter, e: EngineEvent, sent: SentFields | null): number {
  switch (e.type) {
    case "accepted":
      return writeAcceptedEvent(sink, intern, e, sent);
    case "rejected":
      return writeRejectedEvent(sink, intern, e, sent);
    case "fill":
      return writeFillEvent(sink, intern, e, sent);
    case "cancelled":
      return writeCancelledEvent(sink, intern, e, sent);
    case "modified":
      return writeModifiedEvent(sink, intern, e, sent);
    case "liquidation_stage":
      return writeLiquidationStageEvent(sink, intern, e, sent);
    case "liquidation_order":
      return writeLiquidationOrderEvent(sink, intern, e, sent);
    case "liquidation_reduced":
      return writeLiquidationReducedEvent(sink, intern, e, sent);
    case "liquidation_insurance":
      return writeLiquidationInsuranceEvent(sink, intern, e, sent);
    case "liquidation_adl":
      return writeLiquidationAdlEvent(sink, intern, e, sent);
    case "liquidation_backstop":
      return writeLiquidationBackstopEvent(sink, intern, e, sent);
  }
}

/** Slots of the event record headed `h`. */
export function eventSlots(h: number): number {
  switch ((h >>> 4) & 31) {
    case ACCEPTED:
      return (h & AS_SENT) !== 0 ? ACCEPTED_AS_SENT_SLOTS : ACCEPTED_SLOTS;
    case REJECTED:
      return REJECTED_SLOTS;
    case FILL:
      return (h & AS_SENT) !== 0 ? FILL_AS_SENT_SLOTS : FILL_SLOTS;
    case CANCELLED:
      return (h & AS_SENT) !== 0 ? CANCELLED_AS_SENT_SLOTS : CANCELLED_SLOTS;
    case MODIFIED:
      return MODIFIED_SLOTS;
    case LIQUIDATION_STAGE:
      return LIQUIDATION_STAGE_SLOTS;
    case LIQUIDATION_ORDER:
      return LIQUIDATION_ORDER_SLOTS;
    case LIQUIDATION_REDUCED:
      return LIQUIDATION_REDUCED_SLOTS;
    case LIQUIDATION_INSURANCE:
      return LIQUIDATION_INSURANCE_SLOTS;
    case LIQUIDATION_ADL:
      return LIQUIDATION_ADL_SLOTS;
    case LIQUIDATION_BACKSTOP:
      return LIQUIDATION_BACKSTOP_SLOTS;
    default:
      throw new Error(`wire: corrupt event header ${h}`);
  }
}

/**
 * Fills `e` from the event record at `at`; returns the record's slot count. `sent` supplies the
 * fields an "as sent" record leaves out (the receiver's copy of the current command).
 */
export function decodeEvent(
  f64: Float64Array,
  at: number,
  intern: InternReader,
  e: EngineEvent,
  sent: SentSource | null = null,
): number {
  const h = f64[at] as number;
  e.seq = f64[at + 1] as number;
  e.ts = f64[at + 2] as number;
  switch ((h >>> 4) & 31) {
    case ACCEPTED:
      e.type = "accepted";
      e.command = COMMAND_BY_CODE[(h >>> 11) & 15] as CommandType | null;
      e.side = SIDE_BY_CODE[(h >>> 15) & 1] as Side;
      e.tif = TIF_BY_CODE[(h >>> 16) & 3] as string;
      e.postOnly = (h & (1 << 18)) !== 0;
      e.reduceOnly = (h & (1 << 19)) !== 0;
      if ((h & AS_SENT) !== 0) {
        const s = sentOf(sent);
        e.id = s.sentId();
        e.symbol = s.sentSymbol();
        e.price = s.sentPrice();
        e.qty = s.sentQty();
        e.account = s.sentAccount();
        e.amount = s.sentAmount();
        return ACCEPTED_AS_SENT_SLOTS;
      }
      e.id = decodeId(intern, f64[at + 3] as number);
      e.symbol = intern.get(f64[at + 4] as number);
      e.price = f64[at + 5] as number;
      e.qty = f64[at + 6] as number;
      e.account = intern.getOrNull(f64[at + 7] as number);
      e.amount = f64[at + 8] as number;
      return ACCEPTED_SLOTS;
    case REJECTED:
      e.type = "rejected";
      e.command = COMMAND_BY_CODE[(h >>> 11) & 15] as CommandType | null;
      e.id = decodeId(intern, f64[at + 3] as number);
      e.reason = intern.get(f64[at + 4] as number) as EngineEvent["reason"];
      e.line = f64[at + 5] as number;
      return REJECTED_SLOTS;
    case FILL:
      e.type = "fill";
      e.side = SIDE_BY_CODE[(h >>> 11) & 1] as Side;
      e.liquidation = (h & (1 << 12)) !== 0;
      if ((h & AS_SENT) !== 0) {
        const s = sentOf(sent);
        e.symbol = s.sentSymbol();
        e.takerId = s.sentId() as OrderId;
        e.takerAccount = s.sentAccount();
        e.price = f64[at + 3] as number;
        e.qty = f64[at + 4] as number;
        e.makerId = decodeId(intern, f64[at + 5] as number) as OrderId;
        e.makerAccount = intern.getOrNull(f64[at + 6] as number);
        e.makerRemaining = f64[at + 7] as number;
        e.takerRemaining = f64[at + 8] as number;
        return FILL_AS_SENT_SLOTS;
      }
      e.symbol = intern.get(f64[at + 3] as number);
      e.price = f64[at + 4] as number;
      e.qty = f64[at + 5] as number;
      e.makerId = decodeId(intern, f64[at + 6] as number) as OrderId;
      e.takerId = decodeId(intern, f64[at + 7] as number) as OrderId;
      e.makerAccount = intern.getOrNull(f64[at + 8] as number);
      e.takerAccount = intern.getOrNull(f64[at + 9] as number);
      e.makerRemaining = f64[at + 10] as number;
      e.takerRemaining = f64[at + 11] as number;
      return FILL_SLOTS;
    case CANCELLED:
      e.type = "cancelled";
      if ((h & AS_SENT) !== 0) {
        const s = sentOf(sent);
        e.id = s.sentId();
        e.symbol = s.sentSymbol();
        e.remaining = f64[at + 3] as number;
        e.reason = intern.get(f64[at + 4] as number) as EngineEvent["reason"];
        return CANCELLED_AS_SENT_SLOTS;
      }
      e.id = decodeId(intern, f64[at + 3] as number);
      e.symbol = intern.get(f64[at + 4] as number);
      e.remaining = f64[at + 5] as number;
      e.reason = intern.get(f64[at + 6] as number) as EngineEvent["reason"];
      return CANCELLED_SLOTS;
    case MODIFIED:
      e.type = "modified";
      e.priorityKept = (h & (1 << 11)) !== 0;
      e.id = decodeId(intern, f64[at + 3] as number);
      e.symbol = intern.get(f64[at + 4] as number);
      e.price = f64[at + 5] as number;
      e.qty = f64[at + 6] as number;
      e.prevPrice = f64[at + 7] as number;
      e.prevQty = f64[at + 8] as number;
      e.reason = intern.get(f64[at + 9] as number) as EngineEvent["reason"];
      return MODIFIED_SLOTS;
    case LIQUIDATION_STAGE:
      e.type = "liquidation_stage";
      e.account = intern.getOrNull(f64[at + 3] as number);
      e.stage = intern.get(f64[at + 4] as number) as EngineEvent["stage"];
      e.healthPpm = f64[at + 5] as number;
      e.equity = f64[at + 6] as number;
      e.maintenanceMargin = f64[at + 7] as number;
      return LIQUIDATION_STAGE_SLOTS;
    case LIQUIDATION_ORDER:
      e.type = "liquidation_order";
      e.side = SIDE_BY_CODE[(h >>> 11) & 1] as Side;
      e.account = intern.getOrNull(f64[at + 3] as number);
      e.symbol = intern.get(f64[at + 4] as number);
      e.id = decodeId(intern, f64[at + 5] as number);
      e.price = f64[at + 6] as number;
      e.qty = f64[at + 7] as number;
      return LIQUIDATION_ORDER_SLOTS;
    case LIQUIDATION_REDUCED:
      e.type = "liquidation_reduced";
      e.account = intern.getOrNull(f64[at + 3] as number);
      e.symbol = intern.get(f64[at + 4] as number);
      e.qty = f64[at + 5] as number;
      e.notional = f64[at + 6] as number;
      e.penalty = f64[at + 7] as number;
      e.position = f64[at + 8] as number;
      return LIQUIDATION_REDUCED_SLOTS;
    case LIQUIDATION_INSURANCE:
      e.type = "liquidation_insurance";
      e.account = intern.getOrNull(f64[at + 3] as number);
      e.badDebt = f64[at + 4] as number;
      e.amount = f64[at + 5] as number;
      e.insuranceFund = f64[at + 6] as number;
      return LIQUIDATION_INSURANCE_SLOTS;
    case LIQUIDATION_ADL:
      e.type = "liquidation_adl";
      e.side = SIDE_BY_CODE[(h >>> 11) & 1] as Side;
      e.account = intern.getOrNull(f64[at + 3] as number);
      e.counterparty = intern.get(f64[at + 4] as number);
      e.symbol = intern.get(f64[at + 5] as number);
      e.price = f64[at + 6] as number;
      e.qty = f64[at + 7] as number;
      return LIQUIDATION_ADL_SLOTS;
    case LIQUIDATION_BACKSTOP:
      e.type = "liquidation_backstop";
      e.side = SIDE_BY_CODE[(h >>> 11) & 1] as Side;
      e.account = intern.getOrNull(f64[at + 3] as number);
      e.counterparty = intern.get(f64[at + 4] as number);
      e.symbol = intern.get(f64[at + 5] as number);
      e.price = f64[at + 6] as number;
      e.qty = f64[at + 7] as number;
      return LIQUIDATION_BACKSTOP_SLOTS;
    default:
      throw new Error(`wire: corrupt event header ${h}`);
  }
}
