/**
 * A LOBSTER day read once for the `lobster` scenario: the importer's commands (lobster/),
 * grouped by the message (or execution run) they carry out, with NASDAQ's own mid after each group
 * and the day's real executions. Every liquidation mode then replays the same groups, so reading
 * and importing the zip happens once however many modes run.
 */

import { LobsterImporter } from "../lobster/importer.js";
import { LobsterReader } from "../lobster/lobster-reader.js";
import { HOLD_MARKER, type MessageRange, parseMessageMarker } from "../lobster/markers.js";
import { EXECUTION, HIDDEN_EXECUTION } from "../lobster/message.js";
import { EMPTY_ASK_PRICE, EMPTY_BID_PRICE } from "../lobster/snapshot.js";
import { closeLobster, openLobster } from "../lobster/sources.js";
import type { Command } from "../protocol/commands.js";

/** The commands that carry out one message (or one execution run) of the file. */
export interface MessageGroup {
  /** The message's time (ns after midnight). */
  ts: number;
  commands: Command[];
  /** Index in `commands` of the first holding command (commands.length: none). */
  holdFrom: number;
  /**
   * Per command, for a `modify`: how many shares it takes off (the importer's open quantity before
   * it minus the new one); 0 otherwise. A replay whose book the liquidation changed applies the
   * same decrease to what the engine holds.
   */
  decrease: number[];
  /** The last message it carries out (the orderbook file's row). */
  last: number;
  /** NASDAQ's mid after the group (ticks; 0 while a side of the snapshot is empty). */
  mid: number;
}

export interface LobsterDay {
  label: string;
  /** "GOOG 2012-06-21", or null when the file name does not say. */
  day: string | null;
  levels: number;
  /** The opening book's commands, then one group a message or run. */
  opening: Command[];
  groups: MessageGroup[];
  /** NASDAQ's executions (visible and hidden), in time order: ts, price, size. */
  tradeTs: number[];
  tradePrice: number[];
  tradeSize: number[];
  /** Σ size of every execution in the file (shares). */
  volume: number;
  messages: number;
}

/**
 * Reads and imports the day (FILE.zip, or MESSAGE.csv ORDERBOOK.csv). The orderbook file is
 * required: it gives the real mid the oracle follows and holds the book to NASDAQ's. Throws an
 * Error with a one-line message when the files cannot be read or do not parse.
 */
export async function readLobsterDay(paths: readonly string[]): Promise<LobsterDay> {
  const source = await openLobster(paths);
  if (source.orderbook === null) {
    closeLobster(source);
    throw new Error(`${source.label} has no orderbook file: the lobster scenario follows its mid`);
  }
  const day: LobsterDay = {
    label: source.label,
    day: source.day,
    levels: 0,
    opening: [],
    groups: [],
    tradeTs: [],
    tradePrice: [],
    tradeSize: [],
    volume: 0,
    messages: 0,
  };
  const midAfter: number[] = [0];
  const tsOf: number[] = [0];
  let current: MessageGroup | null = null;
  const range: MessageRange = { first: 0, last: 0 };
  let importer: LobsterImporter | null = null;
  const sink = {
    comment(text: string): void {
      if (text === HOLD_MARKER) {
        if (current !== null) current.holdFrom = current.commands.length;
        return;
      }
      if (!parseMessageMarker(text, range)) return;
      current = { ts: 0, commands: [], holdFrom: -1, decrease: [], last: range.last, mid: 0 };
      day.groups.push(current);
    },
    command(c: Command): void {
      if (current === null) {
        day.opening.push(c);
        return;
      }
      let decrease = 0;
      if (c.type === "modify" && c.qty !== undefined) {
        const open = importer?.book.orders.get(c.id)?.open ?? c.qty;
        decrease = open - c.qty;
      }
      current.commands.push(c);
      current.decrease.push(decrease);
    },
  };
  const reader = new LobsterReader(source.messages, source.orderbook);
  try {
    while (await reader.next()) {
      if (importer === null) {
        day.levels = reader.levels;
        importer = new LobsterImporter(sink, { levels: reader.levels });
      }
      const m = reader.message;
      const s = reader.snapshot;
      const bid = s?.bidPrice[0] ?? EMPTY_BID_PRICE;
      const ask = s?.askPrice[0] ?? EMPTY_ASK_PRICE;
      tsOf.push(m.ts);
      midAfter.push(bid === EMPTY_BID_PRICE || ask === EMPTY_ASK_PRICE ? 0 : Math.floor((bid + ask) / 2));
      if (m.type === EXECUTION || m.type === HIDDEN_EXECUTION) {
        day.tradeTs.push(m.ts);
        day.tradePrice.push(m.price);
        day.tradeSize.push(m.size);
        day.volume += m.size;
      }
      importer.push(m, s);
    }
    importer?.finish();
    day.messages = importer?.counts.messages ?? 0;
  } finally {
    await reader.close();
    closeLobster(source);
  }
  if (day.groups.length === 0) throw new Error(`${source.label} holds no LOBSTER messages`);
  // Each group's time and mid are its last message's; no holding marker: none held.
  for (const g of day.groups) {
    g.ts = tsOf[g.last] ?? 0;
    g.mid = midAfter[g.last] ?? 0;
    if (g.holdFrom < 0) g.holdFrom = g.commands.length;
  }
  return day;
}
