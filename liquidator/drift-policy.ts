/**
 * Drift v2's perp liquidation (programs/drift/src/math/liquidation.rs), emulated. An account in
 * liquidation is worked until its equity covers the maintenance margin plus `bufferPpm` of the
 * notional (the liquidation margin buffer). Each position in turn (largest maintenance margin
 * first) gives the smallest whole number of lots that covers the shortage
 * (calculate_base_asset_amount_to_cover_margin_shortage):
 *   lots = ⌈shortage / (oracle × (MMR + buffer − liquidator fee − insurance fee))⌉,
 * the insurance fee clamped as calculate_perp_if_fee does; at most the share that
 * calculate_max_pct_to_liquidate allows: the margin freed since the liquidation began may reach
 * a share of (shortage + freed) that grows from `initialSharePpm` to all over `rampNs`.
 * A liquidator takes the lots at the oracle less `liquidatorFeePpm` (its reward) and the
 * insurance fee goes to the fund. The liquidators here are the backstop offers (backstop.ts);
 * while none can take them, the lots go to the book as an immediate-or-cancel order limited at
 * that same price (Drift's liquidate_perp_with_fill: a liquidator filling against the book).
 *
 * Choices the source leaves open: a keeper looks at a position once a slot (400 ms, the slot
 * time the source's comments assume), and at once when its money changes or depth arrives; the
 * share's lots round up to a whole lot (Drift's own small-shortage acceleration, below 50 USDC, is
 * left out: quote units need not be dollars).
 */
import { mulDivCeil, mulDivFloor, PPM } from "../protocol/units.js";
import type { Account, Position } from "./account.js";
import { type BackstopHost, takeByOffers } from "./backstop.js";
import type { ChildFill, ChildOrders } from "./child-orders.js";
import { closingSide } from "./close-quantity.js";
import { byMaintenanceDesc, isDue, type LiquidationPolicy, nextSlice } from "./liquidation-policy.js";
import { depthWithin } from "./liquidation-slice.js";
import { equityOf } from "./pre-trade-risk.js";

/** Solana's slot time, as the source's comments assume it (~1 minute is 150 slots). */
export const DRIFT_SLOT_NS = 400_000_000;

export class DriftPolicy implements LiquidationPolicy {
  readonly mode = "drift";
  /** The insurance fee rate (ppm) of the order being sent, for penaltyOf. */
  private insuranceFeePpm = 0;

  constructor(
    private readonly children: ChildOrders,
    private readonly host: BackstopHost,
  ) {}

  staysAwake(a: Account): boolean {
    // Each position waits for its next slot or for depth (the schedule watches both), unless
    // bankrupt: auto-deleveraging waits on the other side's positions.
    return equityOf(a) < 0;
  }

  holds(a: Account, equity: number): boolean {
    return equity < bufferedRequirement(a);
  }

  work(a: Account, now: number): void {
    if (a.liquidationSince < 0) {
      a.liquidationSince = now;
      a.marginFreed = 0;
    }
    for (const p of byMaintenanceDesc(a)) {
      if (p.qty === 0 || !isDue(now, p.nextSliceAt) || p.parkedAt === closingSide(p).addCount) continue;
      const shortage = bufferedRequirement(a) - equityOf(a);
      if (shortage <= 0) return;
      const limit = takeoverPrice(p);
      const offers = p.instrument.backstops.length > 0;
      if (!offers && depthWithin(p, limit, 1, false) === 0) {
        p.parkedAt = closingSide(p).addCount; // nothing at the liquidator's price: wait for depth
        continue;
      }
      p.nextSliceAt = nextSlice(now, DRIFT_SLOT_NS);
      const fee = insuranceFee(p, shortage);
      const qty = allowedLots(a, p, coverLots(p, shortage, fee), shortage, now);
      if (qty <= 0) continue; // the share is spent: the next slot
      const before = positionRequirement(p);
      this.insuranceFeePpm = fee;
      // The liquidators first: the offers that accept Drift's reward take the lots at its price.
      const taken = offers
        ? takeByOffers(
            p,
            qty,
            (o) => (o.discountPpm <= p.instrument.liquidation.venue.drift.liquidatorFeePpm ? limit : null),
            this.host,
            this.children.events,
            (q, lots) => this.insuranceCharge(q, lots),
          )
        : 0;
      if (taken < qty && depthWithin(p, limit, 1, false) > 0) this.children.send(p, limit, qty - taken, this);
      a.marginFreed += Math.max(0, before - positionRequirement(p));
    }
  }

  penaltyOf(p: Position, fill: ChildFill): number {
    return this.insuranceCharge(p, fill.qty);
  }

  /** The insurance fund's share: the clamped fee rate on the notional closed at the oracle, never past zero equity. */
  private insuranceCharge(p: Position, lots: number): number {
    const fee = mulDivFloor(lots * p.instrument.book.oraclePrice, this.insuranceFeePpm, PPM);
    return Math.min(fee, Math.max(0, equityOf(p.account)));
  }
}

/** A position's maintenance margin plus the buffer on its notional (rounded up). */
function positionRequirement(p: Position): number {
  if (p.qty === 0) return 0;
  const notional = p.notional();
  return (
    p.instrument.tiers.maintenance(notional) + mulDivCeil(notional, p.instrument.liquidation.venue.drift.bufferPpm, PPM)
  );
}

/** Σ over the account's positions of maintenance margin plus buffer: what a drift liquidation restores. */
export function bufferedRequirement(a: Account): number {
  let total = 0;
  for (const p of a.positions) total += positionRequirement(p);
  return total;
}

/** The liquidator's price: the oracle less its fee (a long's lots), or plus it (a short's), rounded toward the oracle. */
export function takeoverPrice(p: Position): number {
  const o = p.instrument.book.oraclePrice;
  const fee = p.instrument.liquidation.venue.drift.liquidatorFeePpm;
  return p.qty > 0 ? Math.max(1, mulDivCeil(o, PPM - fee, PPM)) : mulDivFloor(o, PPM + fee, PPM);
}

/**
 * calculate_perp_if_fee: at most `insuranceFeePpm`, and at most 95% of (margin ratio − liquidator
 * fee − shortage / notional), so that the fee cannot take the account into bankruptcy.
 */
export function insuranceFee(p: Position, shortage: number): number {
  const d = p.instrument.liquidation.venue.drift;
  const notional = p.notional();
  // (margin ratio − liquidator fee) × notional − shortage, in ppm of the notional.
  const room =
    BigInt(p.instrument.tiers.maintenance(notional)) * BigInt(PPM) +
    BigInt(d.bufferPpm - d.liquidatorFeePpm) * BigInt(notional) -
    BigInt(shortage) * BigInt(PPM);
  if (room <= 0n) return 0;
  const implied = Number((room * 19n) / (20n * BigInt(notional)));
  return Math.min(d.insuranceFeePpm, implied);
}

/**
 * The smallest whole number of lots whose transfer covers the shortage: each lot frees
 * oracle × (margin ratio + buffer − liquidator fee − insurance fee); the whole position when a
 * lot frees nothing (as the source returns u64::MAX).
 */
export function coverLots(p: Position, shortage: number, insuranceFeePpm: number): number {
  const d = p.instrument.liquidation.venue.drift;
  const held = Math.abs(p.qty);
  const notional = p.notional();
  const o = BigInt(p.instrument.book.oraclePrice);
  // Per lot, in ppm × notional units: o × (mm × PPM / notional + buffer − fees) × notional.
  const perLot =
    o *
    (BigInt(p.instrument.tiers.maintenance(notional)) * BigInt(PPM) +
      BigInt(d.bufferPpm - d.liquidatorFeePpm - insuranceFeePpm) * BigInt(notional));
  if (perLot <= 0n) return held;
  const need = BigInt(shortage) * BigInt(PPM) * BigInt(notional);
  const lots = (need + perLot - 1n) / perLot;
  return lots >= BigInt(held) ? held : Number(lots);
}

/**
 * calculate_max_pct_to_liquidate: the share of (shortage + margin freed so far) that may have been
 * freed by now grows linearly from `initialSharePpm` to all over `rampNs` since the liquidation
 * began; the lots allowed now are the `cover` lots scaled by what is still freeable over the
 * shortage (rounded up to a lot).
 */
export function allowedLots(a: Account, p: Position, cover: number, shortage: number, now: number): number {
  const d = p.instrument.liquidation.venue.drift;
  const elapsed = Math.max(0, now - a.liquidationSince);
  const share = d.rampNs === 0 ? PPM : Math.min(PPM, d.initialSharePpm + mulDivFloor(elapsed, PPM, d.rampNs));
  const freeable = Math.max(0, mulDivFloor(shortage + a.marginFreed, share, PPM) - a.marginFreed);
  if (freeable >= shortage) return cover;
  return mulDivCeil(cover, freeable, shortage);
}
