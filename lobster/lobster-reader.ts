/**
 * Reads a message file and its orderbook file in lockstep: row n of the orderbook is the visible
 * book after message n. Streaming: memory is a chunk of each file and one record of each.
 */
import type { Readable } from "node:stream";
import { LineCursor } from "../io/line-cursor.js";
import { LobsterMessage, parseLobsterMessage } from "./message.js";
import { levelsOfRow, parseSnapshot, Snapshot } from "./snapshot.js";

export class LobsterReader {
  readonly message = new LobsterMessage();
  /** The book after `message`; null without an orderbook file. */
  snapshot: Snapshot | null = null;
  /** The message line as written, for reports. */
  messageText = "";
  private readonly messages: LineCursor;
  private readonly rows: LineCursor | null;

  constructor(messages: Readable, orderbook: Readable | null) {
    this.messages = new LineCursor(messages);
    this.rows = orderbook === null ? null : new LineCursor(orderbook);
  }

  /** Uncompressed bytes of the message file read so far. */
  get messageBytesRead(): number {
    return this.messages.bytesRead;
  }

  /** Levels of the orderbook file (0 before the first row or without one). */
  get levels(): number {
    return this.snapshot?.levels ?? 0;
  }

  /**
   * Advances to the next message (and row). Returns false at the end; throws an Error naming the
   * line when a line is malformed or the files do not line up.
   */
  async next(): Promise<boolean> {
    const text = await this.messages.next();
    const index = this.messages.lineNo;
    const row = this.rows === null ? null : await this.rows.next();
    if (text === null) {
      if (row !== null && row !== "") throw new Error(`orderbook file has more rows than messages (${index})`);
      return false;
    }
    const problem = parseLobsterMessage(text, index, this.message);
    if (problem !== null) throw new Error(`message line ${index}: ${problem}`);
    this.messageText = text;
    if (this.rows !== null) {
      if (row === null) throw new Error(`orderbook file ends before message ${index}`);
      if (this.snapshot === null) {
        const levels = levelsOfRow(row);
        if (levels === 0) throw new Error(`orderbook row 1: the column count is not a multiple of 4`);
        this.snapshot = new Snapshot(levels);
      }
      const bad = parseSnapshot(row, this.snapshot);
      if (bad !== null) throw new Error(`orderbook row ${index}: ${bad}`);
    }
    return true;
  }

  async close(): Promise<void> {
    await this.messages.close();
    await this.rows?.close();
  }
}
