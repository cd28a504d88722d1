/**
 * The calculation: how much of a position to close so that its account is back at its target
 * health, at the prices the live book would really give — never the whole position when less
 * will do.
 *
 * Closing q lots of a long (selling into the bids; a short buys from the asks) for proceeds P
 * moves the account's equity by the gain g = (P − q·oracle) − the taker fees of its fills (each
 * fill's fee rounded up on its own, as the engine charges it) − the penalty as the liquidator
 * charges it (penalty.ts), and its maintenance margin from MM to MM − MM_position(held) +
 * MM_position(held − q).
 *
 * The walk goes down the opposite side maker by maker, as the child would meet them: the
 * account's own orders are skipped (self-trade prevention expires them) and a reduce-only maker
 * counts only what its owner's position still lets it fill after the sweep's earlier fills (the
 * engine voids the rest as the child reaches it, as its fill-or-kill check does). Health need not
 * be monotone in q (a tier edge re-rates the whole remaining notional, the penalty switches
 * between its rate and its cap), so each maker's lots are cut into pieces on which the test is
 * simple: one price, one margin bracket, one sign of the penalty's room. On such a piece the
 * equity after closing is linear in q, or linear less a concave minimum (the penalty), so the
 * shortfall against the target is convex: the lots that reach the target form a run at the end of
 * the piece, or the piece's first lot already does. Each piece is answered from its ends and a
 * bisection (short pieces lot by lot), up to the ceil roundings of fees and margin, which a final
 * look at the lots just before the answer takes care of.
 */

import type { LevelView, SideView } from "../engine/depth-view.js";
import type { MarginBook } from "../engine/margin-hooks.js";
import type { SideCode } from "../protocol/commands.js";
import type { Position } from "./account.js";
import { feeOf, healthPpmOf } from "./money.js";
import { penaltyRoom, slicePenalty } from "./penalty.js";

/** The side a position closes against: a long sells into the bids, a short buys from the asks. */
export function closingSide(p: Position): SideView {
  const book = p.instrument.book;
  return p.qty > 0 ? book.bids : book.asks;
}

/** Lots of `level` that `account` can take; `own`: the account may have orders here (walk them). */
export function takeableAt(level: LevelView, account: string, own: boolean): number {
  if (!own) return level.totalQty;
  let n = 0;
  for (let o = level.head; o !== null; o = o.next) if (o.account !== account) n += o.open;
  return n;
}

/** Whether the account may have resting orders on the side its position closes against. */
export function ownOrdersOpposite(p: Position): boolean {
  return (p.qty > 0 ? p.openBuyQty : p.openSellQty) > 0 || p.reduceOnly.length > 0;
}

/** What the walk needs to know of other accounts: how much a reduce-only maker may still fill. */
export interface ReduceOnlyRooms {
  reduceOnlyRoom(book: MarginBook, account: string, side: SideCode): number;
}

/** The penalty rule's parameters (LiquidationSettings has them). */
export interface PenaltyRule {
  readonly penaltyPpm: number;
  readonly penaltyGainSharePpm: number;
}

/** Pieces up to this many lots are tested lot by lot (exact whatever the roundings). */
const SCAN_LOTS = 32;

/**
 * The sizing of one close: `qty`, and whether a partial close restores the target (`restores`)
 * or the book ran out before anything did (`bookShort`). Neither: only the whole position
 * reaches the target, or nothing does — the account cannot be restored by the book as it is.
 * Reused: one per liquidator.
 */
export class CloseSizing {
  qty = 0;
  restores = false;
  bookShort = false;

  // The close being sized (set by size(), read by reaches()).
  private position: Position | null = null;
  private equity = 0;
  private mm = 0;
  private targetPpm = 0;
  private rule: PenaltyRule = { penaltyPpm: 0, penaltyGainSharePpm: 0 };
  private mmPosition = 0;
  private mmOther = 0;
  /** Lots each maker account filled so far in the walk (bounds its reduce-only makers). */
  private readonly traded = new Map<string, number>();

  /**
   * Sizes closing `p` for an account at `equity` over `mm` (at the oracle now) back to
   * `targetPpm`, with the penalty of `rule`. Returns `qty`: the smallest whole number of lots
   * that reaches the target, else the whole position.
   */
  size(
    p: Position,
    equity: number,
    mm: number,
    targetPpm: number,
    rule: PenaltyRule,
    rooms: ReduceOnlyRooms | null,
  ): number {
    const inst = p.instrument;
    const held = Math.abs(p.qty);
    this.position = p;
    this.equity = equity;
    this.mm = mm;
    this.targetPpm = targetPpm;
    this.rule = rule;
    this.mmPosition = inst.tiers.maintenance(held * inst.book.oraclePrice);
    this.mmOther = mm - this.mmPosition;
    this.restores = false;
    this.bookShort = false;
    const found = this.walk(p, held, rooms);
    this.position = null;
    if (found > 0) {
      this.qty = found;
      this.restores = found < held || this.mmOther > 0;
    } else {
      this.qty = held;
      this.bookShort = found < 0;
    }
    return this.qty;
  }

  /** The smallest reaching quantity; 0: none up to the whole position; −1: the book ran out first. */
  private walk(p: Position, held: number, rooms: ReduceOnlyRooms | null): number {
    const account = p.account.name;
    const own = ownOrdersOpposite(p);
    const book = p.instrument.book;
    const feePpm = p.instrument.takerFeePpm;
    const traded = this.traded;
    traded.clear();
    const levels = closingSide(p).cursor();
    let q = 0;
    let proceeds = 0;
    let fees = 0;
    for (let level = levels.next(); level !== null; level = levels.next()) {
      const price = level.price;
      for (let o = level.head; o !== null && q < held; o = o.next) {
        if (own && o.account === account) continue; // self-trade prevention expires it
        let lots = Math.min(o.open, held - q);
        const owner = o.account;
        if (owner !== null && rooms !== null) {
          const before = traded.get(owner) ?? 0;
          if (o.reduceOnly) lots = Math.min(lots, Math.max(0, rooms.reduceOnlyRoom(book, owner, o.side) - before));
          traded.set(owner, before + lots);
        }
        if (lots === 0) continue;
        if (!Number.isSafeInteger(proceeds + lots * price)) return -1; // beyond any book a child can take
        const found = this.firstInMaker(q, proceeds, fees, price, lots, feePpm);
        if (found > 0) return found;
        q += lots;
        proceeds += lots * price;
        fees += feeOf(lots * price, feePpm);
      }
      if (q === held) return 0;
    }
    return -1;
  }

  /**
   * The first q in (q0, q0 + lots] that reaches the target when the lots after q0 fill at `price`
   * from one maker (one fill: its fee is rounded once); 0 if none does.
   */
  private firstInMaker(q0: number, p0: number, f0: number, price: number, lots: number, feePpm: number): number {
    let from = 1;
    while (from <= lots) {
      const to = Math.min(lots, this.bracketEnd(q0 + from) - q0);
      const found = this.firstInBracket(q0, p0, f0, price, feePpm, from, to);
      if (found > 0) return found;
      from = to + 1;
    }
    return 0;
  }

  /** The last q ≥ `q` whose remaining position lies in the same margin bracket as at `q`. */
  private bracketEnd(q: number): number {
    const p = this.position as Position;
    const tiers = p.instrument.tiers;
    const o = p.instrument.book.oraclePrice;
    const held = Math.abs(p.qty);
    const tier = tiers.tierOf((held - q) * o);
    if (tier === 0) return held;
    // The remaining notional enters the bracket below once (held − q')·o ≤ its cap.
    return held - Math.floor(tiers.capOf(tier - 1) / o) - 1;
  }

  /** Within one maker and one bracket: lots j in [from, to] after q0 (see the file comment). */
  private firstInBracket(
    q0: number,
    p0: number,
    f0: number,
    price: number,
    feePpm: number,
    from: number,
    to: number,
  ): number {
    const test = (j: number): boolean => this.reaches(q0 + j, p0 + j * price, f0 + feeOf(j * price, feePpm));
    if (to - from < SCAN_LOTS) {
      for (let j = from; j <= to; j++) if (test(j)) return q0 + j;
      return 0;
    }
    // Split where the penalty's room changes sign (it is linear in j here, up to rounding).
    const room = (j: number): boolean => this.roomPositive(q0 + j, p0 + j * price, f0 + feeOf(j * price, feePpm));
    const first = room(from);
    let split = to + 1;
    if (room(to) !== first) {
      let lo = from + 1;
      let hi = to;
      while (lo < hi) {
        const mid = lo + Math.floor((hi - lo) / 2);
        if (room(mid) !== first) hi = mid;
        else lo = mid + 1;
      }
      split = lo;
    }
    const found = firstOnConvex(test, from, split - 1);
    if (found > 0) return q0 + found;
    if (split > to) return 0;
    const later = firstOnConvex(test, split, to);
    return later > 0 ? q0 + later : 0;
  }

  /** What closing q lots for `proceeds`, having paid `fees`, gains against their value at the oracle. */
  private gainOf(q: number, proceeds: number, fees: number): number {
    const p = this.position as Position;
    const atOracle = q * p.instrument.book.oraclePrice;
    return (p.qty > 0 ? proceeds - atOracle : atOracle - proceeds) - fees;
  }

  private mmPositionAfter(q: number): number {
    const p = this.position as Position;
    const held = Math.abs(p.qty);
    return held > q ? p.instrument.tiers.maintenance((held - q) * p.instrument.book.oraclePrice) : 0;
  }

  private roomPositive(q: number, proceeds: number, fees: number): boolean {
    const released = this.mmPosition - this.mmPositionAfter(q);
    return penaltyRoom(this.equity, this.mm, this.gainOf(q, proceeds, fees), released) > 0;
  }

  /** Whether closing q lots for `proceeds`, having paid `fees`, leaves the account at its target (or flat). */
  private reaches(q: number, proceeds: number, fees: number): boolean {
    const mmAfterPosition = this.mmPositionAfter(q);
    const gain = this.gainOf(q, proceeds, fees);
    const rule = this.rule;
    const penalty = slicePenalty(
      rule.penaltyPpm,
      rule.penaltyGainSharePpm,
      proceeds,
      this.equity,
      this.mm,
      gain,
      this.mmPosition - mmAfterPosition,
    );
    const after = this.equity + gain - penalty;
    const mmAfter = this.mmOther + mmAfterPosition;
    if (mmAfter <= 0) return true;
    return after >= 0 && healthPpmOf(after, mmAfter) >= this.targetPpm;
  }
}

/**
 * The first j in [from, to] with test(j), where the lots failing the test form a run at the start
 * (a convex shortfall that starts negative): the ends decide, a bisection finds the edge, and a
 * short look back undoes the roundings. 0 if none.
 */
function firstOnConvex(test: (j: number) => boolean, from: number, to: number): number {
  if (from > to) return 0;
  if (test(from)) return from;
  if (!test(to)) return 0;
  let lo = from + 1;
  let hi = to;
  while (lo < hi) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (test(mid)) hi = mid;
    else lo = mid + 1;
  }
  for (let back = 0; back < SCAN_LOTS && lo - 1 > from && test(lo - 1); back++) lo--;
  return lo;
}

const shared = new CloseSizing();

/**
 * The smallest quantity of `p` whose closing at the book's prices brings the account (equity
 * and maintenance margin at the oracle now) to `targetPpm`, with the penalty as the soft
 * liquidator charges it; the whole position when no quantity the book holds does.
 */
export function closeQuantity(
  p: Position,
  equity: number,
  mm: number,
  targetPpm: number,
  rule: PenaltyRule,
  rooms: ReduceOnlyRooms | null = null,
): number {
  return shared.size(p, equity, mm, targetPpm, rule, rooms);
}
