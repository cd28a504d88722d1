import type { Command } from "./commands.js";
import { csvCell } from "./csv.js";

/** Every field any command has, in the column order CSV files are written with. */
export const CSV_COLUMNS = [
  "type",
  "ts",
  "id",
  "side",
  "price",
  "qty",
  "symbol",
  "account",
  "tif",
  "postOnly",
  "reduceOnly",
  "stp",
  "protectionPpm",
  "amount",
  "makerFeePpm",
  "takerFeePpm",
  "tiers",
  "liquidation",
] as const;

export function commandToJsonl(command: Command): string {
  return JSON.stringify(command);
}

export function csvHeader(): string {
  return CSV_COLUMNS.join(",");
}

export function commandToCsv(command: Command): string {
  const record = command as unknown as Record<string, unknown>;
  return CSV_COLUMNS.map((column) => {
    const value = record[column];
    if (value === undefined) return "";
    return csvCell(typeof value === "object" ? JSON.stringify(value) : String(value));
  }).join(",");
}
