/** The import loop: a message file (and its orderbook file) in lockstep through the importer. */
import type { Readable } from "node:stream";
import { emptyImportCounts, type ImportCounts, type ImportSink, LobsterImporter } from "./importer.js";
import { LobsterReader } from "./lobster-reader.js";

export interface ImportStreamOptions {
  /** Hold the visible book to every snapshot (default true; needs the orderbook file). */
  hold?: boolean;
  /** Every 1024 messages, with the message file's bytes read; awaited (backpressure). */
  onProgress?: (messageBytesRead: number) => Promise<void> | void;
}

export interface ImportResult {
  counts: ImportCounts;
  /** Levels of the orderbook file; 0 without one. */
  levels: number;
}

/** Throws an Error naming the line when the files are malformed or do not line up. */
export async function importLobster(
  messages: Readable,
  orderbook: Readable | null,
  sink: ImportSink,
  options: ImportStreamOptions = {},
): Promise<ImportResult> {
  const reader = new LobsterReader(messages, orderbook);
  let importer: LobsterImporter | null = null;
  try {
    while (await reader.next()) {
      if (importer === null) importer = new LobsterImporter(sink, { levels: reader.levels, hold: options.hold });
      importer.push(reader.message, reader.snapshot);
      if ((reader.message.index & 1023) === 0) await options.onProgress?.(reader.messageBytesRead);
    }
    importer?.finish();
  } finally {
    await reader.close();
  }
  const counts = importer?.counts ?? emptyImportCounts();
  return { counts, levels: reader.levels };
}
