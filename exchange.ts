/**
 * The composition root: the matching engine with the margin engine plugged into its hooks. This
 * is the `Engine` the package exports: deposits, withdrawals, oracle prices and margined orders
 * work out of the box. `margin: false` gives the bare matching engine (no money, deposits refused).
 */
import { MatchingEngine, type MatchingEngineOptions } from "./engine/engine.js";
import {
  type AccountReport,
  type AccountsReport,
  accountReport,
  accountsReport,
} from "./liquidator/accounts-report.js";
import type { BreachHandler, LegacyBreachHandler } from "./liquidator/breach-handler.js";
import type { LiquidationMode } from "./liquidator/liquidation-params.js";
import { MarginEngine } from "./liquidator/margin-engine.js";

export interface EngineOptions extends Omit<MatchingEngineOptions, "margin"> {
  /** false: no money layer (pure order-flow matching). Default true. */
  margin?: boolean;
  /** How a change of liquidation stage is reported (default: a `liquidation_stage` event). */
  onBreach?: BreachHandler | LegacyBreachHandler;
  /** The liquidator: soft (default), hard (close everything at once, the baseline) or off. */
  liquidation?: LiquidationMode;
}

export class Engine extends MatchingEngine {
  /** The money layer; null when built with `margin: false`. */
  readonly marginEngine: MarginEngine | null;

  constructor(options: EngineOptions = {}) {
    const margin =
      options.margin === false
        ? null
        : new MarginEngine({
            ...(options.onBreach ? { onBreach: options.onBreach } : {}),
            mode: options.liquidation ?? "soft",
          });
    super({ ...(options.onEvent ? { onEvent: options.onEvent } : {}), margin });
    this.marginEngine = margin;
    // Accounts, positions and funds ride in the engine state (exportState / restoreState).
    if (margin !== null) this.addStateSection(margin);
  }

  /** The `--accounts` document: accounts, positions, equity, health and the insurance fund. */
  accounts(): AccountsReport {
    if (this.marginEngine === null) return { accounts: {}, insuranceFund: 0, feesCollected: 0, capDeferrals: 0 };
    return accountsReport(this.marginEngine);
  }

  /** One account's figures, or null if it never existed. */
  account(name: string): AccountReport | null {
    const a = this.marginEngine?.accounts.get(name);
    return a === undefined ? null : accountReport(a);
  }
}
