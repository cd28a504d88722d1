/**
 * Soft liquidation: for each position whose pacing allows it, the quantity that restores the
 * account's target health (close-quantity.ts) is sliced (liquidation-slice.ts): one
 * immediate-or-cancel child of at most `participationPpm` of the weighted depth inside its limit,
 * the limit at most `maxSlippagePpm` from the oracle and never past the bankruptcy price; then
 * nothing for `sliceIntervalNs`, so the book can refill. Stage 2 (health below `stage2HealthPpm`)
 * doubles the share and halves the interval; the children of all accounts on one side share the
 * market-wide cap (market-cap.ts). When no partial close at the live book reaches the
 * target the account is UNRESTORABLE (a stage) and its positions are worked down whole, still
 * paced. An account at zero equity or below is held: it sends nothing until its equity is above
 * zero again (then it is worked softly). Every lot it sold below its bankruptcy price would be
 * the insurance fund's loss, and the dumped book would drag the index that marks the next
 * account; the fund carries its debt meanwhile, and auto-deleveraging passes on the lots for the
 * part the fund cannot carry (liquidator.ts). Selling even the part the book takes above the
 * oracle, when that restores positive equity, wiped out more accounts on crowded (measured, issue 14).
 * When no partial close restores the target, the smallest one that takes the account out of breach
 * (100%) goes, if there is one; else the position is worked down whole on a ramp, by the book or
 * the backstops (unrestorable-ramp.ts).
 *
 * The penalty: `penaltyPpm` of the notional closed, at most `penaltyGainSharePpm` of what the slice
 * gained in health terms and nothing on a slice that lowered health (penalty.ts).
 */

import { PPM } from "../protocol/units.js";
import { type Account, type Position, PREEMPTIVE } from "./account.js";
import { type BackstopHost, type BackstopOffer, offerPrice, restoreLots, takeByOffers } from "./backstop.js";
import type { ChildFill, ChildOrders } from "./child-orders.js";
import { CloseSizing, closingSide, type ReduceOnlyRooms } from "./close-quantity.js";
import { stage2Of, targetOf } from "./liquidation-params.js";
import { byMaintenanceDesc, isDue, type LiquidationPolicy, nextSlice } from "./liquidation-policy.js";
import { sliceLimit, sliceShare, slippageBound, softLimit } from "./liquidation-slice.js";
import { capAvailable, capInForce, capUse, capWindowFor } from "./market-cap.js";
import { healthPpmOf } from "./money.js";
import { slicePenalty } from "./penalty.js";
import { equityOf, maintenanceOf } from "./pre-trade-risk.js";
import { shockedBreach } from "./preemptive.js";
import { rampAllowance } from "./unrestorable-ramp.js";

/** What soft liquidation needs of the margin engine beyond the books. */
export interface SoftHost extends ReduceOnlyRooms, BackstopHost {
  /** Whether a partial close at the live book can restore the account (else it is UNRESTORABLE). */
  setRestorable(a: Account, restorable: boolean): void;
  /** A slice waited for the market-wide cap's next window (a counter for the reports). */
  countCapDeferral(): void;
}

export class SoftPolicy implements LiquidationPolicy {
  readonly mode = "soft";
  private readonly sizing = new CloseSizing();

  constructor(
    private readonly children: ChildOrders,
    private readonly host: SoftHost,
  ) {}

  staysAwake(a: Account): boolean {
    // Bankrupt: auto-deleveraging waits on the other side's positions, which move without it.
    return equityOf(a) < 0;
  }

  holds(a: Account, _equity: number, _mm: number, health: number): boolean {
    return health < targetOf(a); // a soft liquidation restores its target health, not just 100%
  }

  work(a: Account, now: number): void {
    if (a.stage === PREEMPTIVE) {
      this.preempt(a, now);
      return;
    }
    // Bankrupt (or at zero, where the bankruptcy price is the oracle): held, nothing sent (above).
    if (equityOf(a) <= 0) return;
    // The common answers (paced, nothing inside the bound) come first and cheap; the close-quantity
    // walk only when a slice can go.
    if (!anyDue(a, now)) return;
    for (const p of this.legsInOrder(a, now)) {
      if (!isDue(now, p.nextSliceAt) || p.parkedAt === closingSide(p).addCount) continue;
      const equity = equityOf(a);
      const mm = maintenanceOf(a);
      if (mm === 0 || equity <= 0) return; // flat, or still bankrupt: the next turn's work
      const health = healthPpmOf(equity, mm);
      const target = targetOf(a);
      if (health >= target) return;
      const settings = p.instrument.liquidation;
      const stage2 = health < stage2Of(a);
      const interval = settings.sliceIntervalNs;
      if (this.backstopServes(p, now, stage2) && this.toBackstops(p, equity, mm, target, now) > 0) {
        p.starvedSince = -1;
        if (p.qty !== 0) p.nextSliceAt = nextSlice(now, stage2 ? Math.floor(interval / 2) : interval);
        continue;
      }
      const limit = softLimit(p, equity);
      let most = sliceLimit(p, limit, sliceShare(settings.participationPpm, stage2));
      if (most === 0) {
        if (p.starvedSince < 0) p.starvedSince = now;
        const due = nextSlice(p.starvedSince, settings.backstopAfterNs);
        // With offers standing, the backstops' turn comes by time; else wait for depth.
        if (p.instrument.backstops.length > 0 && due > now) p.nextSliceAt = due;
        else p.parkedAt = closingSide(p).addCount;
        continue;
      }
      const window = capInForce(p.instrument) ? capWindowFor(p, now) : null;
      if (window !== null) {
        most = Math.min(most, capAvailable(p, window));
        if (most === 0) {
          this.host.countCapDeferral();
          p.nextSliceAt = window.end; // the market's share is spent: the next window
          continue;
        }
      }
      const sizing = this.sizing;
      sizing.size(p, equity, mm, target, settings, this.host);
      this.host.setRestorable(a, sizing.restores || sizing.bookShort);
      const qty = Math.min(this.closeQuantity(p, equity, mm, health, now), most);
      if (qty === 0) {
        p.nextSliceAt = nextSlice(now, interval); // the ramp's next share
        continue;
      }
      const filled = this.children.send(p, limit, qty, this);
      if (window !== null) capUse(p, window, filled);
      if (filled > 0) p.starvedSince = -1;
      if (p.qty !== 0) p.nextSliceAt = nextSlice(now, stage2 ? Math.floor(interval / 2) : interval);
    }
  }

  /**
   * What to close of a position just sized: the restoring quantity, or the whole position when the
   * book ran out before any quantity restored (the slice bounds it); when no partial close restores,
   * the smallest that takes the account out of breach; when none does either, the whole position,
   * as far as the unrestorable ramp allows.
   */
  private closeQuantity(p: Position, equity: number, mm: number, health: number, now: number): number {
    const sizing = this.sizing;
    if (sizing.restores || sizing.bookShort) return sizing.qty;
    if (health < PPM) {
      sizing.size(p, equity, mm, PPM, p.instrument.liquidation, this.host);
      if (sizing.restores) return sizing.qty;
    }
    return rampAllowance(p, now);
  }

  /**
   * A backstop serves only what the book cannot: a position that found nothing inside its bound
   * for `backstopAfterNs`, or any position of an account below the stage-2 health.
   */
  private backstopServes(p: Position, now: number, stage2: boolean): boolean {
    if (p.instrument.backstops.length === 0) return false;
    if (stage2) return true;
    return p.starvedSince >= 0 && now >= nextSlice(p.starvedSince, p.instrument.liquidation.backstopAfterNs);
  }

  /**
   * The smallest quantity that restores the target at the cheapest offer's price (backstop.ts),
   * to the offers in their order; the lots taken.
   */
  private toBackstops(p: Position, equity: number, mm: number, target: number, now: number): number {
    const cheapest = p.instrument.backstops[0] as BackstopOffer;
    let wanted = restoreLots(p, offerPrice(p, cheapest.discountPpm), equity, mm, target);
    // Nothing short of the whole position restores: the offers take it as the ramp allows.
    if (wanted >= Math.abs(p.qty)) wanted = rampAllowance(p, now);
    if (wanted === 0) return 0;
    return takeByOffers(p, wanted, (o) => offerPrice(p, o.discountPpm), this.host, this.children.events);
  }

  /**
   * The pre-emptive stage: each position, paced by `sliceIntervalNs`, sends a reduce-only child of
   * at most half its participation share, inside the slippage bound, for the lots whose closing at
   * the oracle would let the account survive the shock (shockedBreach false); no penalty.
   */
  private preempt(a: Account, now: number): void {
    for (const p of byMaintenanceDesc(a)) {
      if (p.qty === 0 || !isDue(now, p.nextSliceAt) || p.parkedAt === closingSide(p).addCount) continue;
      const equity = equityOf(a);
      if (!shockedBreach(a, equity)) return;
      const settings = p.instrument.liquidation;
      const limit = slippageBound(p);
      const most = sliceLimit(p, limit, Math.max(1, Math.floor(settings.participationPpm / 2)));
      if (most === 0) {
        p.parkedAt = closingSide(p).addCount;
        continue;
      }
      this.children.send(p, limit, Math.min(most, preemptiveLots(p, equity)), this);
      if (p.qty !== 0) p.nextSliceAt = nextSlice(now, settings.sliceIntervalNs);
    }
  }

  penaltyOf(p: Position, fill: ChildFill): number {
    if (p.account.stage === PREEMPTIVE) return 0; // a healthy account reducing early pays nothing
    const inst = p.instrument;
    const settings = inst.liquidation;
    const atOracle = fill.qty * inst.book.oraclePrice;
    const slippage = fill.sold ? fill.notional - atOracle : atOracle - fill.notional;
    return slicePenalty(
      settings.penaltyPpm,
      settings.penaltyGainSharePpm,
      fill.notional,
      fill.equityBefore,
      fill.mmBefore,
      slippage - fill.fees,
      fill.mmPositionBefore - inst.tiers.maintenance(p.notional()),
    );
  }

  /**
   * The order in which a turn works an account's positions: one position alone as it is; several:
   * those whose partial close alone restores the target, least notional closed first (the cheapest
   * way back: fewer lots sold, less slippage and penalty), then the others by maintenance margin,
   * largest first.
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
      if (!isDue(now, p.nextSliceAt) || p.parkedAt === closingSide(p).addCount) return Number.POSITIVE_INFINITY;
      const sizing = this.sizing;
      sizing.size(p, equity, mm, target, p.instrument.liquidation, this.host);
      return sizing.restores ? sizing.qty * p.instrument.book.oraclePrice : Number.POSITIVE_INFINITY;
    });
    const order = legs.map((_, i) => i).sort((x, y) => (cost[x] as number) - (cost[y] as number) || x - y);
    return order.map((i) => legs[i] as Position);
  }
}

/**
 * The fewest lots of `p` whose closing at the oracle leaves the account surviving its shock
 * (closing at the oracle keeps the equity and removes the lots' shock loss and margin, so the
 * answer is monotone in the lots: bisection); the whole position when nothing less does.
 */
function preemptiveLots(p: Position, equity: number): number {
  const held = Math.abs(p.qty);
  const sign = p.qty > 0 ? 1 : -1;
  const survives = (k: number): boolean => !shockedBreach(p.account, equity, p, sign * (held - k));
  if (!survives(held)) return held;
  let lo = 0;
  let hi = held; // survives(hi); not survives(lo): the account is in the stage
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (survives(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}

/** Whether a position of the account is held and past its pacing. */
function anyDue(a: Account, now: number): boolean {
  for (const p of a.positions) {
    if (p.qty !== 0 && isDue(now, p.nextSliceAt) && p.parkedAt !== closingSide(p).addCount) return true;
  }
  return false;
}
