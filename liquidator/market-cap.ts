/**
 * The market-wide cap: all liquidation child orders on one side of an instrument, from every
 * account together, take at most `marketParticipationPpm` of the (weighted) depth inside the
 * slippage bound per `sliceIntervalNs`. Without it, 50 accounts breached by one oracle move each
 * took their own share of the same depth in the same turn: the aggregate was unbounded.
 *
 * A window opens with the first soft child on a side once the last window has ended. Its budget,
 * the share of the depth then, is allocated at once to the positions of accounts in liquidation
 * on that side, lowest health first (ties: creation order), each up to what its own participation
 * share would let it take; what is left serves, first come, positions that enter liquidation later
 * in the window. A position whose allowance is spent waits for the window's end. Allocating at the
 * window's opening makes "lowest health first" independent of the order the turn visits accounts
 * in. Bankrupt accounts (closed at once) and hard mode are not capped.
 */
import { PPM } from "../protocol/units.js";
import { HEALTHY, type Position } from "./account.js";
import type { InstrumentMargin } from "./instrument-margin.js";
import { stage2Of } from "./liquidation-params.js";
import { isDue, nextSlice } from "./liquidation-policy.js";
import { depthWithin, sliceLimit, sliceShare, slippageBound, softLimit } from "./liquidation-slice.js";
import { healthPpmOf } from "./money.js";
import { equityOf, maintenanceOf } from "./pre-trade-risk.js";

/** One side's window: lots not allocated, until `end` (engine time, exclusive; 0: none yet). */
export class CapWindow {
  end = 0;
  left = 0;
}

/** Whether the instrument's cap can bind at all (100% of the depth is no cap). */
export function capInForce(inst: InstrumentMargin): boolean {
  return inst.liquidation.marketParticipationPpm < PPM;
}

/** The window of the side `p` closes against at `now`, opened and allocated when the last one has ended. */
export function capWindowFor(p: Position, now: number): CapWindow {
  const inst = p.instrument;
  const long = p.qty > 0;
  const window = long ? inst.capBids : inst.capAsks;
  if (!isDue(now, window.end)) return window;
  const settings = inst.liquidation;
  window.end = nextSlice(now, Math.max(1, settings.sliceIntervalNs));
  const depth = depthWithin(p, slippageBound(p), Number.MAX_SAFE_INTEGER, true);
  let left = Math.floor((depth * settings.marketParticipationPpm) / PPM);
  for (const c of contenders(inst, long)) {
    const want = ownShare(c);
    const given = Math.min(want, left);
    c.capEnd = window.end;
    c.capLeft = given;
    left -= given;
  }
  window.left = left;
  return window;
}

/** Lots `p` may still send in `window`: its allowance, then the unallocated rest. */
export function capAvailable(p: Position, window: CapWindow): number {
  return (p.capEnd === window.end ? p.capLeft : 0) + window.left;
}

/** Books `filled` lots of `p`'s child against its allowance first, then the rest. */
export function capUse(p: Position, window: CapWindow, filled: number): void {
  let n = filled;
  if (p.capEnd === window.end) {
    const mine = Math.min(n, p.capLeft);
    p.capLeft -= mine;
    n -= mine;
  }
  window.left = Math.max(0, window.left - n);
}

/** Positions on this side of accounts in liquidation with equity, lowest health first (exact), then creation order. */
function contenders(inst: InstrumentMargin, long: boolean): Position[] {
  const out: { p: Position; equity: bigint; mm: bigint; seq: number }[] = [];
  for (const p of inst.watched) {
    if (p.qty === 0 || p.qty > 0 !== long || p.account.stage === HEALTHY) continue;
    const equity = equityOf(p.account);
    const mm = maintenanceOf(p.account);
    if (equity <= 0 || mm === 0) continue; // bankrupt: closed at once, uncapped
    out.push({ p, equity: BigInt(equity), mm: BigInt(mm), seq: p.account.seq });
  }
  out.sort((x, y) => {
    const left = x.equity * y.mm;
    const right = y.equity * x.mm;
    return left === right ? x.seq - y.seq : left < right ? -1 : 1;
  });
  return out.map((c) => c.p);
}

/** What `p`'s own participation share would let one child take now. */
function ownShare(p: Position): number {
  const a = p.account;
  const equity = equityOf(a);
  const mm = maintenanceOf(a);
  const stage2 = healthPpmOf(equity, mm) < stage2Of(a);
  return Math.min(
    Math.abs(p.qty),
    sliceLimit(p, softLimit(p, equity), sliceShare(p.instrument.liquidation.participationPpm, stage2)),
  );
}
