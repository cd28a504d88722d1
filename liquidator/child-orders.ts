/**
 * The liquidator's child orders: immediate-or-cancel, reduce-only orders of the account in
 * liquidation (ids `liq:1`, `liq:2`, …), each announced by `liquidation_order`, its fills carrying
 * `liquidation: true`, and what it closed reported by `liquidation_reduced` with the penalty the
 * policy charged on it, paid to the insurance fund.
 */
import type { EventStream } from "../engine/event-stream.js";
import type { MarginControl } from "../engine/margin-hooks.js";
import { BUY, SELL } from "../protocol/commands.js";
import { MAX_SAFE } from "../protocol/units.js";
import type { Account, Position } from "./account.js";
import { depthWithin } from "./liquidation-slice.js";
import { equityOf, maintenanceOf } from "./pre-trade-risk.js";

/** What the child just sent did, and the account's figures before it (for the penalty). */
export class ChildFill {
  /** A long's child sells; a short's buys. */
  sold = false;
  qty = 0;
  notional = 0;
  /** The taker fees the child paid, fill by fill. */
  fees = 0;
  equityBefore = 0;
  mmBefore = 0;
  /** The position's own maintenance margin before the child. */
  mmPositionBefore = 0;
}

/** How a policy charges the penalty on what a child closed. */
export interface PenaltyCharge {
  penaltyOf(p: Position, fill: ChildFill): number;
}

/** Where penalties go. */
export interface FundHolder {
  insuranceFund: number;
}

export class ChildOrders {
  /** Child orders sent so far; the n-th has the id "liq:n" (skipping ids that rest on the book). */
  seq = 0;
  private control: MarginControl | null = null;
  private readonly fill = new ChildFill();

  constructor(private readonly fund: FundHolder) {}

  attach(control: MarginControl): void {
    this.control = control;
  }

  get events(): EventStream {
    return (this.control as MarginControl).events;
  }

  /** Called for each fill of a child order, with the taker fee the child paid on it. */
  onFill(price: number, qty: number, fee: number): void {
    const f = this.fill;
    f.qty += qty;
    f.notional += price * qty;
    f.fees += fee;
  }

  /** The whole position at `limit` or better, when anything rests inside it (else it waits for liquidity). */
  sendWhole(p: Position, limit: number, charge: PenaltyCharge): boolean {
    if (p.qty === 0 || depthWithin(p, limit, 1, false) === 0) return false;
    this.send(p, limit, Math.abs(p.qty), charge);
    return true;
  }

  /**
   * Sends one child order closing up to `wanted` lots of `p` at `limitPrice` or better; charges
   * the penalty on what it closed; returns the lots it closed. The size and limit keep every sum of its fills a safe integer
   * (a child skips the pre-trade checks that hold a user order to that).
   */
  send(p: Position, limitPrice: number, wanted: number, charge: PenaltyCharge): number {
    const control = this.control as MarginControl;
    const events = control.events;
    const a = p.account;
    const inst = p.instrument;
    const side = p.qty > 0 ? SELL : BUY;
    let qty = wanted;
    let limit = limitPrice;
    if (side === BUY) limit = Math.min(limit, Math.floor(MAX_SAFE / qty));
    else {
      const best = inst.book.bids.best?.price ?? 1; // sells fill at the best bid or lower
      qty = Math.min(qty, Math.floor(MAX_SAFE / best));
    }
    if (qty === 0 || limit < 1) return 0;
    let id = `liq:${++this.seq}`;
    while (control.isLive(id)) id = `liq:${++this.seq}`; // a user's resting order may hold the name
    const e = events.begin();
    e.type = "liquidation_order";
    e.account = a.name;
    e.symbol = inst.symbol;
    e.id = id;
    e.side = side === BUY ? "buy" : "sell";
    e.price = limit;
    e.qty = qty;
    events.publish(e);
    const fill = this.fill;
    fill.sold = side === SELL;
    fill.qty = 0;
    fill.notional = 0;
    fill.fees = 0;
    fill.equityBefore = equityOf(a);
    fill.mmBefore = maintenanceOf(a);
    fill.mmPositionBefore = inst.tiers.maintenance(p.notional());
    control.submitChild(inst.book, id, a.name, side, limit, qty);
    if (fill.qty === 0) return 0;
    this.report(a, p, charge.penaltyOf(p, fill));
    return fill.qty;
  }

  private report(a: Account, p: Position, penalty: number): void {
    const fill = this.fill;
    a.collateral -= penalty;
    this.fund.insuranceFund += penalty;
    const events = (this.control as MarginControl).events;
    const r = events.begin();
    r.type = "liquidation_reduced";
    r.account = a.name;
    r.symbol = p.instrument.symbol;
    r.qty = fill.qty;
    r.notional = fill.notional;
    r.penalty = penalty;
    r.position = p.qty;
    events.publish(r);
  }
}
