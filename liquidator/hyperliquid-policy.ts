/**
 * Hyperliquid's published liquidation rule (hyperliquid.gitbook.io/hyperliquid-docs/trading/
 * liquidations), emulated: a breached position goes to the book as one reduce-only market order
 * for the whole position, except that a position whose notional at the oracle exceeds
 * `partialNotional` and that had no partial liquidation in the last `cooldownNs` sends
 * `partialPpm` of it (rounded up to a lot); inside that cooldown the next liquidation takes the
 * whole position. Book liquidations charge no penalty: the venue says the trader keeps whatever
 * collateral is left. Below `backstopHealthPpm` of maintenance margin the venue's liquidator
 * vault takes the account over; here that is the backstop offers (backstop.ts), and while none
 * can take it the book liquidation goes on.
 *
 * Choices the docs leave open: the market order has no price bound (as `hard`); positions go
 * largest maintenance margin first; the cooldown runs from a partial order that filled.
 */
import { MAX_SAFE, mulDivCeil, PPM } from "../protocol/units.js";
import type { Account } from "./account.js";
import { type BackstopHost, takeOverAccount } from "./backstop.js";
import type { ChildOrders } from "./child-orders.js";
import { byMaintenanceDesc, isDue, type LiquidationPolicy, nextSlice } from "./liquidation-policy.js";
import { depthWithin } from "./liquidation-slice.js";
import { equityOf, maintenanceOf } from "./pre-trade-risk.js";

export class HyperliquidPolicy implements LiquidationPolicy {
  readonly mode = "hyperliquid";

  constructor(
    private readonly children: ChildOrders,
    private readonly host: BackstopHost,
  ) {}

  staysAwake(): boolean {
    return true; // as hard: what the book could not take goes again after the next command
  }

  holds(): boolean {
    return false; // maintenance margin met: the trader keeps the rest
  }

  penaltyOf(): number {
    return 0; // no clearance fee on book liquidations
  }

  work(a: Account, now: number): void {
    // Below the vault's threshold the book liquidation has failed: the vault takes the account over.
    const equity = equityOf(a);
    const mm = maintenanceOf(a);
    if (mm > 0 && equity * PPM < vaultThreshold(a) * mm && takeOverAccount(a, this.host, this.children.events)) return;
    for (const p of byMaintenanceDesc(a)) {
      if (p.qty === 0) continue;
      if (equityOf(a) >= maintenanceOf(a)) return; // an earlier order restored the account
      const limit = p.qty > 0 ? 1 : MAX_SAFE;
      if (depthWithin(p, limit, 1, false) === 0) continue; // nothing to sell into: wait
      const held = Math.abs(p.qty);
      const hl = p.instrument.liquidation.venue.hyperliquid;
      // p.nextSliceAt holds the end of the position's cooldown after a partial liquidation.
      const partial = p.notional() > hl.partialNotional && isDue(now, p.nextSliceAt);
      const qty = partial ? Math.min(held, Math.max(1, mulDivCeil(held, hl.partialPpm, PPM))) : held;
      const filled = this.children.send(p, limit, qty, this);
      if (partial && filled > 0) p.nextSliceAt = nextSlice(now, hl.cooldownNs);
    }
  }
}

/** The account's vault threshold: the highest `backstopHealthPpm` among the instruments it holds. */
function vaultThreshold(a: Account): number {
  let threshold = 0;
  for (const p of a.positions)
    if (p.qty !== 0) threshold = Math.max(threshold, p.instrument.liquidation.venue.hyperliquid.backstopHealthPpm);
  return threshold;
}
