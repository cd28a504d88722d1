/**
 * What the liquidator did to each account, gathered from its events as they pass (replay, recover):
 * the stages it went through, the child orders, what they closed and the penalty on it, what the
 * insurance fund paid, what auto-deleveraging and backstops took from it or handed to it. Only the
 * liquidator's events are looked at; an account the liquidator never touched has no entry.
 */
import type { EngineEvent } from "../protocol/events.js";
import type { LiquidationStage } from "../protocol/liquidation-stages.js";
import { setOwnEntry } from "../protocol/own-entry.js";

/** One stage change: the engine time, the stage entered, the health then (ppm; null: no position). */
export interface StageChange {
  ts: number;
  stage: LiquidationStage;
  healthPpm: number | null;
}

/** Per instrument: lots and quote units closed by child orders, and lots moved off the book. */
export interface SymbolLiquidation {
  closedQty: number;
  closedNotional: number;
  penalties: number;
  /** Lots of this account's position passed to ADL counterparties / to backstops. */
  adlQty: number;
  backstopQty: number;
}

export interface AccountLiquidation {
  /** Entries into liquidation (breach, stage 2, bankruptcy) from health or the pre-emptive watch. */
  liquidations: number;
  /** Entries into the pre-emptive stage. */
  preemptive: number;
  /** The last stage entered (restored: out of liquidation). */
  stage: LiquidationStage;
  /** The lowest health its stage changes reported (ppm; null: none had a position to measure). */
  lowestHealthPpm: number | null;
  childOrders: number;
  closedQty: number;
  closedNotional: number;
  penalties: number;
  /** Its shortfall when left flat with negative collateral, and what the insurance fund paid of it. */
  badDebt: number;
  insurancePaid: number;
  /** Lots of its positions auto-deleveraged (it was bankrupt) / taken over as an ADL counterparty. */
  adlQty: number;
  adlTakenQty: number;
  /** Lots of its positions taken by backstops / taken over as a backstop. */
  backstopQty: number;
  backstopTakenQty: number;
  bySymbol: Record<string, SymbolLiquidation>;
  /** Every stage change, in order. */
  stages: StageChange[];
}

function emptyAccount(): AccountLiquidation {
  return {
    liquidations: 0,
    preemptive: 0,
    stage: "restored",
    lowestHealthPpm: null,
    childOrders: 0,
    closedQty: 0,
    closedNotional: 0,
    penalties: 0,
    badDebt: 0,
    insurancePaid: 0,
    adlQty: 0,
    adlTakenQty: 0,
    backstopQty: 0,
    backstopTakenQty: 0,
    bySymbol: {},
    stages: [],
  };
}

function emptySymbol(): SymbolLiquidation {
  return { closedQty: 0, closedNotional: 0, penalties: 0, adlQty: 0, backstopQty: 0 };
}

export class LiquidationLedger {
  private readonly byAccount = new Map<string, AccountLiquidation>();

  /** Takes any event; only the liquidator's change the ledger. */
  observe(e: EngineEvent): void {
    switch (e.type) {
      case "liquidation_stage":
        this.stage(e);
        return;
      case "liquidation_order":
        this.of(e.account).childOrders++;
        return;
      case "liquidation_reduced": {
        const a = this.of(e.account);
        const s = this.symbolOf(a, e.symbol);
        a.closedQty += e.qty;
        a.closedNotional += e.notional;
        a.penalties += e.penalty;
        s.closedQty += e.qty;
        s.closedNotional += e.notional;
        s.penalties += e.penalty;
        return;
      }
      case "liquidation_insurance": {
        const a = this.of(e.account);
        a.badDebt += e.badDebt;
        a.insurancePaid += e.amount;
        return;
      }
      case "liquidation_adl": {
        const a = this.of(e.account);
        a.adlQty += e.qty;
        this.symbolOf(a, e.symbol).adlQty += e.qty;
        this.of(e.counterparty).adlTakenQty += e.qty;
        return;
      }
      case "liquidation_backstop": {
        const a = this.of(e.account);
        a.backstopQty += e.qty;
        this.symbolOf(a, e.symbol).backstopQty += e.qty;
        this.of(e.counterparty).backstopTakenQty += e.qty;
        return;
      }
      default:
        return;
    }
  }

  /** One account's entry, or null when the liquidator never touched it. */
  account(name: string): AccountLiquidation | null {
    return this.byAccount.get(name) ?? null;
  }

  /** Every touched account by name (sorted). */
  report(): Record<string, AccountLiquidation> {
    const out: Record<string, AccountLiquidation> = {};
    for (const name of [...this.byAccount.keys()].sort()) setOwnEntry(out, name, this.byAccount.get(name));
    return out;
  }

  /** The touched accounts, most notional closed first (then most lots moved off the book, then by name). */
  ranked(): [string, AccountLiquidation][] {
    const moved = (a: AccountLiquidation): number => a.adlQty + a.backstopQty;
    return [...this.byAccount].sort(
      ([x, a], [y, b]) =>
        b.closedNotional - a.closedNotional ||
        moved(b) - moved(a) ||
        b.liquidations - a.liquidations ||
        (x < y ? -1 : 1),
    );
  }

  get size(): number {
    return this.byAccount.size;
  }

  private stage(e: EngineEvent): void {
    const a = this.of(e.account);
    const stage = e.stage as LiquidationStage;
    const from = a.stage;
    if (stage === "preemptive") a.preemptive++;
    else if (stage !== "restored" && (from === "restored" || from === "preemptive")) a.liquidations++;
    a.stage = stage;
    const health = Number.isNaN(e.healthPpm) ? null : e.healthPpm;
    a.stages.push({ ts: e.ts, stage, healthPpm: health });
    if (health !== null && (a.lowestHealthPpm === null || health < a.lowestHealthPpm)) a.lowestHealthPpm = health;
  }

  private of(name: string | null): AccountLiquidation {
    const key = name ?? "";
    let a = this.byAccount.get(key);
    if (a === undefined) {
      a = emptyAccount();
      this.byAccount.set(key, a);
    }
    return a;
  }

  private symbolOf(a: AccountLiquidation, symbol: string): SymbolLiquidation {
    // Own entries only: a symbol may be any 1–32 characters, "__proto__" included.
    let s = Object.hasOwn(a.bySymbol, symbol) ? a.bySymbol[symbol] : undefined;
    if (s === undefined) {
      s = emptySymbol();
      setOwnEntry(a.bySymbol, symbol, s);
    }
    return s;
  }
}
