/**
 * The leveraged accounts of a scenario: longs and shorts opened at the start price, position sizes
 * spread over two decades (a few large accounts hold much of the open interest), leverage up to
 * the maximum the tier of each position's notional allows, skewed high as liquidated traders'
 * was (they averaged about 60x on BitMEX). A `cluster` puts the longs' liquidation prices in one
 * narrow band instead (crowded stops under one level). Integers only; one seeded stream.
 */
import type { MarginTier } from "../protocol/commands.js";
import { PPM } from "../protocol/units.js";
import type { SeededRandom } from "./random.js";

export interface PositionSpec {
  symbol: string;
  /** Signed lots opened at the start price: long > 0. */
  qty: number;
}

export interface AccountSpec {
  name: string;
  collateral: number;
  positions: PositionSpec[];
}

export interface PopulationSpec {
  count: number;
  /** Share of the accounts that are long (ppm). */
  longPpm: number;
  /** Lots of the smallest and largest position (sizes log-uniform between). */
  minQty: number;
  maxQty: number;
  /** Leverage in tenths: the floor, and the highest asked for (capped by the tier). */
  minLev10: number;
  maxLev10: number;
  /** Longs' breach distance below the start price, ppm: [low, high]; absent: by leverage. */
  cluster?: readonly [number, number];
}

/** The tier a notional falls in (the first whose cap it does not pass; the last beyond all). */
export function tierOf(tiers: readonly MarginTier[], notional: number): MarginTier {
  for (const t of tiers) if (notional <= t.maxNotional) return t;
  return tiers[tiers.length - 1] as MarginTier;
}

/** A position size, log-uniform between min and max lots (integer steps of 1/64 of a doubling). */
function sizeOf(random: SeededRandom, min: number, max: number): number {
  let doublings = 0;
  while (min * 2 ** (doublings + 1) <= max) doublings++;
  const sixtyfourths = random.below(64 * doublings + 1);
  let qty = min * 2 ** Math.floor(sixtyfourths / 64);
  qty += Math.floor((qty * (sixtyfourths % 64)) / 64);
  return Math.min(max, qty);
}

/**
 * Leverage in tenths: 40% of the accounts between the floor and 10x, 40% between 10x and 25x,
 * 20% between 25x and the maximum, never above what the tier allows.
 */
function leverageOf(random: SeededRandom, minLev10: number, maxLev10: number): number {
  const draw = random.below(5);
  const band = draw < 2 ? 0 : draw < 4 ? 1 : 2;
  const lo = [minLev10, 100, 250][band] as number;
  const hi = [100, 250, maxLev10][band] as number;
  return Math.max(minLev10, Math.min(maxLev10, lo + random.below(Math.max(1, hi - lo + 1))));
}

/**
 * Collateral for a position of `notional` at leverage lev10 / 10, at least its initial margin
 * plus one quote unit a lot (so the opening order passes the pre-trade check).
 */
function collateralFor(notional: number, lev10: number, tier: MarginTier, qty: number): number {
  const im = Math.ceil((notional * tier.imrPpm) / PPM);
  return Math.max(im + qty, Math.ceil((notional * 10) / lev10));
}

/**
 * For a long of notional N = qty × start to breach at start × (1 − d): equity there, C − N·d,
 * equals its maintenance margin, N·(1 − d)·mmr: C = N·(d + (1 − d)·mmr).
 */
function collateralToBreachAt(notional: number, dPpm: number, tier: MarginTier): number {
  return Math.ceil((notional * dPpm) / PPM + (Math.floor((notional * (PPM - dPpm)) / PPM) * tier.mmrPpm) / PPM);
}

export function population(
  prefix: string,
  symbol: string,
  start: number,
  tiers: readonly MarginTier[],
  spec: PopulationSpec,
  random: SeededRandom,
): AccountSpec[] {
  const accounts: AccountSpec[] = [];
  for (let i = 0; i < spec.count; i++) {
    const long = random.chance(spec.longPpm);
    const qty = sizeOf(random, spec.minQty, spec.maxQty);
    const notional = qty * start;
    const tier = tierOf(tiers, notional);
    const tierMax10 = Math.floor((10 * PPM) / tier.imrPpm);
    const lev10 = leverageOf(random, spec.minLev10, Math.min(spec.maxLev10, tierMax10));
    let collateral = collateralFor(notional, lev10, tier, qty);
    if (long && spec.cluster !== undefined) {
      const [lo, hi] = spec.cluster;
      const d = lo + random.below(hi - lo + 1);
      collateral = Math.max(collateralFor(notional, tierMax10, tier, qty), collateralToBreachAt(notional, d, tier));
    }
    accounts.push({
      name: `${prefix}${String(i + 1).padStart(3, "0")}`,
      collateral,
      positions: [{ symbol, qty: long ? qty : -qty }],
    });
  }
  return accounts;
}

/**
 * Gives `share` (ppm) of the accounts of `into` a second position on another instrument, same
 * side and leverage as their first (cross margin: one account, one health over both), its
 * collateral added in proportion (at least the new position's initial margin).
 */
export function crossMargined(
  into: AccountSpec[],
  symbol: string,
  start: number,
  tiers: readonly MarginTier[],
  ownStart: number,
  sharePpm: number,
  random: SeededRandom,
): void {
  for (const a of into) {
    if (!random.chance(sharePpm)) continue;
    const first = a.positions[0] as PositionSpec;
    const notional = Math.abs(first.qty) * ownStart;
    const qty = Math.max(1, Math.floor(notional / start / 2));
    const im = Math.ceil((qty * start * tierOf(tiers, qty * start).imrPpm) / PPM) + qty;
    a.collateral += Math.max(im, Math.ceil((a.collateral * qty * start) / notional));
    a.positions.push({ symbol, qty: first.qty > 0 ? qty : -qty });
  }
}
