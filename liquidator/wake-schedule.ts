/**
 * When the liquidator must look at an account in liquidation again. Looking at every such account
 * after every command costs each of them every command; most are waiting: for their next slice
 * time (paced) or for depth inside their bound (parked). The schedule keeps those asleep until
 * what they wait for happens, and wakes an account whenever its money changes (a fill, a transfer,
 * an oracle move: the margin engine calls wake()).
 *
 * Equivalence with looking at all of them: an account is left asleep only when looking would
 * provably do nothing; a run visits the awake ones in creation order, and one woken during the run
 * (a child order filled against it) is visited in the same run if it comes later in that order,
 * exactly when a visit of every account would have seen the change.
 */
import type { SideView } from "../engine/depth-view.js";
import type { Account, Position } from "./account.js";

/** Accounts parked on one book side, and that side's add count when they parked. */
interface SideWait {
  side: SideView;
  count: number;
  accounts: Account[];
}

export class WakeSchedule {
  /** Accounts to visit in the run under way, in creation order, from `cursor` on. */
  private current: Account[] = [];
  private cursor = 0;
  private running = false;
  /** Accounts to visit in the next run (unordered). */
  private next: Account[] = [];
  /** Paced accounts: [time, account] in a binary min-heap by time. */
  private readonly times: number[] = [];
  private readonly timed: Account[] = [];
  private readonly waits: SideWait[] = [];

  /** Wakes an account: visited later in this run if it comes after the one being worked, else next run. */
  wake(a: Account): void {
    if (a.awake) return;
    a.awake = true;
    const working = this.current[this.cursor - 1];
    if (this.running && working !== undefined && a.seq > working.seq) insertAfter(this.current, this.cursor, a);
    else this.next.push(a);
  }

  /** Sleeps until `time` (ns). */
  sleepUntil(a: Account, time: number): void {
    if (a.timerAt === time) return; // already there: re-checks while it sleeps add nothing
    a.timerAt = time;
    const times = this.times;
    const timed = this.timed;
    let i = times.length;
    times.push(time);
    timed.push(a);
    while (i > 0) {
      const up = (i - 1) >> 1;
      if ((times[up] as number) <= time) break;
      times[i] = times[up] as number;
      timed[i] = timed[up] as Account;
      i = up;
    }
    times[i] = time;
    timed[i] = a;
  }

  /** Sleeps until an order joins `side`, the closing side of `p`. */
  sleepOnSide(a: Account, p: Position, side: SideView): void {
    if (p.waitingAt === side.addCount) return; // already registered for this count
    p.waitingAt = side.addCount;
    for (const w of this.waits) {
      if (w.side === side && w.count === side.addCount) {
        w.accounts.push(a);
        return;
      }
    }
    this.waits.push({ side, count: side.addCount, accounts: [a] });
  }

  /** Starts a run at `now`: wakes the due sleepers; returns the accounts to visit, in creation order. */
  begin(now: number): readonly Account[] {
    while (this.times.length > 0 && (this.times[0] as number) <= now) {
      const time = this.times[0] as number;
      const a = this.popTimed();
      if (a.timerAt === time) a.timerAt = -1;
      this.wake(a);
    }
    const waits = this.waits;
    for (let i = 0; i < waits.length; ) {
      const w = waits[i] as SideWait;
      if (w.side.addCount === w.count) {
        i++;
        continue;
      }
      for (const a of w.accounts) this.wake(a);
      waits[i] = waits[waits.length - 1] as SideWait;
      waits.pop();
    }
    const visit = this.next;
    this.next = this.current;
    this.next.length = 0;
    visit.sort((x, y) => x.seq - y.seq);
    this.current = visit;
    this.cursor = 0;
    this.running = true;
    return visit;
  }

  /** The next account of the run (null at its end); it is no longer awake while worked. */
  take(): Account | null {
    const a = this.current[this.cursor];
    if (a === undefined) {
      this.running = false;
      return null;
    }
    this.cursor++;
    a.awake = false;
    return a;
  }

  private popTimed(): Account {
    const times = this.times;
    const timed = this.timed;
    const top = timed[0] as Account;
    const lastTime = times.pop() as number;
    const lastAccount = timed.pop() as Account;
    const n = times.length;
    if (n > 0) {
      let i = 0;
      for (;;) {
        const left = 2 * i + 1;
        if (left >= n) break;
        const right = left + 1;
        const child = right < n && (times[right] as number) < (times[left] as number) ? right : left;
        if ((times[child] as number) >= lastTime) break;
        times[i] = times[child] as number;
        timed[i] = timed[child] as Account;
        i = child;
      }
      times[i] = lastTime;
      timed[i] = lastAccount;
    }
    return top;
  }
}

/** Inserts `a` into `list` (creation order) at or after `from`. */
function insertAfter(list: Account[], from: number, a: Account): void {
  let at = list.length;
  while (at > from && (list[at - 1] as Account).seq > a.seq) at--;
  list.splice(at, 0, a);
}
