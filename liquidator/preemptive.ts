/**
 * The pre-emptive stage (soft mode, per instrument when `instrument.liquidation.preemptive` is
 * given): an account that is healthy but that a `sigmas`-sigma adverse move over `horizonNs` would
 * breach (volatility.ts) enters the stage `preemptive` and is reduced in small paced slices
 * (soft-policy.ts) until it would survive the move. On an oracle update the at-risk index hands
 * over every account whose triggers lie within the shock of the oracle (at-risk-index.ts
 * collectBand), so the stage costs nothing for accounts far from it.
 */
import { mulDivFloor, PPM } from "../protocol/units.js";
import type { Account, Position } from "./account.js";
import type { InstrumentMargin } from "./instrument-margin.js";

/** The instrument's pre-emptive shock now (ppm of the oracle; 0: the stage is off here or no volatility yet). */
export function shockOf(inst: InstrumentMargin): number {
  const pre = inst.liquidation.preemptive;
  return pre === null || inst.vol === null ? 0 : inst.vol.shockPpm(pre.horizonNs, pre.sigmas);
}

/**
 * Whether each position moved against the account by its instrument's shock would leave its
 * equity below the maintenance margin at the shocked prices (positions on instruments without the
 * stage are not moved). `changed`, when given, is taken as holding `changedQty` lots instead, the
 * rest closed at the oracle (which leaves the equity as it is).
 */
export function shockedBreach(a: Account, equity: number, changed: Position | null = null, changedQty = 0): boolean {
  let shocked = equity;
  let mm = 0;
  let any = false;
  for (const p of a.positions) {
    const qty = p === changed ? changedQty : p.qty;
    if (qty === 0) continue;
    const o = p.instrument.book.oraclePrice;
    const move = mulDivFloor(o, shockOf(p.instrument), PPM);
    if (move > 0) any = true;
    const price = qty > 0 ? o - move : o + move;
    shocked -= Math.abs(qty) * move;
    mm += p.instrument.tiers.maintenance(Math.abs(qty) * price);
  }
  return any && shocked < mm;
}
