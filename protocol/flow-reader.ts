/**
 * Order-flow files: JSONL (one command object a line) and CSV (a header naming the fields, an
 * empty cell meaning absent). Both stream, keep line numbers, skip blank and `#` lines, and hold
 * files to the command schema (unknown fields are errors). Engine-free: a FlowHandler consumes.
 */
import { isUtf8 } from "node:buffer";
import type { Readable } from "node:stream";
import { parseCsvRow } from "../io/csv.js";
import { forEachLine } from "../io/line-reader.js";
import { ALL_COMMAND_FIELDS, type CommandType, type OrderId } from "./commands.js";
import { isWholeNumber, JSON_NUMBER, parseJsonText, readJsonLine } from "./json-line.js";
import { RawCommand, scanCommandLine } from "./jsonl-scanner.js";
import type { RejectCode } from "./reject-codes.js";
import { findUnknownField, normalizeOrderId } from "./validate.js";

export type FlowFormat = "jsonl" | "csv";

export interface FlowHandler {
  /** A well-formed object (possibly a reused record: use it before returning); return false to stop. */
  command(input: Record<string, unknown>, line: number): boolean;
  /** A line that is not a command object; return false to stop. */
  malformed(reason: RejectCode, line: number, detail: string, command: CommandType | null, id: OrderId | null): boolean;
  /** After each chunk of input: progress and backpressure. */
  progress?(bytesRead: number): Promise<void> | void;
}

/** `.csv` is CSV; everything else (`.jsonl`, `-` for stdin) is JSONL. */
export function formatOf(path: string): FlowFormat {
  return path.toLowerCase().endsWith(".csv") ? "csv" : "jsonl";
}

/** Blank lines and `#` comments. */
function isSkipped(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c === 32 || c === 9) continue;
    return c === 35; // '#'
  }
  return true;
}

function commandTypeOf(input: Record<string, unknown>): CommandType | null {
  return typeof input.type === "string" ? (input.type as CommandType) : null;
}

/** Hands a parsed object on, or reports it as malformed (not an object, unknown field). */
function deliver(input: unknown, line: number, handler: FlowHandler): boolean {
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    return handler.malformed("MALFORMED_LINE", line, "not a JSON object", null, null);
  }
  const record = input as Record<string, unknown>;
  const unknown = findUnknownField(record);
  if (unknown !== null) {
    return handler.malformed(
      "UNKNOWN_FIELD",
      line,
      `unknown field "${unknown}"`,
      commandTypeOf(record),
      normalizeOrderId(record.id),
    );
  }
  return handler.command(record, line);
}

/** The header's column names, or why the line cannot be one (a file without a header starts with a command). */
export function readCsvHeader(text: string): string[] | string {
  const cells = parseCsvRow(text);
  if (cells === null) return "unbalanced quotes in the CSV header";
  const names = cells.map((n) => n.trim());
  for (let i = 0; i < names.length; i++) {
    const name = names[i] as string;
    if (name === "") continue; // an unnamed column: its cells must stay empty (UNKNOWN_FIELD)
    if (!(ALL_COMMAND_FIELDS as readonly string[]).includes(name)) {
      return `not a CSV header: "${name}" is not a field name (the first line must name the columns)`;
    }
    if (names.indexOf(name) !== i) return `column "${name}" appears twice in the CSV header`;
  }
  if (!names.includes("type")) return "the CSV header has no type column";
  return names;
}

/**
 * One JSONL line, buf[start, end) without its terminator: skipped when blank or a comment, scanned
 * into `raw` in the plain form, else read strictly. The replicated engine reads its messages'
 * lines with it, so a line gives the same command or rejection there as in a file.
 */
export function readJsonlLine(
  buf: Buffer,
  start: number,
  end: number,
  lineNo: number,
  raw: RawCommand,
  handler: FlowHandler,
): boolean {
  if (isSkipped(buf, start, end)) return true;
  if (scanCommandLine(buf, start, end, raw)) return handler.command(raw as unknown as Record<string, unknown>, lineNo);
  const parsed = readJsonLine(buf, start, end);
  if (!parsed.ok) return handler.malformed("MALFORMED_LINE", lineNo, parsed.detail, null, null);
  return deliver(parsed.value, lineNo, handler);
}

/**
 * Streams `source` into `handler`. A JSONL line in the plain form is scanned straight from the bytes
 * into one reused RawCommand (handed to `handler.command`, valid only during the call); anything
 * else goes through the strict reader (json-line.ts). A CSV file's first line must be a header
 * (readCsvHeader); when it is not, it and every row after it are INVALID_HEADER: no row is read under
 * a guessed column order.
 */
export async function readFlow(source: Readable, format: FlowFormat, handler: FlowHandler): Promise<number> {
  let header: string[] | null = null;
  let badHeader: string | null = null;
  const raw = new RawCommand();
  return forEachLine(source, {
    line(buf, start, end, lineNo) {
      if (format === "jsonl") return readJsonlLine(buf, start, end, lineNo, raw, handler);
      if (isSkipped(buf, start, end)) return true;
      if (badHeader !== null) return handler.malformed("INVALID_HEADER", lineNo, badHeader, null, null);
      if (!isUtf8(buf.subarray(start, end))) {
        return handler.malformed("MALFORMED_LINE", lineNo, "not valid UTF-8", null, null);
      }
      const text = buf.toString("utf8", start, end);
      if (header === null) {
        const names = readCsvHeader(text);
        if (typeof names === "string") {
          badHeader = `no valid CSV header (line ${lineNo})`;
          return handler.malformed("INVALID_HEADER", lineNo, names, null, null);
        }
        header = names;
        return true;
      }
      const row = csvRowToObject(header, text);
      if (typeof row === "string") return handler.malformed("MALFORMED_LINE", lineNo, row, null, null);
      return deliver(row, lineNo, handler);
    },
    tooLong(lineNo) {
      return handler.malformed("MALFORMED_LINE", lineNo, "line longer than 1 MiB", null, null);
    },
    chunk(bytesRead) {
      return handler.progress?.(bytesRead);
    },
  });
}

const JSON_FIELDS = new Set(["tiers", "liquidation"]);
const BOOLEAN_FIELDS = new Set(["postOnly", "reduceOnly"]);
const STRING_FIELDS = new Set(["type", "id", "account", "side", "symbol", "tif", "stp"]);

/**
 * A CSV cell typed like the JSONL value it stands for: numbers as in JSONL (JSON's number grammar,
 * whole as written, else null: see json-line.ts), true/false booleans, tiers/liquidation hold JSON.
 * Ids and accounts stay strings ("42" normalizes to the id 42, as in JSONL). A cell that does not
 * convert stays a string, so validation rejects it with the field's own code. Returns undefined
 * for a JSON cell that does not parse.
 */
function typedCell(field: string, cell: string): unknown {
  if (STRING_FIELDS.has(field)) return cell;
  if (JSON_FIELDS.has(field)) {
    const parsed = parseJsonText(cell);
    return parsed.ok ? parsed.value : undefined;
  }
  if (BOOLEAN_FIELDS.has(field)) return cell === "true" ? true : cell === "false" ? false : cell;
  if (JSON_NUMBER.test(cell)) return isWholeNumber(cell) ? Number(cell) : null;
  return cell;
}

/** An object of the row's non-empty cells, or a message saying why the row is unreadable. */
export function csvRowToObject(header: readonly string[], text: string): Record<string, unknown> | string {
  const cells = parseCsvRow(text);
  if (cells === null) return "unbalanced quotes";
  if (cells.length > header.length) return `${cells.length} cells for ${header.length} columns`;
  const row: Record<string, unknown> = {};
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i] as string;
    if (cell === "") continue;
    const field = header[i] as string;
    const value = typedCell(field, cell);
    if (value === undefined) return `field "${field}" is not valid JSON`;
    row[field] = value;
  }
  return row;
}
