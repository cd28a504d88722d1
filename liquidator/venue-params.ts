/**
 * The venue policies' parameters (`instrument.liquidation.hyperliquid|dydx|drift`) and their
 * defaults: each venue's published value, with its source. Amounts are quote units: the venues
 * publish them in USDC, taken here as one quote unit per dollar.
 */
import type { DriftParams, DydxParams, HyperliquidParams } from "../protocol/commands.js";

/**
 * Hyperliquid (docs: hyperliquid.gitbook.io/hyperliquid-docs/trading/liquidations): positions
 * over 100,000 USDC send 20% as the liquidation market order; for 30 s after a partial
 * liquidation the next one takes the whole position; below 2/3 of maintenance margin the
 * liquidator vault takes the account over (a backstop).
 */
export const HYPERLIQUID_DEFAULTS: Readonly<Required<HyperliquidParams>> = {
  partialNotional: 100_000,
  partialPpm: 200_000,
  cooldownNs: 30_000_000_000,
  backstopHealthPpm: 666_667,
};

/**
 * dYdX v4 (protocol/x/clob/keeper/liquidations.go; values from protocol/testing/genesis.sh, the
 * sample network's genesis): spread_to_maintenance_margin_ratio_ppm 1,500,000; position block
 * limits min_position_notional_liquidated 1,000 USDC and max_position_portion_liquidated_ppm
 * 100,000; subaccount block limit max_notional_liquidated 100,000 USDC; max_liquidation_fee_ppm
 * 15,000. One liquidation per subaccount per block; the block time (about one second on dYdX
 * Chain) is the project's reading, as command time.
 */
export const DYDX_DEFAULTS: Readonly<Required<DydxParams>> = {
  blockNs: 1_000_000_000,
  spreadToMmrPpm: 1_500_000,
  maxPositionPortionPpm: 100_000,
  minNotional: 1_000,
  maxNotionalPerBlock: 100_000,
  maxFeePpm: 15_000,
};

/**
 * Drift v2 (programs/drift/src/math/liquidation.rs, math/constants.rs): the liquidation margin
 * buffer DEFAULT_LIQUIDATION_MARGIN_BUFFER_RATIO = 2%; calculate_max_pct_to_liquidate ramps from
 * the state's initial_pct_to_liquidate over liquidation_duration slots. The program initialises
 * both to 0 and governance sets them; 10% over 150 slots (~60 s at 400 ms a slot) and the 1%
 * liquidator and 1% insurance-fund fees are the project's choice of typical market values (the
 * code leaves them per market).
 */
export const DRIFT_DEFAULTS: Readonly<Required<DriftParams>> = {
  bufferPpm: 20_000,
  liquidatorFeePpm: 10_000,
  insuranceFeePpm: 10_000,
  initialSharePpm: 100_000,
  rampNs: 60_000_000_000,
};

function withDefaults<T extends object>(defaults: Readonly<Required<T>>, spec: T | undefined): Readonly<Required<T>> {
  return spec === undefined ? defaults : { ...defaults, ...spec };
}

export class VenueSettings {
  readonly hyperliquid: Readonly<Required<HyperliquidParams>>;
  readonly dydx: Readonly<Required<DydxParams>>;
  readonly drift: Readonly<Required<DriftParams>>;

  constructor(spec: { hyperliquid?: HyperliquidParams; dydx?: DydxParams; drift?: DriftParams } | null) {
    this.hyperliquid = withDefaults(HYPERLIQUID_DEFAULTS, spec?.hyperliquid);
    this.dydx = withDefaults(DYDX_DEFAULTS, spec?.dydx);
    this.drift = withDefaults(DRIFT_DEFAULTS, spec?.drift);
  }
}
