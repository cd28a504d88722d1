/**
 * Sizing a liquidation slice: the limit a child order may trade to and the share of the live
 * depth inside it that one child may take. The quantity the account needs comes from
 * close-quantity.ts; a slice is the smaller of the two.
 */
import { MAX_SAFE, mulDivCeil, mulDivFloor, PPM } from "../protocol/units.js";
import type { Position } from "./account.js";
import { closingSide, ownOrdersOpposite, takeableAt } from "./close-quantity.js";
import { ceilDiv, floorDiv } from "./money.js";
import { equityOf, maintenanceOf } from "./pre-trade-risk.js";

/**
 * The worst price a child may trade at: `maxSlippagePpm` from the oracle (rounded inward), widened
 * by `slippageWidenPpm` × ABR, dYdX's adjusted bankruptcy rating clamp(1 − equity / MM, 0, 1), so
 * that a deeper account may trade further (0, the default: no widening).
 */
export function slippageBound(p: Position): number {
  const o = p.instrument.book.oraclePrice;
  const settings = p.instrument.liquidation;
  let slip = settings.maxSlippagePpm;
  if (settings.slippageWidenPpm > 0) {
    const mm = maintenanceOf(p.account);
    const short = mm - Math.max(0, equityOf(p.account));
    if (mm > 0 && short > 0)
      slip = Math.min(PPM - 1, slip + mulDivFloor(settings.slippageWidenPpm, Math.min(mm, short), mm));
  }
  return p.qty > 0 ? Math.max(1, mulDivCeil(o, PPM - slip, PPM)) : mulDivFloor(o, PPM + slip, PPM);
}

/**
 * The slippage bound, and never past the bankruptcy price: the price at which closing the whole
 * position, with the taker fees of the close, would use up the account's equity (cross margin:
 * all of it backs this position). A long sells n lots at p for n·p·(1 − fee) and must keep
 * E + n·p·(1 − fee) − n·o ≥ 0; a short buys at p·(1 + fee) and must keep E − n·p·(1 + fee) + n·o ≥ 0.
 * Each fill's fee rounds up on its own (at most one unit a lot), so with a fee one unit a lot
 * is held back from the equity.
 */
export function softLimit(p: Position, equity: number): number {
  const inst = p.instrument;
  const o = inst.book.oraclePrice;
  const held = Math.abs(p.qty);
  const fee = Math.max(0, inst.takerFeePpm);
  const budget = Math.max(0, fee > 0 ? equity - held : equity);
  const bound = slippageBound(p);
  if (p.qty > 0) {
    const owed = held * o - budget; // what the proceeds after fees must cover
    const bankruptcy = owed <= 0 ? 1 : ceilDiv(mulDivCeil(owed, PPM, Math.max(1, PPM - fee)), held);
    return Math.max(bound, bankruptcy);
  }
  const bankruptcy = floorDiv(mulDivFloor(Math.min(MAX_SAFE, held * o + budget), PPM, PPM + fee), held);
  return Math.min(bound, bankruptcy);
}

/** The participation share of a slice: `participationPpm`, doubled in stage 2. */
export function sliceShare(participationPpm: number, stage2: boolean): number {
  return stage2 ? Math.min(PPM, 2 * participationPpm) : participationPpm;
}

/**
 * The most one child may take: its share of the weighted depth inside `limit` (depthWithin); 0
 * when that is less than a lot (too little depth for one lot is no depth: wait for the refill).
 */
export function sliceLimit(p: Position, limit: number, share: number): number {
  // Depth beyond what a slice of the whole position could use does not matter: the walk stops there.
  const depth = depthWithin(p, limit, mulDivCeil(Math.abs(p.qty), PPM, share), true);
  return mulDivFloor(depth, share, PPM);
}

/** A lot at the slippage bound's distance from the touch counts this much (ppm) of a lot at the touch. */
const WEIGHT_AT_LIMIT = 100_000;

/**
 * Lots the account can take on the closing side at `limit` or better (counted up to `enough`).
 * `weighted`: each level's lots count by their distance from the touch (the best level counts
 * fully), linearly less down to a tenth at the slippage bound's distance (`maxSlippagePpm` of the
 * oracle, whatever tighter limit the bankruptcy price sets). The participation share is taken of
 * this weighted depth, so that lots far from the touch cannot size a child that then sells most of
 * itself there (a 1,000-lot bid at a 1% limit behind 10 lots at the touch made a 10% child of 101
 * lots, 91 of them at −1%; weighted, 200 lots count and the child is 20), while a book whose only
 * depth is far still gets children sized on it (its best level is its touch).
 */
export function depthWithin(p: Position, limit: number, enough: number, weighted: boolean): number {
  const long = p.qty > 0;
  const best = closingSide(p).best;
  if (best === null || (long ? best.price < limit : best.price > limit)) return 0; // the usual wait: no walk
  const account = p.account.name;
  const own = ownOrdersOpposite(p);
  const touch = best.price;
  // The slippage bound's width in ticks: a level that far from the touch counts a tenth.
  const reach = Math.max(1, mulDivCeil(p.instrument.book.oraclePrice, p.instrument.liquidation.maxSlippagePpm, PPM));
  const levels = closingSide(p).cursor();
  let depth = 0;
  for (let level = levels.next(); level !== null; level = levels.next()) {
    const price = level.price;
    if (long ? price < limit : price > limit) break;
    const lots = takeableAt(level, account, own);
    const away = Math.min(reach, Math.abs(touch - price));
    if (!weighted || away === 0) depth += lots;
    else depth += mulDivFloor(lots, PPM - mulDivFloor(PPM - WEIGHT_AT_LIMIT, away, reach), PPM);
    if (depth >= enough) break;
  }
  return depth;
}
