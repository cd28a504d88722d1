/**
 * String interning at the edge of the wire: each side of a channel keeps a table, the sender
 * assigns the next index to a string it has not sent yet and ships it once in a KIND_INTERN
 * record before its first use; afterwards the string travels as `index + 1` (0 means null).
 * Tables are capped: at the cap the sender sends KIND_INTERN_RESET and both start over, so a feed
 * of endless fresh string ids costs bounded memory.
 */
import { KIND_INTERN, KIND_INTERN_RESET, readText, type SlotSink, writeText } from "./records.js";

export const DEFAULT_INTERN_CAP = 1 << 16;
/** No record carries more strings than this. */
const MAX_STRINGS_PER_RECORD = 8;

export class InternWriter {
  private readonly index = new Map<string, number>();
  private lastString: string | null = null;
  private lastCode = 0;
  private lastSymbol: string | null = null;
  private lastSymbolCode = 0;

  constructor(private readonly cap = DEFAULT_INTERN_CAP) {}

  /**
   * Call before the strings of one record: resets the table when it is near its cap, so a reset
   * never falls between two codes of the same record.
   */
  room(sink: SlotSink): void {
    if (this.index.size < this.cap - MAX_STRINGS_PER_RECORD) return;
    // Reserve first, then read sink.f64: a reservation may move the sink to another buffer.
    const at = sink.reserve(1);
    sink.f64[at] = KIND_INTERN_RESET;
    this.index.clear();
    this.lastString = null;
    this.lastSymbol = null;
  }

  /** The wire code of `s` (index + 1), announcing it on `sink` first when new. */
  code(sink: SlotSink, s: string): number {
    // Most records name the same symbol: a one-entry cache spares the map lookup.
    if (s === this.lastString) return this.lastCode;
    const known = this.index.get(s);
    const code = known === undefined ? this.add(sink, s) : known + 1;
    this.lastString = s;
    this.lastCode = code;
    return code;
  }

  /**
   * `code` with a cache of its own for the symbol: an event names a symbol and then accounts or a
   * reason, which would evict the symbol from the shared one-entry cache every time.
   */
  symbolCode(sink: SlotSink, s: string): number {
    if (s === this.lastSymbol) return this.lastSymbolCode;
    const code = this.code(sink, s);
    this.lastSymbol = s;
    this.lastSymbolCode = code;
    return code;
  }

  private add(sink: SlotSink, s: string): number {
    const i = this.index.size;
    this.index.set(s, i);
    writeText(sink, KIND_INTERN | (i << 4), s);
    return i + 1;
  }

  /** 0 for null, else `code(s)`. */
  codeOrNull(sink: SlotSink, s: string | null): number {
    return s === null ? 0 : this.code(sink, s);
  }

  get size(): number {
    return this.index.size;
  }
}

export class InternReader {
  private table: string[] = [];

  /** Applies a KIND_INTERN record at slot `at`. */
  learn(f64: Float64Array, u16: Uint16Array, at: number): void {
    const header = f64[at] as number;
    this.table[header >>> 4] = readText(f64, u16, at);
  }

  reset(): void {
    this.table = [];
  }

  /** The string of a wire code (≥ 1). */
  get(code: number): string {
    const s = this.table[code - 1];
    if (s === undefined) throw new Error(`wire: unknown intern code ${code}`);
    return s;
  }

  /** Writes the whole table as records, so a reader starting here learns it (a journal segment's head). */
  dump(sink: SlotSink): void {
    const at = sink.reserve(1);
    sink.f64[at] = KIND_INTERN_RESET;
    const t = this.table;
    for (let i = 0; i < t.length; i++) {
      const s = t[i];
      if (s !== undefined) writeText(sink, KIND_INTERN | (i << 4), s);
    }
  }

  getOrNull(code: number): string | null {
    return code === 0 ? null : this.get(code);
  }
}
