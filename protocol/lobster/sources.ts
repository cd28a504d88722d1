/**
 * Where a LOBSTER day comes from: a message CSV with an optional orderbook CSV, or LOBSTER's zip
 * holding both (read in place, never extracted).
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import type { Readable } from "node:stream";
import { listZip, openZipEntry, type ZipEntry } from "../zip-reader.js";

export interface LobsterSource {
  /** What to call it in reports. */
  label: string;
  messages: Readable;
  /** Uncompressed bytes of the message file, for progress. */
  messageBytes: number;
  orderbook: Readable | null;
}

const MESSAGE_ENTRY = /_message_\d+\.csv$/;
const ORDERBOOK_ENTRY = /_orderbook_\d+\.csv$/;

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
      messages: await openZipEntry(first, message),
      messageBytes: message.size,
      orderbook: withOrderbook && book !== undefined ? await openZipEntry(first, book) : null,
    };
  }
  const info = await stat(first);
  if (second !== undefined) await stat(second);
  return {
    label: first,
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
