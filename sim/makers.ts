/**
 * The market makers of one instrument: a ladder each side around the fair price that reacts to
 * realised volatility as makers did in March 2020 and on 10 October 2025: as the index's returns
 * grow, they quote wider and pull depth; when it calms, a dumped or pulled level comes back with a
 * half-life, not at once. All integers.
 */
import type { Command, OrderId } from "../protocol/commands.js";
import { PPM } from "../protocol/units.js";

export interface MakerSpec {
  /** Levels quoted on each side. */
  levels: number;
  /** Ticks from the fair price to the first level, and between levels, in calm markets. */
  spread: number;
  gap: number;
  /** Lots a fully refilled level holds in calm markets. */
  depth: number;
  /** Share of a level's missing lots regained per step (100,000: half-life ≈ 6.6 steps). */
  refillPpm: number;
  /** The per-step return (ppm, root mean square) the makers take as calm. */
  calmVolPpm: number;
  /** How far volatility may widen the spread and divide the depth (ppm; 1,000,000: not at all). */
  maxStressPpm: number;
  /** Weight of the newest squared return in the volatility's moving average (ppm). */
  volWeightPpm: number;
}

/** ⌊√n⌋ for a safe integer n ≥ 0, exactly (no floating point result is trusted). */
export function isqrt(n: number): number {
  if (n < 2) return n;
  let x = Math.floor(Math.sqrt(n));
  while (x * x > n) x--;
  while ((x + 1) * (x + 1) <= n) x++;
  return x;
}

/** One rank of a ladder: its resting order (if any), at what price, and the lots it had after the last requote. */
interface Rank {
  id: OrderId | null;
  price: number;
  left: number;
}

/**
 * The ladders sit on a price grid of `gap` ticks: when the fair price moves less than a gap, the
 * orders stay where they are (keeping their time priority) and only the levels being refilled or
 * pulled change. A rank (the k-th level from the touch) keeps its depletion as the ladder moves: a
 * dumped top of book comes back by its half-life wherever the price goes. So a calm step costs a
 * few commands, not a cancel and a new order for every level (each new bid also wakes every long
 * in liquidation waiting for depth).
 */
export class MakerLadders {
  /** Bid ranks then ask ranks, from the touch outward. */
  private readonly ranks: Rank[];
  private seq = 0;
  /** The EWMA of squared per-step index returns (ppm²), and the last index seen. */
  private variance: number;
  private lastIndex = 0;
  /** The stress factor (ppm, ≥ 1,000,000, in steps of a half) the next quotes use. */
  stressPpm = PPM;

  constructor(
    private readonly symbol: string,
    private readonly m: MakerSpec,
  ) {
    this.ranks = [];
    for (let i = 0; i < 2 * m.levels; i++) this.ranks.push({ id: null, price: 0, left: m.depth });
    this.variance = m.calmVolPpm * m.calmVolPpm;
  }

  /** The index moved: update realised volatility and the stress it puts on the quotes. */
  observe(index: number): void {
    if (this.lastIndex > 0) {
      const r = Math.min(PPM, Math.floor((Math.abs(index - this.lastIndex) * PPM) / this.lastIndex));
      const w = this.m.volWeightPpm;
      this.variance = Math.floor((this.variance * (PPM - w) + r * r * w) / PPM);
    }
    this.lastIndex = index;
    const sigma = isqrt(this.variance);
    const stress = Math.floor((sigma * PPM) / Math.max(1, this.m.calmVolPpm));
    const half = PPM / 2;
    this.stressPpm = Math.max(PPM, Math.min(this.m.maxStressPpm, Math.floor(stress / half) * half));
  }

  /**
   * Moves the ladders to `fair`: each rank's price on the grid, its lots what trading left of
   * them, pulled down to the stressed depth or refilled toward it by the half-life share.
   */
  requote(fair: number, ts: number, apply: (c: Command) => void, openOf: (id: OrderId) => number): void {
    const m = this.m;
    const f = this.stressPpm;
    const target = Math.max(1, Math.floor((m.depth * PPM) / f));
    const spread = Math.ceil((m.spread * f) / PPM);
    const gap = Math.max(1, Math.ceil((m.gap * (PPM + f)) / (2 * PPM)));
    const topBid = Math.floor((fair - spread) / gap) * gap;
    const topAsk = Math.ceil((fair + spread) / gap) * gap;
    // What rests now, by price, and what each rank had.
    const resting = new Map<number, OrderId>();
    for (const r of this.ranks) {
      if (r.id === null) continue;
      const open = openOf(r.id);
      r.left = open;
      if (open > 0) resting.set(r.price * 2 + (this.ranks.indexOf(r) < m.levels ? 0 : 1), r.id);
      else r.id = null;
    }
    const kept = new Set<OrderId>();
    const next: { id: OrderId | null; price: number; qty: number; open: number }[] = [];
    for (let i = 0; i < 2 * m.levels; i++) {
      const bid = i < m.levels;
      const level = i % m.levels;
      const price = bid ? topBid - level * gap : topAsk + level * gap;
      const r = this.ranks[i] as Rank;
      const id = price > 0 ? (resting.get(price * 2 + (bid ? 0 : 1)) ?? null) : null;
      const open = id === null ? 0 : openOf(id);
      // The rank's memory: what its own order had; a price it moved onto counts what rests there.
      const had = id !== null ? Math.max(open, r.price === price ? r.left : 0) : r.left;
      const qty = price <= 0 ? 0 : had >= target ? target : had + Math.ceil(((target - had) * m.refillPpm) / PPM);
      if (id !== null) kept.add(id);
      next.push({ id, price, qty, open });
    }
    // Each command below may wake the liquidator, whose children can fill the orders still to be
    // cancelled or modified: those are asked again right before, so the flow never names a spent id.
    for (const r of this.ranks)
      if (r.id !== null && !kept.has(r.id) && openOf(r.id) > 0) apply({ type: "cancel", id: r.id, ts });
    for (let i = 0; i < next.length; i++) {
      const n = next[i] as { id: OrderId | null; price: number; qty: number; open: number };
      const r = this.ranks[i] as Rank;
      let id = n.id;
      if (id !== null && openOf(id) === 0) id = null; // filled meanwhile: the rank starts afresh below
      if (id !== null && n.qty !== n.open) {
        if (n.qty === 0) {
          apply({ type: "cancel", id, ts });
          id = null;
        } else apply({ type: "modify", id, qty: n.qty, ts });
      } else if (id === null && n.qty > 0) {
        id = `${this.symbol}:m${this.seq++}`;
        apply({
          type: "limit",
          id,
          symbol: this.symbol,
          side: i < m.levels ? "buy" : "sell",
          price: n.price,
          qty: n.qty,
          ts,
        });
      }
      r.id = id;
      r.price = n.price;
      r.left = n.qty;
    }
  }
}
