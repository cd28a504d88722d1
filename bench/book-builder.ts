/**
 * Books of a given shape, built fast: `orders` resting orders spread round-robin over `levels`
 * price levels (alternating bid and ask, outward from the touch). One reused input object feeds
 * Engine.apply, so building a 1M-order book leaves no command garbage behind.
 */
import type { Engine } from "../engine/engine.js";

export const MID = 100_000;
/** Large enough that the scaling workload's 1-lot takers never exhaust an order. */
export const RESTING_QTY = 1_000_000;

export interface BookShape {
  orders: number;
  levels: number;
}

/** The price of level `j`: even j are bids below MID, odd j asks above it. */
export function levelPrice(j: number): { side: "buy" | "sell"; price: number } {
  const depth = j >> 1;
  return j % 2 === 0 ? { side: "buy", price: MID - 1 - depth } : { side: "sell", price: MID + 1 + depth };
}

export interface LimitInput {
  type: "limit";
  id: number;
  side: "buy" | "sell";
  price: number;
  qty: number;
}

/** Rests orders 1…shape.orders; returns the next free id. */
export function buildBook(engine: Engine, shape: BookShape): number {
  const input: LimitInput = { type: "limit", id: 0, side: "buy", price: 0, qty: RESTING_QTY };
  for (let i = 0; i < shape.orders; i++) {
    const level = levelPrice(i % shape.levels);
    input.id = i + 1;
    input.side = level.side;
    input.price = level.price;
    engine.apply(input);
  }
  return shape.orders + 1;
}
