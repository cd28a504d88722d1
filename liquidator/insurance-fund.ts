/**
 * The insurance fund: penalties flow in (child-orders.ts), and it pays the debt of an account left
 * flat with negative collateral, as far as it reaches; what it cannot pay stays owed on the account.
 */
import type { EventStream } from "../engine/event-stream.js";
import type { Account } from "./account.js";
import type { FundHolder } from "./child-orders.js";

/** An account left flat owes −collateral: the fund pays what it can (`liquidation_insurance`). */
export function coverBadDebt(a: Account, fund: FundHolder, events: EventStream): void {
  const debt = -a.collateral;
  const paid = Math.min(debt, fund.insuranceFund);
  fund.insuranceFund -= paid;
  a.collateral += paid;
  const e = events.begin();
  e.type = "liquidation_insurance";
  e.account = a.name;
  e.badDebt = debt;
  e.amount = paid;
  e.insuranceFund = fund.insuranceFund;
  events.publish(e);
}
