/**
 * A liquidation policy: what the liquidator does, on its turn, with an account in liquidation
 * (soft-policy.ts, hard-policy.ts). The liquidator owns the turn (which accounts, in which order,
 * auto-deleveraging first); a policy decides the child orders and the penalty on them.
 */
import { MAX_SAFE } from "../protocol/units.js";
import type { Account, Position } from "./account.js";
import type { PenaltyCharge } from "./child-orders.js";
import type { LiquidatingMode } from "./liquidation-params.js";

export interface LiquidationPolicy extends PenaltyCharge {
  readonly mode: LiquidatingMode;
  /** One turn on an account in liquidation at engine time `now`. */
  work(a: Account, now: number): void;
  /** Whether the account must be looked at after every command (it waits for nothing the schedule watches). */
  staysAwake(a: Account): boolean;
  /**
   * Whether an account in liquidation at or above 100% health (`equity` over `mm`, `health` in
   * ppm) stays in it: the policy restores more than the maintenance margin.
   */
  holds(a: Account, equity: number, mm: number, health: number): boolean;
}

/** The positions held, largest maintenance margin first (ties: the order they were opened). */
export function byMaintenanceDesc(a: Account): Position[] {
  if (a.positions.length === 1) return a.positions; // the common case: nothing to sort
  const held = a.positions.filter((p) => p.qty !== 0);
  const mm = held.map((p) => p.instrument.tiers.maintenance(p.notional()));
  const order = held.map((_, i) => i).sort((x, y) => (mm[y] as number) - (mm[x] as number) || x - y);
  return order.map((i) => held[i] as Position);
}

/**
 * A slice due at or past the end of the clock (2^53 − 1 ns, 285 years): it never comes. Clamping
 * alone would make the last instant due again and again (every command at that `ts` a child).
 */
export const PACING_NEVER = MAX_SAFE;

/** The next slice time; PACING_NEVER when `now + interval` leaves the safe range. */
export function nextSlice(now: number, interval: number): number {
  return now + interval >= MAX_SAFE ? PACING_NEVER : now + interval;
}

/** Whether a slice paced to `at` may go at `now`. */
export function isDue(now: number, at: number): boolean {
  return now >= at && at !== PACING_NEVER;
}
