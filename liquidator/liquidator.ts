/**
 * The liquidator's turn: once after each accepted command it works every account in liquidation
 * that may have work (wake-schedule.ts), in creation order: auto-deleveraging first when the
 * account is bankrupt beyond what the insurance fund holds (auto-deleverage.ts), then its policy
 * (soft-policy.ts, hard-policy.ts, and the venues' hyperliquid-, dydx- and drift-policy.ts) sends child orders (child-orders.ts). The insurance fund pays
 * the debt of an account left flat (insurance-fund.ts).
 */
import type { EventStream } from "../engine/event-stream.js";
import type { MarginControl } from "../engine/margin-hooks.js";
import { type Account, HEALTHY } from "./account.js";
import { deleverage, type OffBookTransfer } from "./auto-deleverage.js";
import type { BackstopHost } from "./backstop.js";
import { ChildOrders, type FundHolder } from "./child-orders.js";
import { closingSide } from "./close-quantity.js";
import { DriftPolicy } from "./drift-policy.js";
import { DydxPolicy } from "./dydx-policy.js";
import { HardPolicy } from "./hard-policy.js";
import { HyperliquidPolicy } from "./hyperliquid-policy.js";
import { coverBadDebt } from "./insurance-fund.js";
import type { LiquidatingMode } from "./liquidation-params.js";
import { isDue, type LiquidationPolicy } from "./liquidation-policy.js";
import { equityOf } from "./pre-trade-risk.js";
import { type SoftHost, SoftPolicy } from "./soft-policy.js";
import { WakeSchedule } from "./wake-schedule.js";

/** What the liquidator needs of the margin engine: the fund, off-book transfers, the other accounts' rooms, stages. */
export interface LiquidationHost extends FundHolder, OffBookTransfer, SoftHost, BackstopHost {}

export class Liquidator {
  private control: MarginControl | null = null;
  private readonly children: ChildOrders;
  private readonly policy: LiquidationPolicy;
  /** Which accounts in liquidation may have work (wake-schedule.ts). */
  private schedule = new WakeSchedule();
  /**
   * Tests: look at every account in liquidation after every command, in creation order. The
   * schedule must give exactly the same events; this is the reference it is checked against.
   */
  exhaustive = false;

  constructor(
    mode: LiquidatingMode,
    private readonly host: LiquidationHost,
  ) {
    this.children = new ChildOrders(host);
    this.policy = policyFor(mode, this.children, host);
  }

  get mode(): LiquidatingMode {
    return this.policy.mode;
  }

  /** Whether an account in liquidation at or above 100% health stays in it (its policy restores more). */
  holds(a: Account, equity: number, mm: number, health: number): boolean {
    return this.policy.holds(a, equity, mm, health);
  }

  /** Child orders sent so far; the n-th has the id "liq:n". */
  get childSeq(): number {
    return this.children.seq;
  }

  set childSeq(n: number) {
    this.children.seq = n;
  }

  attach(control: MarginControl): void {
    this.control = control;
    this.children.attach(control);
  }

  /** Called for each fill of a child order, with the taker fee the child paid on it. */
  onChildFill(price: number, qty: number, fee: number): void {
    this.children.onFill(price, qty, fee);
  }

  /** Forgets every sleeper (a state restore replaces the accounts). */
  resetSchedule(): void {
    this.schedule = new WakeSchedule();
  }

  /** The account's money or position changed: look at it (later in this run if it comes later). */
  wake(a: Account): void {
    this.schedule.wake(a);
  }

  /** An account left flat owes −collateral: the fund pays what it can (the rest stays owed). */
  coverBadDebt(a: Account, events: EventStream): void {
    coverBadDebt(a, this.host, events);
  }

  /**
   * One turn: every account in liquidation that may have work, in creation order. `accounts` (all
   * of them, in creation order) is read only by the exhaustive reference.
   */
  run(accounts: Iterable<Account>, now: number): void {
    if (this.exhaustive) {
      for (const a of accounts) if (a.stage !== HEALTHY) this.work(a, now);
      return;
    }
    const schedule = this.schedule;
    schedule.begin(now);
    for (let a = schedule.take(); a !== null; a = schedule.take()) {
      if (a.stage === HEALTHY) continue; // left liquidation since it was woken
      this.work(a, now);
      this.sleepOrStay(a, now);
    }
  }

  private work(a: Account, now: number): void {
    const equity = equityOf(a);
    // What the other side could not take goes to the book, by the policy.
    if (equity < 0) {
      if (this.policy.mode === "soft") this.deleverageUncarried(a, equity);
      else if (this.host.insuranceFund < -equity) deleverage(a, this.host, (this.control as MarginControl).events);
    }
    this.policy.work(a, now);
  }

  /**
   * Soft holds a bankrupt account rather than sell it below its bankruptcy price (every such lot
   * is the fund's loss, and it drags the index the next account is marked at). As in every mode,
   * the fund carries a debt it could pay now (each account against the whole fund, as the venues'
   * rule does: nothing is reserved across accounts); of a larger debt, auto-deleveraging passes on
   * only the lots for the part the fund cannot carry, at the bankruptcy price, and the account
   * keeps the rest, so that a recovery can still save it. Passing the whole position whenever the
   * fund was short wiped out 43 of 69 accounts on cascade seed 1 (drift: 11), this 2 (issue 14).
   */
  private deleverageUncarried(a: Account, equity: number): void {
    const carried = Math.max(0, this.host.insuranceFund);
    if (-equity > carried) deleverage(a, this.host, (this.control as MarginControl).events, -carried);
  }

  /**
   * After its turn, an account sleeps when each position it holds waits for something the
   * schedule watches: its next slice time, or an order joining its closing side. Anything else
   * (the policy keeps it awake, a position it could not classify) keeps it awake.
   */
  private sleepOrStay(a: Account, now: number): void {
    const schedule = this.schedule;
    if (this.policy.staysAwake(a)) {
      schedule.wake(a);
      return;
    }
    let until = Number.POSITIVE_INFINITY;
    let held = 0;
    for (const p of a.positions) {
      if (p.qty === 0) continue;
      held++;
      if (!isDue(now, p.nextSliceAt)) until = Math.min(until, p.nextSliceAt);
      else if (p.parkedAt !== closingSide(p).addCount) {
        schedule.wake(a);
        return;
      }
    }
    if (held === 0) {
      schedule.wake(a);
      return;
    }
    if (until !== Number.POSITIVE_INFINITY) schedule.sleepUntil(a, until);
    for (const p of a.positions) {
      if (p.qty !== 0 && isDue(now, p.nextSliceAt)) schedule.sleepOnSide(a, p, closingSide(p));
    }
  }
}

function policyFor(mode: LiquidatingMode, children: ChildOrders, host: LiquidationHost): LiquidationPolicy {
  switch (mode) {
    case "soft":
      return new SoftPolicy(children, host);
    case "hard":
      return new HardPolicy(children);
    case "hyperliquid":
      return new HyperliquidPolicy(children, host);
    case "dydx":
      return new DydxPolicy(children, host);
    case "drift":
      return new DriftPolicy(children, host);
  }
}
