/**
 * The at-risk index of one instrument: every margined position keyed by the oracle prices at which
 * its account must be re-checked, in two red-black trees — one for prices reached by a fall, one
 * for prices reached by a rise. An oracle update looks at the extreme of each tree and pops only
 * the triggers it crosses: an update that crosses none costs O(log n) however many accounts there
 * are; each crossed trigger costs O(log n) more. The prices themselves are computed so that an
 * account can only breach after one of its triggers is crossed (see breach-thresholds.ts): the
 * index may ask for a re-check that finds the account healthy, never miss a breach.
 */
import { RBTree } from "bintrees";
import type { Position, Trigger } from "./account.js";

/** By price, then by account creation order: every key in a tree is distinct. */
function compareTriggers(a: Trigger, b: Trigger): number {
  if (a.price !== b.price) return a.price < b.price ? -1 : 1;
  return a.position.account.seq - b.position.account.seq;
}

export class AtRiskIndex {
  /** Re-check when the oracle falls to or below the price. */
  private readonly falling = new RBTree<Trigger>(compareTriggers);
  /** Re-check when the oracle rises to or above the price. */
  private readonly rising = new RBTree<Trigger>(compareTriggers);

  get size(): number {
    return this.falling.size + this.rising.size;
  }

  index(p: Position): void {
    if (p.down.price > 0) {
      this.falling.insert(p.down);
      p.downIndexed = true;
    }
    if (p.up.price > 0) {
      this.rising.insert(p.up);
      p.upIndexed = true;
    }
  }

  unindex(p: Position): void {
    if (p.downIndexed) {
      this.falling.remove(p.down);
      p.downIndexed = false;
    }
    if (p.upIndexed) {
      this.rising.remove(p.up);
      p.upIndexed = false;
    }
  }

  /** Removes every trigger that an oracle at `price` crosses and appends its position to `out`. */
  collect(price: number, out: Position[]): void {
    for (let t = this.falling.max(); t !== null && t.price >= price; t = this.falling.max()) {
      this.falling.remove(t);
      t.position.downIndexed = false;
      out.push(t.position);
    }
    for (let t = this.rising.min(); t !== null && t.price <= price; t = this.rising.min()) {
      this.rising.remove(t);
      t.position.upIndexed = false;
      out.push(t.position);
    }
  }
}
