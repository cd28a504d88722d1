/** One instrument's margin parameters (the spec's values or the project's defaults) and its at-risk index. */
import type { MarginBook } from "../engine/margin-hooks.js";
import type { Position } from "./account.js";
import { AtRiskIndex } from "./at-risk-index.js";
import type { BackstopOffer } from "./backstop.js";
import { LiquidationSettings } from "./liquidation-params.js";
import { DEFAULT_TIERS, TierTable } from "./margin-tiers.js";
import { CapWindow } from "./market-cap.js";
import { VolEstimate } from "./volatility.js";

/**
 * Fee defaults: none. A flow with no `instrument` line pays no fees, so its collateral moves only
 * with deposits, withdrawals and PnL; set makerFeePpm / takerFeePpm per instrument to charge them
 * (e.g. Binance 2021's 200 / 400 ppm).
 */
export const DEFAULT_MAKER_FEE_PPM = 0;
export const DEFAULT_TAKER_FEE_PPM = 0;

export class InstrumentMargin {
  readonly tiers: TierTable;
  readonly makerFeePpm: number;
  readonly takerFeePpm: number;
  /** The largest fee either side may pay: what open orders reserve. */
  readonly reserveFeePpm: number;
  readonly liquidation: LiquidationSettings;
  readonly index = new AtRiskIndex();
  /** Every position ever opened here, in creation order (auto-deleveraging looks for the other side). */
  readonly holders: Position[] = [];
  /** Positions here of accounts in breach: re-checked on every oracle update (no triggers). */
  readonly watched: Position[] = [];
  /** The market-wide cap's windows (market-cap.ts): longs' children sell into the bids, shorts' buy from the asks. */
  readonly capBids = new CapWindow();
  readonly capAsks = new CapWindow();
  /** Backstop offers here, cheapest first, ties by age (backstop.ts). */
  backstops: BackstopOffer[] = [];
  /** The volatility of its oracle, when the pre-emptive stage is on here (volatility.ts). */
  readonly vol: VolEstimate | null;

  constructor(readonly book: MarginBook) {
    const spec = book.spec;
    this.tiers = new TierTable(spec.tiers ?? DEFAULT_TIERS);
    this.makerFeePpm = spec.makerFeePpm ?? DEFAULT_MAKER_FEE_PPM;
    this.takerFeePpm = spec.takerFeePpm ?? DEFAULT_TAKER_FEE_PPM;
    this.reserveFeePpm = Math.max(0, this.makerFeePpm, this.takerFeePpm);
    this.liquidation = new LiquidationSettings(spec.liquidation);
    this.vol = this.liquidation.preemptive === null ? null : new VolEstimate();
  }

  get symbol(): string {
    return this.book.symbol;
  }
}
