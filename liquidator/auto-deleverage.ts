/**
 * Auto-deleveraging of a bankrupt account the insurance fund cannot cover: its positions, largest
 * maintenance margin first, pass to opposite positions at the bankruptcy price (where its equity
 * comes back to zero if the whole position goes there) until its equity is back at `floor` or more:
 * zero (the venues: the whole position goes), or minus what the fund carries (soft: only the lots
 * for the part of the debt the fund cannot carry go, and the account keeps the rest).
 * The other side is ranked by profit over its position's life (of entry) × leverage (notional over
 * equity), highest first, ties in creation order, compared exactly (cross-multiplied BigInts). A
 * counterparty gives up at most that profit and never more than its equity: no new bad debt, and
 * what earlier rounds took is realized in its position, so the same profit is never taken twice.
 */
import type { EventStream } from "../engine/event-stream.js";
import { MAX_SAFE } from "../protocol/units.js";
import type { Account, Position } from "./account.js";
import { byMaintenanceDesc } from "./liquidation-policy.js";
import { ceilDiv, floorDiv } from "./money.js";
import { equityOf } from "./pre-trade-risk.js";

/** Books a trade of `qty` lots at `price` on a position, off the book and without fees. */
export interface OffBookTransfer {
  transferOffBook(p: Position, buy: boolean, price: number, qty: number): void;
}

export function deleverage(a: Account, host: OffBookTransfer, events: EventStream, floor = 0): void {
  for (const p of byMaintenanceDesc(a)) {
    const equity = equityOf(a);
    if (equity >= floor) return;
    if (p.qty === 0) continue;
    const held = Math.abs(p.qty);
    const o = p.instrument.book.oraclePrice;
    const long = p.qty > 0;
    // The price that brings the equity back to zero if the whole position goes there (rounded so it does).
    const shift = ceilDiv(-equity, held);
    const price = long ? o + shift : Math.max(1, o - shift);
    for (const c of deleverageQueue(p)) {
      if (p.qty === 0) break;
      const room = Math.min(c.lifeProfitAt(o), equityOf(c.account));
      // Each lot passed at that price gives back `shift`: below zero, the lots that reach the floor,
      // no more; at zero the whole position goes (the rounded price may leave a windfall of < 1 a lot).
      const wanted = floor < 0 ? ceilDiv(floor - equityOf(a), shift) : MAX_SAFE;
      const qty = Math.min(wanted, Math.abs(p.qty), Math.abs(c.qty), shift === 0 ? MAX_SAFE : floorDiv(room, shift));
      if (qty <= 0) continue;
      host.transferOffBook(p, !long, price, qty);
      host.transferOffBook(c, long, price, qty);
      const e = events.begin();
      e.type = "liquidation_adl";
      e.account = a.name;
      e.counterparty = c.account.name;
      e.symbol = p.instrument.symbol;
      e.side = long ? "sell" : "buy";
      e.price = price;
      e.qty = qty;
      events.publish(e);
    }
  }
}

/** The positions on the other side of `p`'s instrument in profit with positive equity, best ranked first. */
function deleverageQueue(p: Position): Position[] {
  const inst = p.instrument;
  const o = inst.book.oraclePrice;
  const long = p.qty > 0;
  // score = (profit / entry) × (notional / equity) = num / den, compared by cross-multiplying.
  const ranked: { position: Position; num: bigint; den: bigint; seq: number }[] = [];
  for (const other of inst.holders) {
    if (other.account === p.account || other.qty === 0 || other.qty > 0 === long) continue;
    const profit = other.lifeProfitAt(o);
    const equity = equityOf(other.account);
    if (profit <= 0 || equity <= 0 || other.entryNotional === 0) continue;
    const num = BigInt(profit) * BigInt(other.notional());
    const den = BigInt(other.entryNotional) * BigInt(equity);
    ranked.push({ position: other, num, den, seq: other.account.seq });
  }
  ranked.sort((x, y) => {
    const left = x.num * y.den;
    const right = y.num * x.den;
    return left === right ? x.seq - y.seq : left > right ? -1 : 1;
  });
  return ranked.map((r) => r.position);
}
