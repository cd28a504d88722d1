/**
 * What happens when an account's equity falls below its maintenance margin. This is the seam for
 * the liquidator: today a breach is only reported (a `liquidation_stage` event with stage
 * "breach"); a soft or hard liquidator implements this interface and starts working the account.
 */
import type { EventStream } from "../engine/event-stream.js";
import type { Account } from "./account.js";
import { healthPpmOf } from "./money.js";

export interface BreachHandler {
  /** Called once per breach: the account stays flagged until a re-check finds it healthy again. */
  onBreach(account: Account, equity: number, maintenanceMargin: number, events: EventStream): void;
}

export const reportBreach: BreachHandler = {
  onBreach(account, equity, maintenanceMargin, events) {
    const e = events.begin();
    e.type = "liquidation_stage";
    e.account = account.name;
    e.stage = "breach";
    e.healthPpm = healthPpmOf(equity, maintenanceMargin);
    e.equity = equity;
    e.maintenanceMargin = maintenanceMargin;
    events.publish(e);
  },
};
