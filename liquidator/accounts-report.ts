/** The `--accounts` document of the contract: every account's money and positions, and the insurance fund. */
import { setOwnEntry } from "../protocol/own-entry.js";
import type { Account } from "./account.js";
import type { MarginEngine } from "./margin-engine.js";
import { healthPpmOf } from "./money.js";
import { equityOf, maintenanceOf } from "./pre-trade-risk.js";

export interface PositionReport {
  /** Signed: long > 0. */
  qty: number;
  entryNotional: number;
}

export interface AccountReport {
  collateral: number;
  equity: number;
  /** equity / maintenance margin in ppm (rounded down); null without a position. */
  healthPpm: number | null;
  positions: Record<string, PositionReport>;
}

export interface AccountsReport {
  accounts: Record<string, AccountReport>;
  insuranceFund: number;
  /** Beyond the contract's fields: net fees received, so that money can be reconciled from the file. */
  feesCollected: number;
  /** Beyond the contract's fields: soft slices deferred to the market-wide cap's next window. */
  capDeferrals: number;
  /** Beyond the contract's fields, when any stand: the backstop offers by symbol, cheapest first, with the notional each still takes. */
  backstops?: Record<string, { account: string; discountPpm: number; left: number }[]>;
}

export function accountReport(a: Account): AccountReport {
  const equity = equityOf(a);
  const mm = maintenanceOf(a);
  const positions: Record<string, PositionReport> = {};
  const held = a.positions.filter((p) => p.qty !== 0);
  held.sort((x, y) => (x.instrument.symbol < y.instrument.symbol ? -1 : 1));
  for (const p of held) setOwnEntry(positions, p.instrument.symbol, { qty: p.qty, entryNotional: p.entryNotional });
  return { collateral: a.collateral, equity, healthPpm: mm === 0 ? null : healthPpmOf(equity, mm), positions };
}

/** Accounts by name (sorted), each with its positions by symbol (sorted). */
export function accountsReport(margin: MarginEngine): AccountsReport {
  const accounts: Record<string, AccountReport> = {};
  for (const name of [...margin.accounts.keys()].sort()) {
    setOwnEntry(accounts, name, accountReport(margin.accounts.get(name) as Account));
  }
  const report: AccountsReport = {
    accounts,
    insuranceFund: margin.insuranceFund,
    feesCollected: margin.feesCollected,
    capDeferrals: margin.capDeferrals,
  };
  const offers = margin.backstopOffers();
  if (offers.length > 0) {
    const backstops: NonNullable<AccountsReport["backstops"]> = {};
    for (const [symbol, list] of offers) {
      setOwnEntry(
        backstops,
        symbol,
        list.map(([account, discountPpm, left]) => ({ account, discountPpm, left })),
      );
    }
    report.backstops = backstops;
  }
  return report;
}
