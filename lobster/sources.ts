/**
 * Where a LOBSTER day comes from: a message CSV with an optional orderbook CSV, or LOBSTER's zip
 * holding both (read in place, never extracted).
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import { listZip, openZipEntry, type ZipEntry } from "../io/zip-reader.js";

export interface LobsterSource {
  /** What to call it in reports. */
  label: string;
  /** The ticker and date its message file names ("AAPL 2012-06-21"), or null when the name does not say. */
  day: string | null;
  messages: Readable;
  /** Uncompressed bytes of the message file, for progress. */
  messageBytes: number;
  orderbook: Readable | null;
}

const MESSAGE_ENTRY = /_message_\d+\.csv$/;
/** LOBSTER's file names: TICKER_YYYY-MM-DD_START_END_message_LEVEL.csv. */
const DAY_IN_NAME = /([A-Za-z0-9.^-]+)_(\d{4}-\d{2}-\d{2})_\d+_\d+_message_\d+\.csv$/;

/** The ticker and date a LOBSTER message file's name gives, or null. */
export function dayOf(name: string): string | null {
  const m = DAY_IN_NAME.exec(name);
  return m === null ? null : `${m[1]} ${m[2]}`;
}
const ORDERBOOK_ENTRY = /_orderbook_\d+\.csv$/;

/** The comment line an imported flow names its LOBSTER day with. */
export const LOBSTER_DAY_COMMENT = "# lobster day: ";

export function isZip(path: string): boolean {
  return path.toLowerCase().endsWith(".zip");
}

/**
 * Opens `paths`: [FILE.zip] or [MESSAGE.csv] or [MESSAGE.csv, ORDERBOOK.csv]. `withOrderbook`
 * false leaves a zip's orderbook closed. Throws an Error with a one-line message when unreadable.
 */
export async function openLobster(paths: readonly string[], withOrderbook = true): Promise<LobsterSource> {
  const [first, second] = paths;
  if (first === undefined || paths.length > 2) throw new Error("give FILE.zip, or MESSAGE.csv [ORDERBOOK.csv]");
  if (isZip(first)) {
    if (second !== undefined) throw new Error("a zip holds both files: give it alone");
    const entries = await listZip(first);
    const message = findEntry(entries, MESSAGE_ENTRY, first, "message");
    const book = entries.find((e) => ORDERBOOK_ENTRY.test(e.name));
    return {
      label: first,
      day: dayOf(message.name),
      messages: await openZipEntry(first, message),
      messageBytes: message.size,
      orderbook: withOrderbook && book !== undefined ? await openZipEntry(first, book) : null,
    };
  }
  const info = await stat(first);
  if (second !== undefined) await stat(second);
  return {
    label: first,
    day: dayOf(first),
    messages: createReadStream(first, { highWaterMark: 1 << 16 }),
    messageBytes: info.size,
    orderbook: withOrderbook && second !== undefined ? createReadStream(second, { highWaterMark: 1 << 16 }) : null,
  };
}

function findEntry(entries: ZipEntry[], pattern: RegExp, path: string, what: string): ZipEntry {
  const found = entries.find((e) => pattern.test(e.name));
  if (found === undefined) throw new Error(`${path} holds no LOBSTER ${what} file`);
  return found;
}

export function closeLobster(source: LobsterSource): void {
  source.messages.destroy();
  source.orderbook?.destroy();
}
