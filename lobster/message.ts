/**
 * One line of a LOBSTER message file: Time, Type, Order ID, Size, Price, Direction
 * (LOBSTER_SampleFiles_ReadMe.txt). Parsed into a reused record; a bad line is reported, not thrown.
 */
import { parseLobsterTime } from "./time.js";

export const SUBMISSION = 1;
export const CANCELLATION = 2; // partial deletion: Size is the quantity removed
export const DELETION = 3;
export const EXECUTION = 4; // of a visible resting order
export const HIDDEN_EXECUTION = 5;
export const HALT = 7;

/** Direction of the resting order a message is about: 1 = buy limit order (a bid), -1 = sell. */
export const BUY_DIRECTION = 1;
export const SELL_DIRECTION = -1;

export class LobsterMessage {
  /** 1-based position in the message file, which is also the orderbook file's row. */
  index = 0;
  /** Nanoseconds after midnight. */
  ts = 0;
  type = 0;
  id = 0;
  size = 0;
  /** Dollars × 10000. */
  price = 0;
  direction = 0;

  copyFrom(m: LobsterMessage): void {
    this.index = m.index;
    this.ts = m.ts;
    this.type = m.type;
    this.id = m.id;
    this.size = m.size;
    this.price = m.price;
    this.direction = m.direction;
  }
}

const INTEGER = /^-?[0-9]{1,16}$/;

function integerCell(cell: string | undefined): number | null {
  if (cell === undefined || !INTEGER.test(cell)) return null;
  const n = Number(cell);
  return Number.isSafeInteger(n) ? n : null;
}

/** Fills `out` from one line; returns null when valid, else what is wrong with it. */
export function parseLobsterMessage(text: string, index: number, out: LobsterMessage): string | null {
  const cells = text.split(",");
  if (cells.length !== 6) return `${cells.length} columns, expected 6`;
  const ts = parseLobsterTime(cells[0] as string);
  if (ts < 0) return `bad time "${cells[0]}"`;
  const type = integerCell(cells[1]);
  const id = integerCell(cells[2]);
  const size = integerCell(cells[3]);
  const price = integerCell(cells[4]);
  const direction = integerCell(cells[5]);
  if (type === null || type < 1 || type > 7 || type === 6) return `bad type "${cells[1]}"`;
  if (id === null || id < 0) return `bad order id "${cells[2]}"`;
  if (size === null || size < 0) return `bad size "${cells[3]}"`;
  if (price === null) return `bad price "${cells[4]}"`;
  if (direction !== BUY_DIRECTION && direction !== SELL_DIRECTION) return `bad direction "${cells[5]}"`;
  if (type !== HALT && (size === 0 || price <= 0)) return "an order message needs a positive size and price";
  if ((type === SUBMISSION || type === CANCELLATION || type === DELETION || type === EXECUTION) && id === 0) {
    return "a visible order message needs an order id";
  }
  out.index = index;
  out.ts = ts;
  out.type = type;
  out.id = id;
  out.size = size;
  out.price = price;
  out.direction = direction;
  return null;
}
