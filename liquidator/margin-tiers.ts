/**
 * Tiered margin: the rate of a position's margin depends on the bracket its notional (at the
 * oracle price) falls in, and applies to the whole notional (the contract: "notional × the mmrPpm
 * of its tier"). A notional above the last bracket's maxNotional uses the last bracket.
 */
import type { MarginTier } from "../protocol/commands.js";
import { MAX_SAFE, mulDivCeil, PPM } from "../protocol/units.js";

/**
 * Quote units per USDT in the default table: with the contract's example units (a 0.01 USD tick,
 * a 0.0001 BTC lot) one quote unit is 1e-6 USD, so 50,000 USDT of notional is 5e10 quote units.
 */
export const QUOTE_UNITS_PER_USDT = 1_000_000;

const usdt = (n: number): number => n * QUOTE_UNITS_PER_USDT;

/**
 * Binance USDⓈ-M BTCUSDT brackets (2021): notional cap, initial margin (1 / max leverage) and
 * maintenance margin rate. 1/3 (3x leverage) rounds up to 333,334 ppm.
 */
export const DEFAULT_TIERS: readonly MarginTier[] = [
  { maxNotional: usdt(50_000), imrPpm: 8_000, mmrPpm: 4_000 }, // 125x
  { maxNotional: usdt(250_000), imrPpm: 10_000, mmrPpm: 5_000 }, // 100x
  { maxNotional: usdt(1_000_000), imrPpm: 20_000, mmrPpm: 10_000 }, // 50x
  { maxNotional: usdt(10_000_000), imrPpm: 50_000, mmrPpm: 25_000 }, // 20x
  { maxNotional: usdt(20_000_000), imrPpm: 100_000, mmrPpm: 50_000 }, // 10x
  { maxNotional: usdt(50_000_000), imrPpm: 200_000, mmrPpm: 100_000 }, // 5x
  { maxNotional: usdt(100_000_000), imrPpm: 250_000, mmrPpm: 125_000 }, // 4x
  { maxNotional: usdt(200_000_000), imrPpm: 333_334, mmrPpm: 150_000 }, // 3x
  { maxNotional: usdt(300_000_000), imrPpm: 500_000, mmrPpm: 250_000 }, // 2x
  { maxNotional: MAX_SAFE, imrPpm: 1_000_000, mmrPpm: 500_000 }, // 1x
];

export class TierTable {
  private readonly caps: number[];
  private readonly imr: number[];
  private readonly mmr: number[];
  /** The highest maintenance rate of tiers 0..i: a bound for every notional up to tier i's cap. */
  private readonly mmrBound: number[];
  /** The same for the initial rate. */
  private readonly imrBound: number[];
  /**
   * The first bracket's cap and rates as plain fields: most notionals fall in it, and reading them
   * here is one load where the arrays take three (2–3% of the margined bench flow's time, paired).
   * The cap is −1 when there is one bracket only (every notional is then in it, by the general path).
   */
  private readonly firstCap: number;
  private readonly firstImr: number;
  private readonly firstMmr: number;

  constructor(tiers: readonly MarginTier[]) {
    this.caps = tiers.map((t) => t.maxNotional);
    this.imr = tiers.map((t) => t.imrPpm);
    this.mmr = tiers.map((t) => t.mmrPpm);
    let max = 0;
    this.mmrBound = this.mmr.map((m) => {
      max = Math.max(max, m);
      return max;
    });
    this.firstCap = this.caps.length > 1 ? (this.caps[0] as number) : -1;
    this.firstImr = this.imr[0] as number;
    this.firstMmr = this.mmr[0] as number;
    max = 0;
    this.imrBound = this.imr.map((m) => {
      max = Math.max(max, m);
      return max;
    });
  }

  get count(): number {
    return this.caps.length;
  }

  /** The bracket of a notional: the first whose maxNotional is at least it (the last beyond all). */
  tierOf(notional: number): number {
    const caps = this.caps;
    const last = caps.length - 1;
    for (let i = 0; i < last; i++) if (notional <= (caps[i] as number)) return i;
    return last;
  }

  /** Maintenance margin of a notional, rounded up (against the account). */
  maintenance(notional: number): number {
    if (notional <= this.firstCap) return mulDivCeil(notional, this.firstMmr, PPM);
    return mulDivCeil(notional, this.mmr[this.tierOf(notional)] as number, PPM);
  }

  /** Initial margin of a notional, rounded up (against the account). */
  initial(notional: number): number {
    if (notional <= this.firstCap) return mulDivCeil(notional, this.firstImr, PPM);
    return mulDivCeil(notional, this.imr[this.tierOf(notional)] as number, PPM);
  }

  /** At least the initial margin of every notional up to `notional` (the rates need not rise with the tiers). */
  initialUpTo(notional: number): number {
    return mulDivCeil(notional, this.imrBound[this.tierOf(notional)] as number, PPM);
  }

  mmrPpm(tier: number): number {
    return this.mmr[tier] as number;
  }

  imrPpm(tier: number): number {
    return this.imr[tier] as number;
  }

  maxMmrUpTo(tier: number): number {
    return this.mmrBound[tier] as number;
  }

  /** The notional cap of a tier; Infinity for the last (it has no upper end). */
  capOf(tier: number): number {
    return tier === this.caps.length - 1 ? Number.POSITIVE_INFINITY : (this.caps[tier] as number);
  }
}
