/**
 * Commands on the wire: a validated (or validation-failed) CommandRecord as one record, strings
 * interned. The receiver decodes straight into a reused record, so the worker allocates nothing
 * per command.
 *
 *   slot 0  kind | type << 4 | flags << 8 | side << 15 | tif << 16 | stp << 18 | present << 20
 *   then, in this order, a slot for each field whose `present` bit is set (the field differs
 *   from CommandRecord's default): id, price, qty, symbol, account, protectionPpm, ts, amount,
 *   line, reject code, discountPpm (bit 30: backstop offers only). A limit order takes 4–9 slots
 *   (header, id, price, qty, then one for each of symbol, account, ts, protection and line that is
 *   set), a cancel 2–5 (11 when every field had a slot): each slot crosses between the cores, so
 *   fewer is faster.
 *
 * An id is its number, or minus the intern code of its string (0: none). A failed validation
 * travels as the partly filled record plus its reject code, so the engine itself emits the
 * rejection, exactly as `Engine.apply` would.
 */
import {
  COMMAND_TYPES,
  CommandRecord,
  type CommandType,
  DEFAULT_SYMBOL,
  type InstrumentSpec,
  type OrderId,
  type SideCode,
  type StpCode,
  type TifCode,
} from "../../protocol/commands.js";
import type { RejectCode } from "../../protocol/reject-codes.js";
import type { InternReader, InternWriter } from "./intern.js";
import { KIND_COMMAND, KIND_REJECT_LINE, KIND_TEXT, readText, type SlotSink, TEXT_SPEC, writeText } from "./records.js";

export const REJECT_LINE_SLOTS = 4;

/** `present` bits (header bits 20–29): which optional slots follow the header, in this order. */
const P_ID = 1 << 20;
const P_PRICE = 1 << 21;
const P_QTY = 1 << 22;
const P_SYMBOL = 1 << 23;
const P_ACCOUNT = 1 << 24;
const P_PROTECTION = 1 << 25;
const P_TS = 1 << 26;
const P_AMOUNT = 1 << 27;
const P_LINE = 1 << 28;
const P_REASON = 1 << 29;
const P_DISCOUNT = 1 << 30;

/** Slots of a command record by its eleven `present` bits: 1 + how many are set. */
const SLOTS_BY_PRESENT = Uint8Array.from({ length: 2048 }, (_, bits) => {
  let n = 1;
  for (let b = bits; b !== 0; b >>>= 1) n += b & 1;
  return n;
});

export function commandSlots(header: number): number {
  return SLOTS_BY_PRESENT[(header >>> 20) & 2047] as number;
}

const HAS_ID = 1 << 8;
const HAS_PRICE = 1 << 9;
const HAS_QTY = 1 << 10;
const HAS_TS = 1 << 11;
const POST_ONLY = 1 << 12;
const REDUCE_ONLY = 1 << 13;

const TYPE_CODE: Readonly<Record<CommandType, number>> = Object.fromEntries(
  COMMAND_TYPES.map((t, i) => [t, i]),
) as Record<CommandType, number>;

export function encodeId(sink: SlotSink, intern: InternWriter, id: OrderId | null): number {
  if (id === null) return 0;
  return typeof id === "number" ? id : -intern.code(sink, id);
}

export function decodeId(intern: InternReader, v: number): OrderId | null {
  if (v === 0) return null;
  return v > 0 ? v : intern.get(-v);
}

/** Writes `cmd` (and, for an instrument, its spec first). `code`: the validation failure, or null. */
export function encodeCommand(sink: SlotSink, intern: InternWriter, cmd: CommandRecord, code: RejectCode | null): void {
  // Strings first: their intern records must precede the command record.
  intern.room(sink);
  const id = cmd.hasId ? encodeId(sink, intern, cmd.id) : 0;
  const symbol = cmd.symbol === DEFAULT_SYMBOL ? 0 : intern.code(sink, cmd.symbol);
  const account = intern.codeOrNull(sink, cmd.account);
  const reason = code === null ? 0 : intern.code(sink, code);
  if (cmd.instrument !== null) writeText(sink, KIND_TEXT | (TEXT_SPEC << 4), JSON.stringify(cmd.instrument));
  let header = KIND_COMMAND | (TYPE_CODE[cmd.type] << 4) | (cmd.side << 15) | (cmd.tif << 16) | (cmd.stp << 18);
  if (cmd.hasId) header |= HAS_ID | P_ID;
  if (cmd.hasPrice) header |= HAS_PRICE;
  if (cmd.hasQty) header |= HAS_QTY;
  if (cmd.hasTs) header |= HAS_TS;
  if (cmd.postOnly) header |= POST_ONLY;
  if (cmd.reduceOnly) header |= REDUCE_ONLY;
  if (cmd.price !== 0) header |= P_PRICE;
  if (cmd.qty !== 0) header |= P_QTY;
  if (cmd.symbol !== DEFAULT_SYMBOL) header |= P_SYMBOL;
  if (account !== 0) header |= P_ACCOUNT;
  if (cmd.protectionPpm !== -1) header |= P_PROTECTION;
  if (cmd.ts !== 0) header |= P_TS;
  if (cmd.amount !== 0) header |= P_AMOUNT;
  if (cmd.line !== 0) header |= P_LINE;
  if (reason !== 0) header |= P_REASON;
  if (cmd.discountPpm !== 0) header |= P_DISCOUNT;
  const at = sink.reserve(commandSlots(header));
  const f = sink.f64;
  f[at] = header;
  let i = at + 1;
  if ((header & P_ID) !== 0) f[i++] = id;
  if ((header & P_PRICE) !== 0) f[i++] = cmd.price;
  if ((header & P_QTY) !== 0) f[i++] = cmd.qty;
  if ((header & P_SYMBOL) !== 0) f[i++] = symbol;
  if ((header & P_ACCOUNT) !== 0) f[i++] = account;
  if ((header & P_PROTECTION) !== 0) f[i++] = cmd.protectionPpm;
  if ((header & P_TS) !== 0) f[i++] = cmd.ts;
  if ((header & P_AMOUNT) !== 0) f[i++] = cmd.amount;
  if ((header & P_LINE) !== 0) f[i++] = cmd.line;
  if ((header & P_REASON) !== 0) f[i++] = reason;
  if ((header & P_DISCOUNT) !== 0) f[i] = cmd.discountPpm;
}

/** A source line that is not a command at all (bad JSON, unknown field): `Engine.rejectLine`. */
export function encodeRejectLine(
  sink: SlotSink,
  intern: InternWriter,
  reason: RejectCode,
  line: number,
  command: CommandType | null,
  id: OrderId | null,
): void {
  intern.room(sink);
  const idCode = encodeId(sink, intern, id);
  const reasonCode = intern.code(sink, reason);
  const at = sink.reserve(REJECT_LINE_SLOTS);
  const f = sink.f64;
  f[at] = KIND_REJECT_LINE | ((command === null ? 0 : TYPE_CODE[command] + 1) << 4);
  f[at + 1] = reasonCode;
  f[at + 2] = line;
  f[at + 3] = idCode;
}

/**
 * The fields of a command its own events repeat (an acceptance's, a fill's taker, a cancellation's
 * order): such an event travels "as sent", without them (event-schema.ts marks them `sent`).
 */
export interface SentFields {
  id: OrderId | null;
  symbol: string;
  price: number;
  qty: number;
  account: string | null;
  amount: number;
}

/**
 * The receiver's copy of the command whose events are being received, field by field (an "as
 * sent" event reads two to six of them, straight into the event).
 */
export interface SentSource {
  sentId(): OrderId | null;
  sentSymbol(): string;
  sentPrice(): number;
  sentQty(): number;
  sentAccount(): string | null;
  sentAmount(): number;
}

/**
 * The receiving end: decodes command records into one reused CommandRecord. Text records of
 * subtype TEXT_SPEC are held for the instrument command that follows them.
 */
export class CommandDecoder {
  readonly record = new CommandRecord();
  /** The reject code of the last decoded command, null when it passed validation. */
  code: RejectCode | null = null;
  /** KIND_REJECT_LINE fields. */
  lineReason: RejectCode = "MALFORMED_LINE";
  lineCommand: CommandType | null = null;
  lineId: OrderId | null = null;
  line = 0;
  /**
   * The last command's fields as they travelled (the engine may change the record as it runs):
   * what the sender knows of it, for "accepted, as sent" events.
   */
  readonly sent: SentFields = { id: null, symbol: "", price: 0, qty: 0, account: null, amount: 0 };
  private spec: InstrumentSpec | null = null;

  constructor(readonly intern: InternReader) {}

  /**
   * The spec read for an instrument command whose record has not arrived yet (a batch may end
   * between the two): a new journal segment must carry it, or its command would meet none.
   */
  get pendingSpec(): InstrumentSpec | null {
    return this.spec;
  }

  /** A KIND_TEXT record: keeps an instrument spec for the next command. */
  text(f64: Float64Array, u16: Uint16Array, at: number): void {
    if ((f64[at] as number) >>> 4 === TEXT_SPEC) this.spec = JSON.parse(readText(f64, u16, at)) as InstrumentSpec;
  }

  command(f64: Float64Array, at: number): CommandRecord {
    const intern = this.intern;
    const r = this.record;
    const h = f64[at] as number;
    let i = at + 1;
    r.type = COMMAND_TYPES[(h >>> 4) & 15] as CommandType;
    r.hasId = (h & HAS_ID) !== 0;
    r.id = (h & P_ID) !== 0 ? (decodeId(intern, f64[i++] as number) as OrderId) : 0;
    r.side = ((h >>> 15) & 1) as SideCode;
    r.price = (h & P_PRICE) !== 0 ? (f64[i++] as number) : 0;
    r.hasPrice = (h & HAS_PRICE) !== 0;
    r.qty = (h & P_QTY) !== 0 ? (f64[i++] as number) : 0;
    r.hasQty = (h & HAS_QTY) !== 0;
    r.symbol = (h & P_SYMBOL) !== 0 ? intern.get(f64[i++] as number) : DEFAULT_SYMBOL;
    r.account = (h & P_ACCOUNT) !== 0 ? intern.get(f64[i++] as number) : null;
    r.tif = ((h >>> 16) & 3) as TifCode;
    r.postOnly = (h & POST_ONLY) !== 0;
    r.reduceOnly = (h & REDUCE_ONLY) !== 0;
    r.stp = ((h >>> 18) & 3) as StpCode;
    r.protectionPpm = (h & P_PROTECTION) !== 0 ? (f64[i++] as number) : -1;
    r.ts = (h & P_TS) !== 0 ? (f64[i++] as number) : 0;
    r.hasTs = (h & HAS_TS) !== 0;
    r.amount = (h & P_AMOUNT) !== 0 ? (f64[i++] as number) : 0;
    r.line = (h & P_LINE) !== 0 ? (f64[i++] as number) : 0;
    const sent = this.sent;
    sent.id = r.hasId ? r.id : null;
    sent.symbol = r.symbol;
    sent.price = r.price;
    sent.qty = r.qty;
    sent.account = r.account;
    sent.amount = r.amount;
    this.code = (h & P_REASON) !== 0 ? (intern.get(f64[i++] as number) as RejectCode) : null;
    r.discountPpm = (h & P_DISCOUNT) !== 0 ? (f64[i] as number) : 0;
    if (r.type === "instrument" && this.code === null) {
      r.instrument = this.spec;
      this.spec = null;
    } else {
      r.instrument = null;
    }
    return r;
  }

  rejectLine(f64: Float64Array, at: number): void {
    const command = ((f64[at] as number) >>> 4) & 15;
    this.lineCommand = command === 0 ? null : (COMMAND_TYPES[command - 1] as CommandType);
    this.lineReason = this.intern.get(f64[at + 1] as number) as RejectCode;
    this.line = f64[at + 2] as number;
    this.lineId = decodeId(this.intern, f64[at + 3] as number);
  }
}
