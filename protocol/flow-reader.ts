/**
 * Order-flow files: JSONL (one command object a line) and CSV (a header naming the fields, an
 * empty cell meaning absent). Both stream, keep line numbers, skip blank and `#` lines, and hold
 * files to the command schema (unknown fields are errors). Engine-free: a FlowHandler consumes.
 */
import type { Readable } from "node:stream";
import type { CommandType, OrderId } from "./commands.js";
import { parseCsvRow } from "./csv.js";
import { RawCommand, scanCommandLine } from "./jsonl-scanner.js";
import { forEachLine } from "./line-reader.js";
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

/**
 * Streams `source` into `handler`. A JSONL line in the plain form is scanned straight from the bytes
 * into one reused RawCommand (handed to `handler.command`, valid only during the call); anything
 * else goes through JSON.parse.
 */
export async function readFlow(source: Readable, format: FlowFormat, handler: FlowHandler): Promise<number> {
  let header: string[] | null = null;
  const raw = new RawCommand();
  return forEachLine(source, {
    line(buf, start, end, lineNo) {
      if (isSkipped(buf, start, end)) return true;
      if (format === "jsonl" && scanCommandLine(buf, start, end, raw)) {
        return handler.command(raw as unknown as Record<string, unknown>, lineNo);
      }
      const text = buf.toString("utf8", start, end);
      if (format === "jsonl") {
        let parsed: unknown;
        try {
          parsed = JSON.parse(text);
        } catch (err) {
          return handler.malformed("MALFORMED_LINE", lineNo, (err as Error).message, null, null);
        }
        return deliver(parsed, lineNo, handler);
      }
      if (header === null) {
        const names = parseCsvRow(text);
        if (names === null) return handler.malformed("MALFORMED_LINE", lineNo, "unreadable CSV header", null, null);
        header = names.map((n) => n.trim());
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

const INTEGER_CELL = /^-?[0-9]+$/;
const JSON_FIELDS = new Set(["tiers", "liquidation"]);
const BOOLEAN_FIELDS = new Set(["postOnly", "reduceOnly"]);
const STRING_FIELDS = new Set(["type", "id", "account", "side", "symbol", "tif", "stp"]);

/**
 * A CSV cell typed like the JSONL value it stands for: integers become numbers, true/false
 * booleans, tiers/liquidation hold JSON. Ids and accounts stay strings ("42" normalizes to the id
 * 42, as in JSONL). A cell that does not convert stays a string, so validation rejects it with the
 * field's own code.
 */
function typedCell(field: string, cell: string): unknown {
  if (STRING_FIELDS.has(field)) return cell;
  if (JSON_FIELDS.has(field)) return JSON.parse(cell);
  if (BOOLEAN_FIELDS.has(field)) return cell === "true" ? true : cell === "false" ? false : cell;
  if (INTEGER_CELL.test(cell)) return Number(cell);
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
    try {
      row[field] = typedCell(field, cell);
    } catch {
      return `field "${field}" is not valid JSON`;
    }
  }
  return row;
}
