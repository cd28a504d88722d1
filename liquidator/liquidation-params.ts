/**
 * The liquidator's parameters per instrument (`instrument.liquidation`, each field optional) and
 * the project's defaults, and the liquidation modes.
 */
import type { LiquidationParams, PreemptiveParams } from "../protocol/commands.js";
import { PPM } from "../protocol/units.js";
import type { Account } from "./account.js";
import { VenueSettings } from "./venue-params.js";

/**
 * soft: gradual reduction to the target health; hard: the whole position at once (the baseline);
 * hyperliquid, dydx, drift: emulations of those venues' published rules (venue-params.ts); off:
 * report only.
 */
export type LiquidationMode = "soft" | "hard" | "hyperliquid" | "dydx" | "drift" | "off";

/** The modes that liquidate (all but off). */
export type LiquidatingMode = Exclude<LiquidationMode, "off">;

export const LIQUIDATION_MODES: readonly LiquidationMode[] = ["soft", "hard", "hyperliquid", "dydx", "drift", "off"];

export function isLiquidationMode(value: unknown): value is LiquidationMode {
  return (LIQUIDATION_MODES as readonly unknown[]).includes(value);
}

/** The project's own parameters (the venue blocks have theirs in venue-params.ts). */
type OwnParams = Omit<LiquidationParams, "hyperliquid" | "dydx" | "drift" | "preemptive">;

/**
 * The pre-emptive stage's defaults when its block is given: guard against a 3-sigma move over the
 * next minute, volatility weighted with a 5-minute half-life (the project's choice).
 */
export const DEFAULT_PREEMPTIVE: Readonly<Required<PreemptiveParams>> = {
  horizonNs: 60_000_000_000,
  sigmas: 3,
  halfLifeNs: 300_000_000_000,
};

/**
 * Defaults: restore to 150% health; child orders at most 0.5% from the oracle and at most 10% of
 * the opposite depth inside that bound; one child per account and instrument every 100 ms; a 0.5%
 * penalty on the notional closed, but at most half of what the slice gained in health terms
 * (penalty.ts), so that no penalty ever lowers health; stage 2 below 80% health; the soft children
 * of all accounts on one side of an instrument together at most 25% of the depth per interval; a
 * position that found nothing inside its bound for 1 s (ten intervals) goes to the backstop offers;
 * a position no partial close restores is worked down over a minute, from 10% at once (drift's ramp).
 * The target and the bound are the parameter sweep's choice (README, *Choosing the defaults*): on
 * seeds 1-20 of cascade, crowded and oct2025 the only grid point that meets issue 14's bar on all.
 */
export const DEFAULT_LIQUIDATION: Readonly<Required<OwnParams>> = {
  targetHealthPpm: 1_500_000,
  maxSlippagePpm: 5_000,
  participationPpm: 100_000,
  sliceIntervalNs: 100_000_000,
  penaltyPpm: 5_000,
  stage2HealthPpm: 800_000,
  penaltyGainSharePpm: 500_000,
  marketParticipationPpm: 250_000,
  backstopAfterNs: 1_000_000_000,
  slippageWidenPpm: 0,
  unrestorableRampNs: 60_000_000_000,
};

export class LiquidationSettings {
  /** The health (ppm of maintenance margin) a soft liquidation restores; ≥ 100%. */
  readonly targetHealthPpm: number;
  /** A child order's limit price lies at most this far from the oracle price. */
  readonly maxSlippagePpm: number;
  /** A child order takes at most this share of the opposite depth inside the bound. */
  readonly participationPpm: number;
  /** At most one child order per account and instrument per interval (ns). */
  readonly sliceIntervalNs: number;
  /** Charged on the notional a liquidation closed, paid to the insurance fund. */
  readonly penaltyPpm: number;
  /** Below this health (≤ 100%): stage 2, slices twice as large and twice as frequent. */
  readonly stage2HealthPpm: number;
  /** The penalty takes at most this share of a slice's health-neutral room (penalty.ts). */
  readonly penaltyGainSharePpm: number;
  /** All soft children on one side, from every account, take at most this share of the depth per interval (market-cap.ts). */
  readonly marketParticipationPpm: number;
  /** The slippage bound widens by this × the account's shortfall below MM over MM (dYdX's ABR); 0: fixed. */
  readonly slippageWidenPpm: number;
  /** A position that found nothing inside its bound this long (ns) goes to the backstops (backstop.ts). */
  readonly backstopAfterNs: number;
  /**
   * A position no partial close restores is worked down on a ramp: the lots closed since it first
   * was may reach `participationPpm` of it at once, growing to all of it over this time (ns; 0: at once).
   */
  readonly unrestorableRampNs: number;
  /** The venue policies' parameters. */
  readonly venue: VenueSettings;
  /** The pre-emptive stage's parameters; null: off (the default). */
  readonly preemptive: Readonly<Required<PreemptiveParams>> | null;

  constructor(spec: LiquidationParams | null) {
    const d = DEFAULT_LIQUIDATION;
    this.targetHealthPpm = spec?.targetHealthPpm ?? d.targetHealthPpm;
    this.maxSlippagePpm = spec?.maxSlippagePpm ?? d.maxSlippagePpm;
    this.participationPpm = spec?.participationPpm ?? d.participationPpm;
    this.sliceIntervalNs = spec?.sliceIntervalNs ?? d.sliceIntervalNs;
    this.penaltyPpm = spec?.penaltyPpm ?? d.penaltyPpm;
    this.stage2HealthPpm = spec?.stage2HealthPpm ?? d.stage2HealthPpm;
    this.penaltyGainSharePpm = spec?.penaltyGainSharePpm ?? d.penaltyGainSharePpm;
    this.marketParticipationPpm = spec?.marketParticipationPpm ?? d.marketParticipationPpm;
    this.backstopAfterNs = spec?.backstopAfterNs ?? d.backstopAfterNs;
    this.unrestorableRampNs = spec?.unrestorableRampNs ?? d.unrestorableRampNs;
    this.slippageWidenPpm = spec?.slippageWidenPpm ?? d.slippageWidenPpm;
    this.venue = new VenueSettings(spec);
    this.preemptive = spec?.preemptive === undefined ? null : { ...DEFAULT_PREEMPTIVE, ...spec.preemptive };
  }
}

/**
 * An account's target health: the highest target among the instruments it holds (cross margin:
 * one health, so the strictest instrument decides). 100% when it holds nothing.
 */
export function targetOf(a: Account): number {
  let target = PPM;
  for (const p of a.positions) if (p.qty !== 0) target = Math.max(target, p.instrument.liquidation.targetHealthPpm);
  return target;
}

/** An account's stage-2 threshold: the highest among the instruments it holds (0 when none). */
export function stage2Of(a: Account): number {
  let threshold = 0;
  for (const p of a.positions)
    if (p.qty !== 0) threshold = Math.max(threshold, p.instrument.liquidation.stage2HealthPpm);
  return threshold;
}
