/**
 * The mixed flow as a flat binary file for the native peer (bench/native/liquibook-driver.cpp):
 * an 8-byte magic "SLQFLOW1", a u64 count, then one 40-byte little-endian record a command:
 * u8 kind, u8 side, u8 tif, u8 flags, u32 protectionPpm, u64 id, u64 price, u64 qty, u64 unused.
 * Only what both books can run: limit, market, cancel and modify, numeric ids, no accounts.
 */
import type { Command } from "../../protocol/commands.js";

export const FLOW_MAGIC = "SLQFLOW1";
export const RECORD_BYTES = 40;
const HEADER_BYTES = 16;

export const KIND_LIMIT = 0;
export const KIND_MARKET = 1;
export const KIND_CANCEL = 2;
export const KIND_MODIFY = 3;
export const POST_ONLY = 1;
export const HAS_QTY = 2;
export const HAS_PRICE = 4;
export const HAS_PROTECTION = 8;

/**
 * The order flow alone: the four order commands, without account and self-trade mode (the native
 * book has neither), each a fresh literal (a copy with fields deleted would read slower).
 */
export function orderFlowOnly(flow: readonly Command[]): Command[] {
  const out: Command[] = [];
  for (const command of flow) {
    if (command.type !== "limit" && command.type !== "market" && command.type !== "cancel" && command.type !== "modify")
      continue;
    const copy: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(command)) if (key !== "account" && key !== "stp") copy[key] = value;
    out.push(copy as unknown as Command);
  }
  return out;
}

function numericId(id: unknown): number {
  if (typeof id !== "number" || !Number.isSafeInteger(id) || id <= 0) {
    throw new Error(`the native flow file holds positive integer ids only, not ${String(id)}`);
  }
  return id;
}

/** Encodes an order-only flow (orderFlowOnly's output); anything else is a bug in the caller. */
export function encodeFlow(flow: readonly Command[]): Buffer {
  const buffer = Buffer.alloc(HEADER_BYTES + flow.length * RECORD_BYTES);
  buffer.write(FLOW_MAGIC, 0, "latin1");
  buffer.writeBigUInt64LE(BigInt(flow.length), 8);
  let at = HEADER_BYTES;
  for (const c of flow) {
    let kind = 0;
    let side = 0;
    let tif = 0;
    let flags = 0;
    let protection = 0;
    let price = 0;
    let qty = 0;
    switch (c.type) {
      case "limit":
        kind = KIND_LIMIT;
        side = c.side === "buy" ? 0 : 1;
        tif = c.tif === "IOC" ? 1 : c.tif === "FOK" ? 2 : 0;
        if (c.postOnly === true) flags |= POST_ONLY;
        price = c.price;
        qty = c.qty;
        break;
      case "market":
        kind = KIND_MARKET;
        side = c.side === "buy" ? 0 : 1;
        qty = c.qty;
        if (c.protectionPpm !== undefined) {
          flags |= HAS_PROTECTION;
          protection = c.protectionPpm;
        }
        break;
      case "cancel":
        kind = KIND_CANCEL;
        break;
      case "modify":
        kind = KIND_MODIFY;
        if (c.qty !== undefined) {
          flags |= HAS_QTY;
          qty = c.qty;
        }
        if (c.price !== undefined) {
          flags |= HAS_PRICE;
          price = c.price;
        }
        break;
      default:
        throw new Error(`the native flow file has no ${c.type} command`);
    }
    if ("account" in c || "stp" in c || ("reduceOnly" in c && c.reduceOnly === true)) {
      throw new Error("the native flow file holds no accounts, self-trade modes or reduce-only orders");
    }
    buffer.writeUInt8(kind, at);
    buffer.writeUInt8(side, at + 1);
    buffer.writeUInt8(tif, at + 2);
    buffer.writeUInt8(flags, at + 3);
    buffer.writeUInt32LE(protection, at + 4);
    buffer.writeBigUInt64LE(BigInt(numericId(c.id)), at + 8);
    buffer.writeBigUInt64LE(BigInt(price), at + 16);
    buffer.writeBigUInt64LE(BigInt(qty), at + 24);
    at += RECORD_BYTES;
  }
  return buffer;
}
