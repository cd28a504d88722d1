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
 *   liquidation_stage   seq, ts, account, stage, healthPpm, equity, maintenanceMargin
 *   liquidator (type 7; which event in the command bits, unused by these events):
 *     liquidation_order      seq, ts, account, symbol, id, price, qty (side in the side bit)
 *     liquidation_reduced    seq, ts, account, symbol, qty, notional, penalty, position
 *     liquidation_insurance  seq, ts, account, badDebt, amount, insuranceFund
 *     liquidation_adl        seq, ts, account, counterparty, symbol, price, qty (side in the side bit)
 *     liquidation_backstop   as liquidation_adl, the backstop in the counterparty slot
 *   accepted, as sent   seq, ts: the accepted event of the command being executed whose fields
 *              (id, symbol, price, qty, account, amount) are that command's own; the receiver,
 *              which sent the command, fills them from its copy (a SentSource)
 *   fill, AS_SENT flag  seq, ts, price, qty, makerId, makerAccount, makerRemaining, takerRemaining:
 *              the taker is the command being executed (its id, account and symbol)
 *   cancelled, AS_SENT flag   seq, ts, remaining, reason: the command's own order (id, symbol)
 *
 * An event type without a layout here (a later layer's) travels as its fields in JSON
 * (TEXT_EVENT): slower, never wrong.
 */
import { COMMAND_TYPES, type CommandRecord, type CommandType, type OrderId, type SideCode } from "../commands.js";
import type { EngineEvent, EventFieldSink, EventType } from "../events.js";
import { decodeId, encodeId, type SentFields } from "./command-codec.js";
import type { InternReader, InternWriter } from "./intern.js";
import {
  type EventSlotSink,
  KIND_EVENT,
  KIND_TEXT,
  readText,
  type SlotSink,
  TEXT_EVENT,
  writeText,
} from "./records.js";

const ACCEPTED = 0;
const REJECTED = 1;
const FILL = 2;
const CANCELLED = 3;
const MODIFIED = 4;
const ACCEPTED_AS_SENT = 5;
const LIQUIDATION_STAGE = 6;
const LIQUIDATOR = 7;
const TYPES: readonly EventType[] = [
  "accepted",
  "rejected",
  "fill",
  "cancelled",
  "modified",
  "accepted",
  "liquidation_stage",
  "liquidation_order",
];
/** Type 7's events, by the code in the command bits. */
const LIQUIDATOR_TYPES: readonly (EventType | null)[] = [
  null,
  "liquidation_order",
  "liquidation_reduced",
  "liquidation_insurance",
  "liquidation_adl",
  "liquidation_backstop",
];
const LIQUIDATOR_SLOTS = [0, 8, 9, 7, 8, 8];
const LIQUIDATION_STAGE_SLOTS = 8;
export const ACCEPTED_AS_SENT_SLOTS = 3;

/** The receiver's copy of the command being completed: fills the fields "as sent" records omit. */
export interface SentSource {
  /** id, symbol, price, qty, account, amount. */
  fillAccepted(e: EngineEvent): void;
  /** A fill's takerId, takerAccount and symbol. */
  fillTaker(e: EngineEvent): void;
  /** A cancellation's id and symbol. */
  fillCancelled(e: EngineEvent): void;
}

const FILL_AS_SENT_SLOTS = 9;
const CANCELLED_AS_SENT_SLOTS = 5;

const TIFS = ["GTC", "IOC", "FOK", ""];

const POST_ONLY = 1 << 14;
const REDUCE_ONLY = 1 << 15;
const LIQUIDATION = 1 << 16;
const PRIORITY_KEPT = 1 << 17;
/**
 * Set on the last event of a command: it closes the command as a KIND_DONE record would, without
 * a record of its own (a DONE record is still written when there is no unseen event to mark).
 */
const COMMAND_DONE = 1 << 18;
/** On a fill or a cancellation: the fields that repeat the command being executed are left out. */
const AS_SENT = 1 << 19;

/** Whether the event record headed `h` is the last of its command. */
export function endsCommand(h: number): boolean {
  return (h & COMMAND_DONE) !== 0;
}

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
  switch (e.type) {
    case "accepted":
      writeAccepted(
        sink,
        intern,
        header(e, ACCEPTED),
        e.seq,
        e.ts,
        e.id,
        e.symbol,
        e.price,
        e.qty,
        e.account,
        e.amount,
      );
      return;
    case "rejected":
      writeRejected(sink, intern, header(e, REJECTED), e.seq, e.ts, e.id, e.reason, e.line);
      return;
    case "fill":
      writeFill(
        sink,
        intern,
        header(e, FILL),
        e.seq,
        e.ts,
        e.symbol,
        e.price,
        e.qty,
        e.makerId,
        e.takerId,
        e.makerAccount,
        e.takerAccount,
        e.makerRemaining,
        e.takerRemaining,
      );
      return;
    case "cancelled":
      writeCancelled(sink, intern, header(e, CANCELLED), e.seq, e.ts, e.id, e.symbol, e.remaining, e.reason);
      return;
    case "modified":
      writeModified(
        sink,
        intern,
        header(e, MODIFIED),
        e.seq,
        e.ts,
        e.id,
        e.symbol,
        e.price,
        e.qty,
        e.prevPrice,
        e.prevQty,
        e.reason,
      );
      return;
    case "liquidation_stage": {
      intern.room(sink);
      const account = intern.codeOrNull(sink, e.account);
      const stage = intern.code(sink, e.stage);
      const at = sink.reserve(LIQUIDATION_STAGE_SLOTS);
      const f = sink.f64;
      f[at] = header(e, LIQUIDATION_STAGE);
      f[at + 1] = e.seq;
      f[at + 2] = e.ts;
      f[at + 3] = account;
      f[at + 4] = stage;
      f[at + 5] = e.healthPpm;
      f[at + 6] = e.equity;
      f[at + 7] = e.maintenanceMargin;
      return;
    }
    case "liquidation_order":
    case "liquidation_reduced":
    case "liquidation_insurance":
    case "liquidation_adl":
    case "liquidation_backstop":
      writeLiquidatorEvent(sink, intern, e);
      return;
    default:
      writeText(sink, KIND_TEXT | (TEXT_EVENT << 4), JSON.stringify(e));
  }
}

function writeLiquidatorEvent(sink: SlotSink, intern: InternWriter, e: EngineEvent): void {
  const sub = LIQUIDATOR_TYPES.indexOf(e.type);
  intern.room(sink);
  const account = intern.codeOrNull(sink, e.account);
  const counterparty = sub >= 4 ? intern.code(sink, e.counterparty) : 0;
  const symbol = sub === 3 ? 0 : intern.symbolCode(sink, e.symbol);
  const id = sub === 1 ? encodeId(sink, intern, e.id) : 0;
  const at = sink.reserve(LIQUIDATOR_SLOTS[sub] as number);
  const f = sink.f64;
  f[at] = KIND_EVENT | (LIQUIDATOR << 4) | (sub << 7) | ((e.side === "sell" ? 1 : 0) << 11);
  f[at + 1] = e.seq;
  f[at + 2] = e.ts;
  f[at + 3] = account;
  if (sub === 1) {
    f[at + 4] = symbol;
    f[at + 5] = id;
    f[at + 6] = e.price;
    f[at + 7] = e.qty;
  } else if (sub === 2) {
    f[at + 4] = symbol;
    f[at + 5] = e.qty;
    f[at + 6] = e.notional;
    f[at + 7] = e.penalty;
    f[at + 8] = e.position;
  } else if (sub === 3) {
    f[at + 4] = e.badDebt;
    f[at + 5] = e.amount;
    f[at + 6] = e.insuranceFund;
  } else {
    f[at + 4] = counterparty;
    f[at + 5] = symbol;
    f[at + 6] = e.price;
    f[at + 7] = e.qty;
  }
}

function decodeLiquidatorEvent(
  f64: Float64Array,
  at: number,
  intern: InternReader,
  e: EngineEvent,
  sub: number,
): number {
  e.type = LIQUIDATOR_TYPES[sub] as EventType;
  e.command = null;
  e.account = intern.getOrNull(f64[at + 3] as number);
  if (sub === 1) {
    e.symbol = intern.get(f64[at + 4] as number);
    e.id = decodeId(intern, f64[at + 5] as number);
    e.price = f64[at + 6] as number;
    e.qty = f64[at + 7] as number;
  } else if (sub === 2) {
    e.symbol = intern.get(f64[at + 4] as number);
    e.qty = f64[at + 5] as number;
    e.notional = f64[at + 6] as number;
    e.penalty = f64[at + 7] as number;
    e.position = f64[at + 8] as number;
  } else if (sub === 3) {
    e.badDebt = f64[at + 4] as number;
    e.amount = f64[at + 5] as number;
    e.insuranceFund = f64[at + 6] as number;
  } else {
    e.counterparty = intern.get(f64[at + 4] as number);
    e.symbol = intern.get(f64[at + 5] as number);
    e.price = f64[at + 6] as number;
    e.qty = f64[at + 7] as number;
  }
  return LIQUIDATOR_SLOTS[sub] as number;
}

function writeAccepted(
  sink: SlotSink,
  intern: InternWriter,
  h: number,
  seq: number,
  ts: number,
  id: OrderId | null,
  symbol: string,
  price: number,
  qty: number,
  account: string | null,
  amount: number,
): number {
  intern.room(sink);
  const idCode = encodeId(sink, intern, id);
  const symbolCode = intern.symbolCode(sink, symbol);
  const accountCode = intern.codeOrNull(sink, account);
  const at = sink.reserve(9);
  const f = sink.f64;
  f[at] = h;
  f[at + 1] = seq;
  f[at + 2] = ts;
  f[at + 3] = idCode;
  f[at + 4] = symbolCode;
  f[at + 5] = price;
  f[at + 6] = qty;
  f[at + 7] = accountCode;
  f[at + 8] = amount;
  return at;
}

function writeRejected(
  sink: SlotSink,
  intern: InternWriter,
  h: number,
  seq: number,
  ts: number,
  id: OrderId | null,
  reason: string,
  line: number,
): number {
  intern.room(sink);
  const idCode = encodeId(sink, intern, id);
  const reasonCode = intern.code(sink, reason);
  const at = sink.reserve(6);
  const f = sink.f64;
  f[at] = h;
  f[at + 1] = seq;
  f[at + 2] = ts;
  f[at + 3] = idCode;
  f[at + 4] = reasonCode;
  f[at + 5] = line;
  return at;
}

function writeFill(
  sink: SlotSink,
  intern: InternWriter,
  h: number,
  seq: number,
  ts: number,
  symbol: string,
  price: number,
  qty: number,
  makerId: OrderId,
  takerId: OrderId,
  makerAccount: string | null,
  takerAccount: string | null,
  makerRemaining: number,
  takerRemaining: number,
): number {
  intern.room(sink);
  const symbolCode = intern.symbolCode(sink, symbol);
  const makerIdCode = encodeId(sink, intern, makerId);
  const takerIdCode = encodeId(sink, intern, takerId);
  const makerAccountCode = intern.codeOrNull(sink, makerAccount);
  const takerAccountCode = intern.codeOrNull(sink, takerAccount);
  const at = sink.reserve(12);
  const f = sink.f64;
  f[at] = h;
  f[at + 1] = seq;
  f[at + 2] = ts;
  f[at + 3] = symbolCode;
  f[at + 4] = price;
  f[at + 5] = qty;
  f[at + 6] = makerIdCode;
  f[at + 7] = takerIdCode;
  f[at + 8] = makerAccountCode;
  f[at + 9] = takerAccountCode;
  f[at + 10] = makerRemaining;
  f[at + 11] = takerRemaining;
  return at;
}

function writeCancelled(
  sink: SlotSink,
  intern: InternWriter,
  h: number,
  seq: number,
  ts: number,
  id: OrderId | null,
  symbol: string,
  remaining: number,
  reason: string,
): number {
  intern.room(sink);
  const idCode = encodeId(sink, intern, id);
  const symbolCode = intern.symbolCode(sink, symbol);
  const reasonCode = intern.code(sink, reason);
  const at = sink.reserve(7);
  const f = sink.f64;
  f[at] = h;
  f[at + 1] = seq;
  f[at + 2] = ts;
  f[at + 3] = idCode;
  f[at + 4] = symbolCode;
  f[at + 5] = remaining;
  f[at + 6] = reasonCode;
  return at;
}

function writeModified(
  sink: SlotSink,
  intern: InternWriter,
  h: number,
  seq: number,
  ts: number,
  id: OrderId | null,
  symbol: string,
  price: number,
  qty: number,
  prevPrice: number,
  prevQty: number,
  reason: string,
): number {
  intern.room(sink);
  const idCode = encodeId(sink, intern, id);
  const symbolCode = intern.symbolCode(sink, symbol);
  const reasonCode = intern.code(sink, reason);
  const at = sink.reserve(10);
  const f = sink.f64;
  f[at] = h;
  f[at + 1] = seq;
  f[at + 2] = ts;
  f[at + 3] = idCode;
  f[at + 4] = symbolCode;
  f[at + 5] = price;
  f[at + 6] = qty;
  f[at + 7] = prevPrice;
  f[at + 8] = prevQty;
  f[at + 9] = reasonCode;
  return at;
}

/**
 * The engine's events written to the wire from their fields (Engine.setFieldSink): the same
 * records encodeEvent writes, without an EngineEvent filled and read back in between. Header bits
 * an event type does not use are 0 here (encodeEvent carries whatever the reused object held).
 */
export class WireEventWriter implements EventFieldSink {
  /**
   * The fields of the client's command being executed live (null: none, or recovery): events
   * that repeat them travel "as sent", and the client fills them in from its copy.
   */
  private sent: SentFields | null = null;
  /** Called with each rejection's reason (replay --strict stops at the first malformed line). */
  onRejected: ((reason: string) => void) | null = null;
  /** The current command's last event record (-1: none yet), and the sink's flushes then. */
  private lastAt = -1;
  private lastFlushes = 0;

  constructor(
    private readonly sink: EventSlotSink,
    private readonly intern: InternWriter,
  ) {}

  /** A record starts executing (`sent`: a client command's fields): its events are the next ones. */
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

  private wrote(at: number): void {
    this.lastAt = at;
    this.lastFlushes = this.sink.flushes;
  }

  accepted(seq: number, ts: number, cmd: CommandRecord): void {
    let h = KIND_EVENT | (commandCode(cmd.type) << 7) | (cmd.side << 11) | (cmd.tif << 12);
    if (cmd.postOnly) h |= POST_ONLY;
    if (cmd.reduceOnly) h |= REDUCE_ONLY;
    const id = cmd.hasId ? cmd.id : null;
    const sent = this.sent;
    if (
      sent !== null &&
      id === sent.id &&
      cmd.symbol === sent.symbol &&
      cmd.price === sent.price &&
      cmd.qty === sent.qty &&
      cmd.account === sent.account &&
      cmd.amount === sent.amount
    ) {
      const at = this.sink.reserve(ACCEPTED_AS_SENT_SLOTS);
      const f = this.sink.f64;
      f[at] = h | (ACCEPTED_AS_SENT << 4);
      f[at + 1] = seq;
      f[at + 2] = ts;
      this.wrote(at);
      return;
    }
    this.wrote(
      writeAccepted(this.sink, this.intern, h, seq, ts, id, cmd.symbol, cmd.price, cmd.qty, cmd.account, cmd.amount),
    );
  }

  rejected(
    seq: number,
    ts: number,
    command: CommandType | null,
    id: OrderId | null,
    reason: string,
    line: number,
  ): void {
    const h = KIND_EVENT | (REJECTED << 4) | (commandCode(command) << 7);
    this.wrote(writeRejected(this.sink, this.intern, h, seq, ts, id, reason, line));
    if (this.onRejected !== null) this.onRejected(reason);
  }

  fill(
    seq: number,
    ts: number,
    symbol: string,
    price: number,
    qty: number,
    takerSide: SideCode,
    makerId: OrderId,
    takerId: OrderId,
    makerAccount: string | null,
    takerAccount: string | null,
    makerRemaining: number,
    takerRemaining: number,
    liquidation: boolean,
  ): void {
    const h = KIND_EVENT | (FILL << 4) | (takerSide << 11) | (liquidation ? LIQUIDATION : 0);
    const sent = this.sent;
    if (sent !== null && takerId === sent.id && takerAccount === sent.account && symbol === sent.symbol) {
      // The taker is the command being executed: the receiver has its id, account and symbol.
      const sink = this.sink;
      this.intern.room(sink);
      const makerIdCode = encodeId(sink, this.intern, makerId);
      const makerAccountCode = this.intern.codeOrNull(sink, makerAccount);
      const at = sink.reserve(FILL_AS_SENT_SLOTS);
      const f = sink.f64;
      f[at] = h | AS_SENT;
      f[at + 1] = seq;
      f[at + 2] = ts;
      f[at + 3] = price;
      f[at + 4] = qty;
      f[at + 5] = makerIdCode;
      f[at + 6] = makerAccountCode;
      f[at + 7] = makerRemaining;
      f[at + 8] = takerRemaining;
      this.wrote(at);
      return;
    }
    const at = writeFill(
      this.sink,
      this.intern,
      h,
      seq,
      ts,
      symbol,
      price,
      qty,
      makerId,
      takerId,
      makerAccount,
      takerAccount,
      makerRemaining,
      takerRemaining,
    );
    this.wrote(at);
  }

  cancelled(seq: number, ts: number, id: OrderId, symbol: string, remaining: number, reason: string): void {
    const sent = this.sent;
    if (sent !== null && id === sent.id && symbol === sent.symbol) {
      // The command's own order (a cancel, an IOC's rest): the receiver has its id and symbol.
      const sink = this.sink;
      this.intern.room(sink);
      const reasonCode = this.intern.code(sink, reason);
      const at = sink.reserve(CANCELLED_AS_SENT_SLOTS);
      const f = sink.f64;
      f[at] = KIND_EVENT | (CANCELLED << 4) | AS_SENT;
      f[at + 1] = seq;
      f[at + 2] = ts;
      f[at + 3] = remaining;
      f[at + 4] = reasonCode;
      this.wrote(at);
      return;
    }
    this.wrote(
      writeCancelled(this.sink, this.intern, KIND_EVENT | (CANCELLED << 4), seq, ts, id, symbol, remaining, reason),
    );
  }

  modified(
    seq: number,
    ts: number,
    id: OrderId,
    symbol: string,
    price: number,
    qty: number,
    prevPrice: number,
    prevQty: number,
    priorityKept: boolean,
    reason: string,
  ): void {
    const h = KIND_EVENT | (MODIFIED << 4) | (priorityKept ? PRIORITY_KEPT : 0);
    this.wrote(writeModified(this.sink, this.intern, h, seq, ts, id, symbol, price, qty, prevPrice, prevQty, reason));
  }

  other(e: EngineEvent): void {
    // Written by the object path: not marked (a DONE record follows if it is the command's last).
    encodeEvent(this.sink, this.intern, e);
    this.lastAt = -1;
  }
}

/** Slots of the KIND_EVENT record whose header is `h`. */
export function eventSlots(h: number): number {
  const asSent = (h & AS_SENT) !== 0;
  switch ((h >>> 4) & 7) {
    case ACCEPTED:
      return 9;
    case REJECTED:
      return 6;
    case FILL:
      return asSent ? FILL_AS_SENT_SLOTS : 12;
    case CANCELLED:
      return asSent ? CANCELLED_AS_SENT_SLOTS : 7;
    case ACCEPTED_AS_SENT:
      return ACCEPTED_AS_SENT_SLOTS;
    case LIQUIDATION_STAGE:
      return LIQUIDATION_STAGE_SLOTS;
    case LIQUIDATOR:
      return LIQUIDATOR_SLOTS[(h >>> 7) & 15] as number;
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
  sent: SentSource | null = null,
): number {
  const h = f64[at] as number;
  const type = (h >>> 4) & 7;
  e.type = TYPES[type] as EventType;
  if (type === LIQUIDATOR) {
    e.seq = f64[at + 1] as number;
    e.ts = f64[at + 2] as number;
    e.side = (h >>> 11) & 1 ? "sell" : "buy";
    return decodeLiquidatorEvent(f64, at, intern, e, (h >>> 7) & 15);
  }
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
      if ((h & AS_SENT) !== 0) {
        if (sent === null) throw new Error("wire: a fill as sent without the sent commands");
        sent.fillTaker(e);
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
      return 12;
    case CANCELLED:
      if ((h & AS_SENT) !== 0) {
        if (sent === null) throw new Error("wire: a cancellation as sent without the sent commands");
        sent.fillCancelled(e);
        e.remaining = f64[at + 3] as number;
        e.reason = intern.get(f64[at + 4] as number);
        return CANCELLED_AS_SENT_SLOTS;
      }
      e.id = decodeId(intern, f64[at + 3] as number);
      e.symbol = intern.get(f64[at + 4] as number);
      e.remaining = f64[at + 5] as number;
      e.reason = intern.get(f64[at + 6] as number);
      return 7;
    case ACCEPTED_AS_SENT:
      if (sent === null) throw new Error("wire: an accepted-as-sent event without the sent commands");
      sent.fillAccepted(e);
      return ACCEPTED_AS_SENT_SLOTS;
    case LIQUIDATION_STAGE:
      e.account = intern.getOrNull(f64[at + 3] as number);
      e.stage = intern.get(f64[at + 4] as number);
      e.healthPpm = f64[at + 5] as number;
      e.equity = f64[at + 6] as number;
      e.maintenanceMargin = f64[at + 7] as number;
      return LIQUIDATION_STAGE_SLOTS;
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
