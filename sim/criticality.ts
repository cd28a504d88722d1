/**
 * What the market looks like to a cascade, at one moment: SBF's criticality ratio R, the
 * liquidation notional a 1% adverse move would trigger over the depth within 1% that would have to
 * absorb it (R > 1: a cascade that feeds itself), and the distribution of the accounts' health.
 */
import type { Engine } from "../exchange.js";
import type { Account } from "../liquidator/account.js";
import { equityOf, maintenanceOf } from "../liquidator/pre-trade-risk.js";
import { mulDivCeil, mulDivFloor, PPM } from "../protocol/units.js";

const MOVE_PPM = 10_000;
/** R is reported up to 1,000 (in ppm, 10^9): an empty 1% band with liquidations in it reads as that. */
export const R_CAP_PPM = 1_000 * PPM;

/**
 * R (ppm) for a 1% fall of every oracle: the notional of the healthy accounts the fall would
 * breach (equity − 1% of their net long notional below 99% of their maintenance margin) over the
 * bid notional within 1% of each oracle. `skip` names accounts left out (the backstop).
 */
export function criticalityPpm(engine: Engine, symbols: readonly string[], skip: string): number {
  const margin = engine.marginEngine;
  if (margin === null) return 0;
  let triggered = 0;
  for (const a of margin.accounts.values()) {
    if (a.name === skip) continue;
    triggered += triggeredNotional(a);
  }
  let depth = 0;
  for (const symbol of symbols) {
    const oracle = engine.oraclePrice(symbol);
    const floor = oracle - Math.floor((oracle * MOVE_PPM) / PPM);
    for (const [price, qty] of engine.depth(symbol).bids) {
      if (price < floor) break;
      depth += price * qty;
    }
  }
  if (depth === 0) return triggered === 0 ? 0 : R_CAP_PPM;
  return Math.min(R_CAP_PPM, mulDivFloor(triggered, PPM, depth));
}

function triggeredNotional(a: Account): number {
  let net = 0;
  let gross = 0;
  for (const p of a.positions) {
    if (p.qty === 0) continue;
    const notional = p.qty * p.instrument.book.oraclePrice;
    net += notional;
    gross += Math.abs(notional);
  }
  if (gross === 0) return 0;
  const equity = equityOf(a);
  const mm = maintenanceOf(a);
  if (equity < mm) return 0; // already in liquidation: not what the next 1% adds
  // ⌊net × 1%⌋ for either sign, exact beyond 2^53 (net notional × 10^4 may pass it).
  const loss = net >= 0 ? mulDivFloor(net, MOVE_PPM, PPM) : -mulDivCeil(-net, MOVE_PPM, PPM);
  const after = equity - loss;
  const mmAfter = mulDivFloor(mm, PPM - MOVE_PPM, PPM);
  return after < mmAfter ? gross : 0;
}

/** Health buckets of the report (ppm of maintenance margin); the last bucket is "no position". */
export const HEALTH_BUCKETS: readonly { label: string; below: number }[] = [
  { label: "equity < 0", below: 0 },
  { label: "0-100%", below: PPM },
  { label: "100-125%", below: 1_250_000 },
  { label: "125-150%", below: 1_500_000 },
  { label: "150-200%", below: 2_000_000 },
  { label: "200-400%", below: 4_000_000 },
  { label: "400-1000%", below: 10_000_000 },
  { label: "> 1000%", below: Number.POSITIVE_INFINITY },
  { label: "flat", below: Number.NaN },
];

/** How many accounts (all but `skip`) fall in each health bucket. */
export function healthHistogram(engine: Engine, skip: string): number[] {
  const counts = new Array<number>(HEALTH_BUCKETS.length).fill(0);
  const margin = engine.marginEngine;
  if (margin === null) return counts;
  for (const a of margin.accounts.values()) {
    if (a.name === skip) continue;
    const mm = maintenanceOf(a);
    const equity = equityOf(a);
    let bucket = HEALTH_BUCKETS.length - 1;
    if (mm > 0) {
      if (equity < 0) bucket = 0;
      else {
        const health = Math.floor((equity * PPM) / mm);
        bucket = HEALTH_BUCKETS.findIndex((b) => health < b.below);
      }
    }
    counts[bucket] = (counts[bucket] as number) + 1;
  }
  return counts;
}
