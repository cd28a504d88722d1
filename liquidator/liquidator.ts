/**
 * Execution: the liquidator works every account in liquidation once after each accepted command.
 *
 * - soft: for each position (largest maintenance margin first) whose pacing allows it, the
 *   quantity that restores the account's target health (close-quantity.ts) is sliced: one
 *   immediate-or-cancel child order of at most `participationPpm` of the opposite depth inside
 *   the limit, the limit at most `maxSlippagePpm` from the oracle and never past the account's
 *   bankruptcy price (fees included); then nothing for `sliceIntervalNs`, so the book can refill.
 *   Stage 2 (health below `stage2HealthPpm`) doubles the share and halves the interval. When no
 *   partial close at the live book reaches the target the account is UNRESTORABLE (reported as a
 *   stage): its positions are worked down whole, still paced. An account whose equity is zero or
 *   below (bankrupt) has no bankruptcy price left to respect: its positions go at once, inside the
 *   slippage bound.
 * - hard (the baseline): every position goes to the book at once, unbounded, as a market order.
 *
 * Each child's fills carry `liquidation: true`. Soft: the penalty is `penaltyPpm` of the notional
 * the child actually closed, at most `penaltyGainSharePpm` of what the slice gained in health
 * terms and nothing on a slice that lowered health (penalty.ts). Hard: `penaltyPpm` of the
 * notional, never more than the account's remaining equity. Penalties go to the insurance fund.
 * An account left flat with negative collateral is paid by the fund (coverBadDebt).
 *
 * Bankruptcy falls to the insurance fund first: while the fund holds the account's shortfall at
 * the oracle, its positions go to the book and the fund pays what they leave owed. When it does
 * not, auto-deleveraging: each position passes, at the account's bankruptcy price (where its
 * equity comes back to zero), to the accounts holding the other side, most profitable and most
 * leveraged first; what they cannot take goes to the book as before.
 */
import type { EventStream } from "../engine/event-stream.js";
import type { MarginControl } from "../engine/margin-hooks.js";
import { BUY, SELL } from "../protocol/commands.js";
import { MAX_SAFE, mulDivCeil, mulDivFloor, PPM } from "../protocol/units.js";
import { type Account, HEALTHY, type Position } from "./account.js";
import { CloseSizing, closingSide, ownOrdersOpposite, type ReduceOnlyRooms, takeableAt } from "./close-quantity.js";
import { stage2Of, targetOf } from "./liquidation-params.js";
import { ceilDiv, floorDiv, healthPpmOf } from "./money.js";
import { slicePenalty } from "./penalty.js";
import { equityOf, maintenanceOf } from "./pre-trade-risk.js";
import { WakeSchedule } from "./wake-schedule.js";

/** What the liquidator needs of the margin engine: the fund, the other accounts, and off-book trades. */
export interface LiquidationHost extends ReduceOnlyRooms {
  /** Where penalties go and bad debt is paid from. */
  insuranceFund: number;
  /** Books a trade of `qty` lots at `price` on a position, off the book and without fees. */
  settleOffBook(p: Position, buy: boolean, price: number, qty: number): void;
  /** Whether a partial close at the live book can restore the account (else it is UNRESTORABLE). */
  setRestorable(a: Account, restorable: boolean): void;
}

export class Liquidator {
  /** Child orders sent so far; the n-th has the id "liq:n". */
  childSeq = 0;
  private control: MarginControl | null = null;
  /** What the child being matched has filled (onChildFill). */
  private filledQty = 0;
  private filledNotional = 0;
  private filledFees = 0;
  private readonly sizing = new CloseSizing();

  constructor(
    readonly mode: "soft" | "hard",
    private readonly fund: LiquidationHost,
  ) {}

  attach(control: MarginControl): void {
    this.control = control;
  }

  /** Called for each fill of a child order, with the taker fee the child paid on it. */
  onChildFill(price: number, qty: number, fee: number): void {
    this.filledQty += qty;
    this.filledNotional += price * qty;
    this.filledFees += fee;
  }

  /** Which accounts in liquidation may have work (wake-schedule.ts). */
  private schedule = new WakeSchedule();
  /**
   * Tests: look at every account in liquidation after every command, in creation order. The
   * schedule must give exactly the same events; this is the reference it is checked against.
   */
  exhaustive = false;

  /** Forgets every sleeper (a state restore replaces the accounts). */
  resetSchedule(): void {
    this.schedule = new WakeSchedule();
  }

  /** The account's money or position changed: look at it (later in this run if it comes later). */
  wake(a: Account): void {
    this.schedule.wake(a);
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

  /**
   * After its turn, an account sleeps when each position it holds waits for something the
   * schedule watches: its next slice time, or an order joining its closing side. Anything else
   * (hard mode, bankruptcy, a position it could not classify) keeps it awake.
   */
  private sleepOrStay(a: Account, now: number): void {
    const schedule = this.schedule;
    if (this.mode === "hard" || equityOf(a) <= 0) {
      schedule.wake(a);
      return;
    }
    let until = Number.POSITIVE_INFINITY;
    let held = 0;
    for (const p of a.positions) {
      if (p.qty === 0) continue;
      held++;
      if (now < p.nextSliceAt) until = Math.min(until, p.nextSliceAt);
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
      if (p.qty !== 0 && now >= p.nextSliceAt) schedule.sleepOnSide(a, p, closingSide(p));
    }
  }

  private work(a: Account, now: number): void {
    const equity = equityOf(a);
    // What the other side could not take goes to the book below.
    if (equity < 0 && this.fund.insuranceFund < -equity) this.deleverage(a);
    if (this.mode === "hard") {
      for (const p of byMaintenanceDesc(a)) this.sendWhole(p, p.qty > 0 ? 1 : MAX_SAFE);
      return;
    }
    // Bankrupt (or at zero, where the bankruptcy price is the oracle and nothing would fill): no
    // bankruptcy price left to respect, each position at once inside the slippage bound, until the
    // equity is back above zero (then the rest is worked softly).
    for (const p of byMaintenanceDesc(a)) {
      if (equityOf(a) > 0) break;
      if (this.sendWhole(p, slippageBound(p)) && p.qty !== 0) {
        p.nextSliceAt = nextSlice(now, p.instrument.liquidation.sliceIntervalNs);
      }
    }
    // Every account in liquidation is looked at after every command: the common answers (paced,
    // nothing inside the bound) come first and cheap; the close-quantity walk only when a slice can go.
    if (!anyDue(a, now)) return;
    for (const p of this.legsInOrder(a, now)) {
      if (now < p.nextSliceAt || p.parkedAt === closingSide(p).addCount) continue;
      const equity = equityOf(a);
      const mm = maintenanceOf(a);
      if (mm === 0 || equity <= 0) return; // flat, or still bankrupt: the next turn's work
      const health = healthPpmOf(equity, mm);
      const target = targetOf(a);
      if (health >= target) return;
      const settings = p.instrument.liquidation;
      const stage2 = health < stage2Of(a);
      const share = stage2 ? Math.min(PPM, 2 * settings.participationPpm) : settings.participationPpm;
      const limit = softLimit(p, equity);
      // Depth beyond what a slice of the whole position could use does not matter: the walk stops there.
      const depth = depthWithin(p, limit, mulDivCeil(Math.abs(p.qty), PPM, share), true);
      // At most the share of the depth: too little depth for one lot is no depth (wait for the refill).
      const most = mulDivFloor(depth, share, PPM);
      if (most === 0) {
        p.parkedAt = closingSide(p).addCount;
        continue;
      }
      const sizing = this.sizing;
      sizing.size(p, equity, mm, target, settings, this.fund);
      this.fund.setRestorable(a, sizing.restores || sizing.bookShort);
      this.send(p, limit, Math.min(sizing.qty, most));
      const interval = settings.sliceIntervalNs;
      if (p.qty !== 0) p.nextSliceAt = nextSlice(now, stage2 ? Math.floor(interval / 2) : interval);
    }
  }

  /**
   * The order in which a soft turn works an account's positions: one position alone as it is;
   * several: those whose partial close alone restores the target, least notional closed first
   * (the cheapest way back: fewer lots sold, less slippage and penalty), then the others by
   * maintenance margin, largest first.
   */
  private legsInOrder(a: Account, now: number): Position[] {
    if (a.positions.length === 1) return a.positions;
    const legs = byMaintenanceDesc(a);
    if (legs.length < 2) return legs;
    const equity = equityOf(a);
    const mm = maintenanceOf(a);
    if (mm === 0 || equity <= 0) return legs;
    const target = targetOf(a);
    const cost = legs.map((p) => {
      if (now < p.nextSliceAt || p.parkedAt === closingSide(p).addCount) return Number.POSITIVE_INFINITY;
      const sizing = this.sizing;
      sizing.size(p, equity, mm, target, p.instrument.liquidation, this.fund);
      return sizing.restores ? sizing.qty * p.instrument.book.oraclePrice : Number.POSITIVE_INFINITY;
    });
    const order = legs.map((_, i) => i).sort((x, y) => (cost[x] as number) - (cost[y] as number) || x - y);
    return order.map((i) => legs[i] as Position);
  }

  /** The whole position at `limit` or better, when anything rests inside it (else it waits for liquidity). */
  private sendWhole(p: Position, limit: number): boolean {
    if (p.qty === 0 || depthWithin(p, limit, 1, false) === 0) return false;
    this.send(p, limit, Math.abs(p.qty));
    return true;
  }

  /**
   * Sends one child order closing up to `qty` lots of `p` at `limit` or better; charges the
   * penalty on what it closed. The size and limit keep every sum of its fills a safe integer (a
   * child skips the pre-trade checks that hold a user order to that).
   */
  private send(p: Position, limitPrice: number, wanted: number): void {
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
    if (qty === 0 || limit < 1) return;
    let id = `liq:${++this.childSeq}`;
    while (control.isLive(id)) id = `liq:${++this.childSeq}`; // a user's resting order may hold the name
    const e = events.begin();
    e.type = "liquidation_order";
    e.account = a.name;
    e.symbol = inst.symbol;
    e.id = id;
    e.side = side === BUY ? "buy" : "sell";
    e.price = limit;
    e.qty = qty;
    events.publish(e);
    this.filledQty = 0;
    this.filledNotional = 0;
    this.filledFees = 0;
    const equityBefore = equityOf(a);
    const mmBefore = maintenanceOf(a);
    const mmPositionBefore = inst.tiers.maintenance(p.notional());
    control.submitChild(inst.book, id, a.name, side, limit, qty);
    if (this.filledQty === 0) return;
    const settings = inst.liquidation;
    let penalty: number;
    if (this.mode === "hard") {
      penalty = Math.min(mulDivCeil(this.filledNotional, settings.penaltyPpm, PPM), Math.max(0, equityOf(a)));
    } else {
      const atOracle = this.filledQty * inst.book.oraclePrice;
      const slippage = side === SELL ? this.filledNotional - atOracle : atOracle - this.filledNotional;
      penalty = slicePenalty(
        settings.penaltyPpm,
        settings.penaltyGainSharePpm,
        this.filledNotional,
        equityBefore,
        mmBefore,
        slippage - this.filledFees,
        mmPositionBefore - inst.tiers.maintenance(p.notional()),
      );
    }
    a.collateral -= penalty;
    this.fund.insuranceFund += penalty;
    const r = events.begin();
    r.type = "liquidation_reduced";
    r.account = a.name;
    r.symbol = inst.symbol;
    r.qty = this.filledQty;
    r.notional = this.filledNotional;
    r.penalty = penalty;
    r.position = p.qty;
    events.publish(r);
  }

  /**
   * Auto-deleveraging of a bankrupt account the fund cannot cover: its positions, largest
   * maintenance margin first, pass to opposite positions at the bankruptcy price until its equity
   * is back at zero or more.
   */
  private deleverage(a: Account): void {
    for (const p of byMaintenanceDesc(a)) {
      const equity = equityOf(a);
      if (equity >= 0) return;
      if (p.qty === 0) continue;
      const held = Math.abs(p.qty);
      const o = p.instrument.book.oraclePrice;
      const long = p.qty > 0;
      // The price that brings the equity back to zero if the whole position goes there (rounded so it does).
      const shift = ceilDiv(-equity, held);
      const price = long ? o + shift : Math.max(1, o - shift);
      for (const c of deleverageQueue(p)) {
        if (p.qty === 0) break;
        // A counterparty gives up at most its profit over the position's life (what earlier rounds
        // took is realized in it), never more than its equity: no new bad debt, no profit taken twice.
        const room = Math.min(c.lifeProfitAt(o), equityOf(c.account));
        const qty = Math.min(Math.abs(p.qty), Math.abs(c.qty), shift === 0 ? MAX_SAFE : floorDiv(room, shift));
        if (qty <= 0) continue;
        this.fund.settleOffBook(p, !long, price, qty);
        this.fund.settleOffBook(c, long, price, qty);
        const events = (this.control as MarginControl).events;
        const e = events.begin();
        e.type = "liquidation_adl";
        e.account = a.name;
        e.counterparty = c.account.name;
        e.symbol = p.instrument.symbol;
        e.side = long ? "sell" : "buy";
        e.price = price;
        e.qty = qty;
        events.publish(e);
      }
    }
  }

  /** An account left flat owes −collateral: the fund pays what it can (the rest stays owed). */
  coverBadDebt(a: Account, events: EventStream): void {
    const debt = -a.collateral;
    const paid = Math.min(debt, this.fund.insuranceFund);
    this.fund.insuranceFund -= paid;
    a.collateral += paid;
    const e = events.begin();
    e.type = "liquidation_insurance";
    e.account = a.name;
    e.badDebt = debt;
    e.amount = paid;
    e.insuranceFund = this.fund.insuranceFund;
    events.publish(e);
  }
}

/**
 * The positions on the other side of `p`'s instrument that auto-deleveraging takes from: accounts
 * in profit with positive equity, ranked by profit (of entry) × leverage (notional over equity),
 * highest first; ties in creation order. Exact: the ratios compare by cross-multiplied BigInts.
 */
function deleverageQueue(p: Position): Position[] {
  const inst = p.instrument;
  const o = inst.book.oraclePrice;
  const long = p.qty > 0;
  // score = (profit / entry) × (notional / equity) = num / den, compared by cross-multiplying.
  const ranked: { position: Position; num: bigint; den: bigint; seq: number }[] = [];
  for (const other of inst.holders) {
    if (other.account === p.account || other.qty === 0 || other.qty > 0 === long) continue;
    const profit = other.lifeProfitAt(o);
    const equity = equityOf(other.account);
    if (profit <= 0 || equity <= 0 || other.entryNotional === 0) continue;
    const num = BigInt(profit) * BigInt(other.notional());
    const den = BigInt(other.entryNotional) * BigInt(equity);
    ranked.push({ position: other, num, den, seq: other.account.seq });
  }
  ranked.sort((x, y) => {
    const left = x.num * y.den;
    const right = y.num * x.den;
    return left === right ? x.seq - y.seq : left > right ? -1 : 1;
  });
  return ranked.map((r) => r.position);
}

/** The next slice time, clamped to the safe range (a large `ts` plus a large interval). */
function nextSlice(now: number, interval: number): number {
  return Math.min(MAX_SAFE, now + interval);
}

/** Whether a position of the account is held and past its pacing. */
function anyDue(a: Account, now: number): boolean {
  for (const p of a.positions) {
    if (p.qty !== 0 && now >= p.nextSliceAt && p.parkedAt !== closingSide(p).addCount) return true;
  }
  return false;
}

/** The positions held, largest maintenance margin first (ties: the order they were opened). */
function byMaintenanceDesc(a: Account): Position[] {
  if (a.positions.length === 1) return a.positions; // the common case: nothing to sort
  const held = a.positions.filter((p) => p.qty !== 0);
  const mm = held.map((p) => p.instrument.tiers.maintenance(p.notional()));
  const order = held.map((_, i) => i).sort((x, y) => (mm[y] as number) - (mm[x] as number) || x - y);
  return order.map((i) => held[i] as Position);
}

/** The worst price a child may trade at: `maxSlippagePpm` from the oracle (rounded inward). */
function slippageBound(p: Position): number {
  const o = p.instrument.book.oraclePrice;
  const slip = p.instrument.liquidation.maxSlippagePpm;
  return p.qty > 0 ? Math.max(1, mulDivCeil(o, PPM - slip, PPM)) : mulDivFloor(o, PPM + slip, PPM);
}

/**
 * The slippage bound, and never past the bankruptcy price: the price at which closing the whole
 * position, with the taker fees of the close, would use up the account's equity (cross margin:
 * all of it backs this position). A long sells n lots at p for n·p·(1 − fee) and must keep
 * E + n·p·(1 − fee) − n·o ≥ 0; a short buys at p·(1 + fee) and must keep E − n·p·(1 + fee) + n·o ≥ 0.
 * Each fill's fee rounds up on its own (at most one unit a lot), so with a fee one unit a lot
 * is held back from the equity.
 */
function softLimit(p: Position, equity: number): number {
  const inst = p.instrument;
  const o = inst.book.oraclePrice;
  const held = Math.abs(p.qty);
  const fee = Math.max(0, inst.takerFeePpm);
  const budget = Math.max(0, fee > 0 ? equity - held : equity);
  const bound = slippageBound(p);
  if (p.qty > 0) {
    const owed = held * o - budget; // what the proceeds after fees must cover
    const bankruptcy = owed <= 0 ? 1 : ceilDiv(mulDivCeil(owed, PPM, Math.max(1, PPM - fee)), held);
    return Math.max(bound, bankruptcy);
  }
  const bankruptcy = floorDiv(mulDivFloor(Math.min(MAX_SAFE, held * o + budget), PPM, PPM + fee), held);
  return Math.min(bound, bankruptcy);
}

/** A lot at the slippage bound's distance from the touch counts this much (ppm) of a lot at the touch. */
const WEIGHT_AT_LIMIT = 100_000;

/**
 * Lots the account can take on the closing side at `limit` or better (counted up to `enough`).
 * `weighted`: each level's lots count by their distance from the touch (the best level counts
 * fully), linearly less down to a tenth at the slippage bound's distance (`maxSlippagePpm` of the
 * oracle, whatever tighter limit the bankruptcy price sets). The participation share is taken of this
 * weighted depth, so that lots far from the touch cannot size a child that then sells most of
 * itself there (a 1,000-lot bid at a 1% limit behind 10 lots at the touch made a 10% child of 101
 * lots, 91 of them at −1%; weighted, 110 lots count and the child is 11), while a book whose only
 * depth is far still gets children sized on it (its best level is its touch).
 */
function depthWithin(p: Position, limit: number, enough: number, weighted: boolean): number {
  const long = p.qty > 0;
  const best = closingSide(p).best;
  if (best === null || (long ? best.price < limit : best.price > limit)) return 0; // the usual wait: no walk
  const account = p.account.name;
  const own = ownOrdersOpposite(p);
  const touch = best.price;
  // The slippage bound's width in ticks: a level that far from the touch counts a tenth.
  const reach = Math.max(1, mulDivCeil(p.instrument.book.oraclePrice, p.instrument.liquidation.maxSlippagePpm, PPM));
  const levels = closingSide(p).cursor();
  let depth = 0;
  for (let level = levels.next(); level !== null; level = levels.next()) {
    const price = level.price;
    if (long ? price < limit : price > limit) break;
    const lots = takeableAt(level, account, own);
    const away = Math.min(reach, Math.abs(touch - price));
    if (!weighted || away === 0) depth += lots;
    else depth += mulDivFloor(lots, PPM - mulDivFloor(PPM - WEIGHT_AT_LIMIT, away, reach), PPM);
    if (depth >= enough) break;
  }
  return depth;
}
