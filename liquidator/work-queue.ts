/**
 * A queue of deferred work drained after each command (margin re-checks, reduce-only re-fits).
 * Emptying it only resets a count: `array.length = 0` goes through a runtime call, which on the
 * fully margined bench flow (a drain after every command with a fill) cost about 6% of the run.
 * The slots keep their last entries until overwritten; `reset` really empties it.
 */
export class WorkQueue<T> {
  private readonly items: T[] = [];
  /** Entries queued since the last drain; a drain reads it live (work may queue more). */
  count = 0;

  push(item: T): void {
    if (this.count < this.items.length) this.items[this.count] = item;
    else this.items.push(item);
    this.count++;
  }

  at(i: number): T {
    return this.items[i] as T;
  }

  /** Forgets the entries (between commands: they were all handled). */
  clear(): void {
    this.count = 0;
  }

  /** Forgets the entries and drops the references (a state restore replaces the accounts). */
  reset(): void {
    this.count = 0;
    this.items.length = 0;
  }
}
