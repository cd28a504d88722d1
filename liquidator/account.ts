/**
 * An account's money: its settled collateral and one Position record per instrument it has
 * touched. Cross margin: every position of the account backs every other.
 */
import type { Order } from "../engine/order.js";
import type { InstrumentMargin } from "./instrument-margin.js";

/** An at-risk index entry: re-check `position.account` when the oracle reaches `price`. */
export class Trigger {
  price = 0;
  /** In its index now. */
  indexed = false;
  /** Bumped on every push and removal: a heap entry with another stamp is stale. */
  stamp = 0;
  constructor(readonly position: Position) {}
}

/** An account's liquidation stage (what its last exact check found). */
export const HEALTHY = 0;
/** Equity below maintenance margin (or, while a soft liquidation works it, below its target health). */
export const IN_BREACH = 1;
/** Health below the stage-2 threshold: faster and larger slices. */
export const STAGE2 = 2;
/** Equity below zero: closing everything at the oracle price would not pay the losses. */
export const BANKRUPT = 3;
/**
 * In liquidation with equity left, but no partial close at the live book reaches the target:
 * every lot the book would take lowers health. Its positions are closed whole, still paced, and
 * no penalty is charged on a slice that lowers health; set by the soft liquidator when it sizes a
 * slice, kept until a sizing finds a partial close again (or the account is restored, bankrupt or flat).
 */
export const UNRESTORABLE = 4;
/**
 * Healthy, but a `sigmas`-sigma adverse move over the horizon would breach it (soft mode, where an
 * instrument it holds has the pre-emptive stage on): reduced in small paced slices, no penalty.
 */
export const PREEMPTIVE = 5;
export type Stage =
  | typeof HEALTHY
  | typeof IN_BREACH
  | typeof STAGE2
  | typeof BANKRUPT
  | typeof UNRESTORABLE
  | typeof PREEMPTIVE;

export class Position {
  /** Signed lots: long > 0, short < 0. */
  qty = 0;
  /** What the open lots cost (quote units, ≥ 0): Σ price × qty of the fills that opened them, less what reductions released. */
  entryNotional = 0;
  /**
   * PnL realized by reductions since the position was opened (from flat or by a flip): with the
   * unrealized PnL, its profit over its life, which bounds what auto-deleveraging may take from it.
   */
  realizedPnl = 0;
  /** Open (unfilled) lots and Σ price × open of the account's resting orders here, reduce-only ones excluded. */
  openBuyQty = 0;
  openSellQty = 0;
  openBuyNotional = 0;
  openSellNotional = 0;
  /** Resting reduce-only orders, in the order they joined the book. */
  readonly reduceOnly: Order[] = [];
  /** Set when reduce-only orders must be re-fitted to the position after the command. */
  reduceOnlyStale = false;
  /** At-risk index entries: re-check when the oracle falls to `down.price` or rises to `up.price`. */
  readonly down: Trigger;
  readonly up: Trigger;
  /** Its place in its instrument's watch list (the account is in breach), or −1. */
  watchSlot = -1;
  /** Engine time (ns) before which the soft liquidator sends no child order for this position. */
  nextSliceAt = 0;
  /** Its allowance in the market-wide cap's window ending at `capEnd` (market-cap.ts; 0: none). */
  capEnd = 0;
  capLeft = 0;
  /**
   * Engine time since which the soft liquidator has found nothing inside this position's bound
   * (−1: it found some, or has not looked): after `backstopAfterNs` the backstops serve it.
   */
  starvedSince = -1;
  /**
   * The unrestorable ramp (unrestorable-ramp.ts): when the soft liquidator first found no partial
   * close of this position restoring its account in this liquidation (−1: not yet), and the lots
   * held then. Cleared when the account leaves liquidation.
   */
  rampSince = -1;
  rampQty = 0;
  /**
   * The closing side's addCount when the soft liquidator last found too little depth inside this
   * position's limit (−1: not waiting). Until an order joins that side or the account's money is
   * checked again (an oracle move, a fill, a transfer), looking again would find the same.
   */
  parkedAt = -1;
  /** The closing side's addCount its account is registered to wake on (−1: none), so a re-check adds no second entry. */
  waitingAt = -1;

  constructor(
    readonly account: Account,
    readonly instrument: InstrumentMargin,
  ) {
    this.down = new Trigger(this);
    this.up = new Trigger(this);
  }

  /** Profit over the position's life at `price`: realized since it opened plus unrealized. */
  lifeProfitAt(price: number): number {
    return this.realizedPnl + this.unrealizedAt(price);
  }

  /** Unrealized PnL at `price`: what closing at that price would realize. */
  unrealizedAt(price: number): number {
    return this.qty >= 0 ? this.qty * price - this.entryNotional : this.entryNotional + this.qty * price;
  }

  /** |qty| × the oracle price. */
  notional(): number {
    return Math.abs(this.qty) * this.instrument.book.oraclePrice;
  }

  isIdle(): boolean {
    return this.qty === 0 && this.openBuyQty === 0 && this.openSellQty === 0 && this.reduceOnly.length === 0;
  }
}

export class Account {
  /** Settled balance: deposits − withdrawals + realized PnL − fees − penalties. */
  collateral = 0;
  /** Positions by first touch; an instrument appears at most once. */
  readonly positions: Position[] = [];
  /**
   * HEALTHY, IN_BREACH, STAGE2, BANKRUPT or UNRESTORABLE, as the last exact check (and sizing) found; every change is reported. In a
   * stage other than HEALTHY the account has no triggers: it is re-checked on every oracle update
   * of an instrument it holds (its positions are on the instruments' watch lists).
   */
  stage: Stage = HEALTHY;
  /**
   * Set once the insurance fund has been asked to pay this account's debt (flat, negative
   * collateral), so that it is asked once per episode; cleared when it holds a position again or
   * its collateral is back at zero or more.
   */
  debtCovered = false;
  /**
   * The drift policy's clock: the engine time its liquidation began (−1: not under it) and the
   * maintenance margin (with buffer) its liquidations have freed since, which bound how much more
   * may go now (drift-policy.ts). Cleared when the account leaves liquidation.
   */
  liquidationSince = -1;
  marginFreed = 0;
  /** The liquidator's schedule will look at it (wake-schedule.ts); not state: a cache of "may have work". */
  awake = false;
  /** The time its entry in the schedule's timer heap is for (−1: none), so a re-check adds no second one. */
  timerAt = -1;
  /** Queued for a margin re-check after the current command. */
  queued = false;
  /** Its at-risk triggers are stale: re-placed before the next oracle update. */
  placePending = false;
  /** Stamp of the last oracle update that collected it (dedupes multi-trigger hits). */
  stamp = 0;
  /**
   * Its position while it holds exactly one (the common account), else null: the hot paths reach
   * it in one load instead of three (the array, its elements, the entry), each a cache miss with
   * thousands of accounts.
   */
  solo: Position | null = null;

  constructor(
    readonly name: string,
    /** Creation order: a stable tie-break in the at-risk index. */
    readonly seq: number,
  ) {}

  /** Its money or positions changed: whatever the liquidator was waiting for may have come. */
  unpark(): void {
    for (const p of this.positions) p.parkedAt = -1;
  }

  get breached(): boolean {
    return this.stage !== HEALTHY;
  }

  positionIn(instrument: InstrumentMargin): Position | null {
    const solo = this.solo;
    if (solo !== null) return solo.instrument === instrument ? solo : null;
    for (const p of this.positions) if (p.instrument === instrument) return p;
    return null;
  }

  positionFor(instrument: InstrumentMargin): Position {
    const found = this.positionIn(instrument);
    if (found !== null) return found;
    const p = new Position(this, instrument);
    this.positions.push(p);
    this.solo = this.positions.length === 1 ? p : null;
    instrument.holders.push(p);
    return p;
  }
}
