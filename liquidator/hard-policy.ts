/**
 * Hard liquidation, the classic baseline: on breach every position goes to the book at once as one
 * unbounded order, and the penalty is `penaltyPpm` of the notional closed (rounded up), never more
 * than the account's remaining equity.
 */
import { MAX_SAFE, mulDivCeil, PPM } from "../protocol/units.js";
import type { Account, Position } from "./account.js";
import type { ChildFill, ChildOrders } from "./child-orders.js";
import { byMaintenanceDesc, type LiquidationPolicy } from "./liquidation-policy.js";
import { equityOf } from "./pre-trade-risk.js";

export class HardPolicy implements LiquidationPolicy {
  readonly mode = "hard";

  constructor(private readonly children: ChildOrders) {}

  work(a: Account): void {
    for (const p of byMaintenanceDesc(a)) this.children.sendWhole(p, p.qty > 0 ? 1 : MAX_SAFE, this);
  }

  staysAwake(): boolean {
    return true; // what the book could not take goes again after the next command
  }

  holds(): boolean {
    return false; // back at 100%: done
  }

  penaltyOf(p: Position, fill: ChildFill): number {
    const nominal = mulDivCeil(fill.notional, p.instrument.liquidation.penaltyPpm, PPM);
    return Math.min(nominal, Math.max(0, equityOf(p.account)));
  }
}
