/**
 * The at-risk index of one instrument: every margined position keyed by the oracle prices at which
 * its account must be re-checked — one heap for prices reached by a fall (a max-heap, stored
 * negated), one for prices reached by a rise. An oracle update looks at the top of each heap and
 * pops only the triggers it crosses: an update that crosses none costs O(1) (O(log n) when stale
 * tops are dropped) however many accounts there are; each crossed trigger costs O(log n) more.
 * The prices are placed so that an account can only breach after one of its triggers is crossed
 * (see breach-thresholds.ts): the index may ask for a re-check that finds the account healthy,
 * never miss a breach.
 */
import type { Position } from "./account.js";
import { TriggerHeap } from "./trigger-heap.js";

export class AtRiskIndex {
  /** Re-check when the oracle falls to or below the price (keys are −price). */
  private readonly falling = new TriggerHeap();
  /** Re-check when the oracle rises to or above the price. */
  private readonly rising = new TriggerHeap();

  get size(): number {
    return this.falling.liveCount + this.rising.liveCount;
  }

  /** Indexes a position's triggers (a price of 0 means none on that side). */
  index(p: Position): void {
    if (p.down.price > 0) this.falling.push(p.down, -p.down.price);
    if (p.up.price > 0) this.rising.push(p.up, p.up.price);
  }

  unindex(p: Position): void {
    this.falling.remove(p.down);
    this.rising.remove(p.up);
  }

  /**
   * Removes every trigger that an oracle anywhere in [low, high] would cross (falls to `low`,
   * rises to `high`) and appends its position to `out`: the pre-emptive stage's band.
   */
  collectBand(low: number, high: number, out: Position[]): void {
    const falling = this.falling;
    while (-falling.peekKey() >= low) out.push(falling.pop().position);
    const rising = this.rising;
    while (rising.peekKey() <= high) out.push(rising.pop().position);
  }

  /** Removes every trigger that an oracle at `price` crosses and appends its position to `out`. */
  collect(price: number, out: Position[]): void {
    const falling = this.falling;
    while (-falling.peekKey() >= price) out.push(falling.pop().position);
    const rising = this.rising;
    while (rising.peekKey() <= price) out.push(rising.pop().position);
  }
}
