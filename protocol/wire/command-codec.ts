/**
 * Commands on the wire: a validated (or validation-failed) CommandRecord as one fixed record of
 * COMMAND_SLOTS slots, strings interned. The receiver decodes straight into a reused record, so
 * the worker allocates nothing per command.
 *
 *   slot 0  kind | type << 4 | flags << 8 | side << 15 | tif << 16 | stp << 18
 *   slots   id, price, qty, symbol, account, protectionPpm, ts, amount, line, reject code
 *
 * An id is its number, or minus the intern code of its string (0: none). A failed validation
 * travels as the partly filled record plus its reject code, so the engine itself emits the
 * rejection, exactly as `Engine.apply` would.
 */
import {
  COMMAND_TYPES,
  CommandRecord,
  type CommandType,
  type InstrumentSpec,
  type OrderId,
  type SideCode,
  type StpCode,
  type TifCode,
} from "../commands.js";
import type { RejectCode } from "../reject-codes.js";
import type { InternReader, InternWriter } from "./intern.js";
import { KIND_COMMAND, KIND_REJECT_LINE, KIND_TEXT, readText, type SlotSink, TEXT_SPEC, writeText } from "./records.js";

export const COMMAND_SLOTS = 11;
export const REJECT_LINE_SLOTS = 4;

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
  const symbol = intern.code(sink, cmd.symbol);
  const account = intern.codeOrNull(sink, cmd.account);
  const reason = code === null ? 0 : intern.code(sink, code);
  if (cmd.instrument !== null) writeText(sink, KIND_TEXT | (TEXT_SPEC << 4), JSON.stringify(cmd.instrument));
  let header = KIND_COMMAND | (TYPE_CODE[cmd.type] << 4) | (cmd.side << 15) | (cmd.tif << 16) | (cmd.stp << 18);
  if (cmd.hasId) header |= HAS_ID;
  if (cmd.hasPrice) header |= HAS_PRICE;
  if (cmd.hasQty) header |= HAS_QTY;
  if (cmd.hasTs) header |= HAS_TS;
  if (cmd.postOnly) header |= POST_ONLY;
  if (cmd.reduceOnly) header |= REDUCE_ONLY;
  const at = sink.reserve(COMMAND_SLOTS);
  const f = sink.f64;
  f[at] = header;
  f[at + 1] = id;
  f[at + 2] = cmd.price;
  f[at + 3] = cmd.qty;
  f[at + 4] = symbol;
  f[at + 5] = account;
  f[at + 6] = cmd.protectionPpm;
  f[at + 7] = cmd.ts;
  f[at + 8] = cmd.amount;
  f[at + 9] = cmd.line;
  f[at + 10] = reason;
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

/** The fields of a command an accepted event repeats (accepted as sent). */
export interface SentFields {
  id: OrderId | null;
  symbol: string;
  price: number;
  qty: number;
  account: string | null;
  amount: number;
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

  /** A KIND_TEXT record: keeps an instrument spec for the next command. */
  text(f64: Float64Array, u16: Uint16Array, at: number): void {
    if ((f64[at] as number) >>> 4 === TEXT_SPEC) this.spec = JSON.parse(readText(f64, u16, at)) as InstrumentSpec;
  }

  command(f64: Float64Array, at: number): CommandRecord {
    const intern = this.intern;
    const r = this.record;
    const h = f64[at] as number;
    r.type = COMMAND_TYPES[(h >>> 4) & 15] as CommandType;
    r.hasId = (h & HAS_ID) !== 0;
    r.id = r.hasId ? (decodeId(intern, f64[at + 1] as number) as OrderId) : 0;
    r.side = ((h >>> 15) & 1) as SideCode;
    r.price = f64[at + 2] as number;
    r.hasPrice = (h & HAS_PRICE) !== 0;
    r.qty = f64[at + 3] as number;
    r.hasQty = (h & HAS_QTY) !== 0;
    r.symbol = intern.get(f64[at + 4] as number);
    r.account = intern.getOrNull(f64[at + 5] as number);
    r.tif = ((h >>> 16) & 3) as TifCode;
    r.postOnly = (h & POST_ONLY) !== 0;
    r.reduceOnly = (h & REDUCE_ONLY) !== 0;
    r.stp = ((h >>> 18) & 3) as StpCode;
    r.protectionPpm = f64[at + 6] as number;
    r.ts = f64[at + 7] as number;
    r.hasTs = (h & HAS_TS) !== 0;
    r.amount = f64[at + 8] as number;
    r.line = f64[at + 9] as number;
    const sent = this.sent;
    sent.id = r.hasId ? r.id : null;
    sent.symbol = r.symbol;
    sent.price = r.price;
    sent.qty = r.qty;
    sent.account = r.account;
    sent.amount = r.amount;
    const reason = f64[at + 10] as number;
    this.code = reason === 0 ? null : (intern.get(reason) as RejectCode);
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
