/**
 * How a change of an account's stage is reported (breach-monitor.ts decides the stages): by
 * default as a `liquidation_stage` event naming the stage entered. The liquidator does not hang on
 * this seam (the monitor wakes it); a library user may pass its own handler, or one written to the
 * older `onBreach` interface, to observe the changes.
 */
import type { EventStream } from "../engine/event-stream.js";
import type { LiquidationStage } from "../protocol/liquidation-stages.js";
import { type Account, BANKRUPT, HEALTHY, IN_BREACH, PREEMPTIVE, STAGE2, type Stage, UNRESTORABLE } from "./account.js";
import { healthPpmOf } from "./money.js";

export interface BreachHandler {
  /**
   * Called once per change of `account.stage` (already set to `stage`), with the exact equity
   * and maintenance margin that decided it (maintenance margin 0: no position left).
   */
  onStage(account: Account, stage: Stage, equity: number, maintenanceMargin: number, events: EventStream): void;
}

/** The stage names of `liquidation_stage` events: the stage entered. */
export function stageName(stage: Stage): LiquidationStage {
  switch (stage) {
    case IN_BREACH:
      return "breach";
    case STAGE2:
      return "stage2";
    case BANKRUPT:
      return "bankrupt";
    case UNRESTORABLE:
      return "unrestorable";
    case PREEMPTIVE:
      return "preemptive";
    default:
      return "restored";
  }
}

/** The handler before stages: told once when an account falls below maintenance margin. */
export interface LegacyBreachHandler {
  onBreach(account: Account, equity: number, maintenanceMargin: number, events: EventStream): void;
}

/**
 * The handler to use: the default report, the given one, or an adapter for a handler written to
 * the older interface (`onBreach` on entry into liquidation, nothing on the other changes).
 */
export function breachHandlerOf(handler: BreachHandler | LegacyBreachHandler | undefined): BreachHandler {
  if (handler === undefined) return reportBreach;
  if ("onStage" in handler && typeof handler.onStage === "function") return handler;
  const legacy = handler as LegacyBreachHandler;
  const inLiquidation = new Set<Account>();
  return {
    onStage(account, stage, equity, maintenanceMargin, events) {
      if (stage === HEALTHY) inLiquidation.delete(account);
      else if (!inLiquidation.has(account)) {
        inLiquidation.add(account);
        legacy.onBreach(account, equity, maintenanceMargin, events);
      }
    },
  };
}

export const reportBreach: BreachHandler = {
  onStage(account, stage, equity, maintenanceMargin, events) {
    const e = events.begin();
    e.type = "liquidation_stage";
    e.account = account.name;
    e.stage = stageName(stage);
    // No position left: no health to report (null in JSON).
    e.healthPpm = maintenanceMargin > 0 ? healthPpmOf(equity, maintenanceMargin) : Number.NaN;
    e.equity = equity;
    e.maintenanceMargin = maintenanceMargin;
    events.publish(e);
  },
};
