/**
 * dYdX v4's liquidation rules (protocol/x/clob/keeper/liquidations.go), emulated: at most one
 * liquidation order per account every `blockNs` of command time, an immediate-or-cancel order at
 * the fillable price (GetFillablePrice) for at most the position block limit
 * (GetLiquidatablePositionSizeDelta); it stops once health is back at 100%; its fee
 * (GetLiquidationInsuranceFundDelta) goes to the insurance fund; an order that fills nothing
 * while equity is below zero goes to auto-deleveraging.
 *
 * Choices the source leaves open or that differ in this engine: dYdX picks the position by a
 * pseudo-random offset, here the largest maintenance margin goes first; the block is a window of
 * command time from the last order, not a chain height; the engine's taker fee is charged as on
 * any child order.
 */
import { MAX_SAFE, mulDivFloor, PPM } from "../protocol/units.js";
import type { Account, Position } from "./account.js";
import { deleverage, type OffBookTransfer } from "./auto-deleverage.js";
import type { ChildFill, ChildOrders } from "./child-orders.js";
import { byMaintenanceDesc, isDue, type LiquidationPolicy, nextSlice } from "./liquidation-policy.js";
import { penaltyRoom } from "./penalty.js";
import { equityOf, maintenanceOf } from "./pre-trade-risk.js";

export class DydxPolicy implements LiquidationPolicy {
  readonly mode = "dydx";

  constructor(
    private readonly children: ChildOrders,
    private readonly host: OffBookTransfer,
  ) {}

  staysAwake(a: Account): boolean {
    // It waits for the next block (the positions' nextSliceAt), unless bankrupt: auto-deleveraging
    // waits on the other side's positions, which the schedule does not watch.
    return equityOf(a) < 0;
  }

  holds(): boolean {
    return false; // liquidatable only below the maintenance margin
  }

  work(a: Account, now: number): void {
    for (const p of a.positions) if (p.qty !== 0 && !isDue(now, p.nextSliceAt)) return; // this block's order went
    const equity = equityOf(a);
    const mm = maintenanceOf(a);
    if (mm === 0 || equity >= mm) return;
    const p = byMaintenanceDesc(a).find((q) => q.qty !== 0);
    if (p === undefined) return;
    const filled = this.children.send(p, fillablePrice(p, equity, mm), liquidatableLots(p), this);
    const block = p.instrument.liquidation.venue.dydx.blockNs;
    for (const q of a.positions) if (q.qty !== 0) q.nextSliceAt = nextSlice(now, block);
    if (filled === 0 && equityOf(a) < 0) deleverage(a, this.host, this.children.events);
  }

  /**
   * The liquidation fee: at most `maxFeePpm` of the fill's notional, and never more than what
   * the fill got above the bankruptcy price, −DNNV − TNC × |DMMR| / TMMR (the proceeds at which
   * the account's equity over its maintenance margin would not change): penalty.ts's room.
   */
  penaltyOf(p: Position, fill: ChildFill): number {
    const inst = p.instrument;
    const atOracle = fill.qty * inst.book.oraclePrice;
    const slippage = fill.sold ? fill.notional - atOracle : atOracle - fill.notional;
    const released = fill.mmPositionBefore - inst.tiers.maintenance(p.notional());
    const room = penaltyRoom(fill.equityBefore, fill.mmBefore, slippage - fill.fees, released);
    if (room <= 0) return 0;
    return Math.min(mulDivFloor(fill.notional, inst.liquidation.venue.dydx.maxFeePpm, PPM), room);
  }
}

/**
 * GetFillablePrice: (PNNV − ABR × SMMR × PMMR) / PS with ABR = clamp(1 − TNC / TMMR, 0, 1):
 * a long sells down to oracle × (1 − ABR × SMMR × MMR), a short buys up to the mirror, rounded
 * toward the oracle (up for a sell, down for a buy) as ConvertFillablePriceToSubticks does.
 */
export function fillablePrice(p: Position, equity: number, mm: number): number {
  const o = BigInt(p.instrument.book.oraclePrice);
  const held = BigInt(Math.abs(p.qty));
  const tmmr = BigInt(mm);
  const abr = BigInt(Math.min(mm, Math.max(0, mm - equity))); // ABR × TMMR
  const pmmr = BigInt(p.instrument.tiers.maintenance(p.notional()));
  const smmr = BigInt(p.instrument.liquidation.venue.dydx.spreadToMmrPpm);
  const ppm = BigInt(PPM);
  const den = held * tmmr * ppm;
  const spread = abr * smmr * pmmr;
  if (p.qty > 0) {
    const num = held * o * tmmr * ppm - spread;
    return num <= 0n ? 1 : Math.max(1, Number((num + den - 1n) / den));
  }
  const price = (held * o * tmmr * ppm + spread) / den;
  return price > BigInt(MAX_SAFE) ? MAX_SAFE : Number(price);
}

/**
 * GetLiquidatablePositionSizeDelta: at most `maxPositionPortionPpm` of the position's notional
 * but at least `minNotional` (or the whole position when smaller), and at most
 * `maxNotionalPerBlock`; the whole position when that covers it, else whole lots rounded down
 * (at least one).
 */
export function liquidatableLots(p: Position): number {
  const d = p.instrument.liquidation.venue.dydx;
  const held = Math.abs(p.qty);
  const notional = p.notional();
  const least = Math.min(d.minNotional, notional);
  const most = Math.min(Math.max(least, mulDivFloor(notional, d.maxPositionPortionPpm, PPM)), d.maxNotionalPerBlock);
  if (notional <= most || held <= 1) return held;
  const o = p.instrument.book.oraclePrice;
  return Math.min(held, Math.max(1, Math.floor(most / o)));
}
