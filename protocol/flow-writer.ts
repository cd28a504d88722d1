import { csvCell } from "../io/csv.js";
import { ALL_COMMAND_FIELDS, type Command } from "./commands.js";

/** CSV files are written with every command field as a column. */
export const CSV_COLUMNS = ALL_COMMAND_FIELDS;

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
