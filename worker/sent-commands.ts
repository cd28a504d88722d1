import type { CommandRecord, OrderId } from "../protocol/commands.js";
import type { SentSource } from "./wire/command-codec.js";

/**
 * The client's copy of the fields of the commands in flight (sent, events not complete), by
 * command number: the worker leaves out of an event the fields that repeat its command ("as
 * sent": an acceptance's fields, a fill's taker, a cancellation's order), and they are filled in
 * here. Parallel arrays in a
 * circular store that grows with the backlog: nothing allocated per command.
 */
export class SentCommands implements SentSource {
  private mask = 1023;
  private ids: (OrderId | null)[] = new Array(1024).fill(null);
  private symbols: string[] = new Array(1024).fill("");
  private accounts: (string | null)[] = new Array(1024).fill(null);
  private prices = new Float64Array(1024);
  private qtys = new Float64Array(1024);
  private amounts = new Float64Array(1024);
  /** The command whose events are being received (the client's `done`). */
  current = 0;

  /** Keeps command `n`'s fields (`r` null: a rejected line, which is never accepted). `oldest`: the first still in flight. */
  push(n: number, r: CommandRecord | null, oldest: number): void {
    if (n - oldest > this.mask) this.grow(oldest, n);
    const i = n & this.mask;
    if (r === null) {
      this.ids[i] = null;
      this.symbols[i] = "";
      this.accounts[i] = null;
      this.prices[i] = 0;
      this.qtys[i] = 0;
      this.amounts[i] = 0;
      return;
    }
    this.ids[i] = r.hasId ? r.id : null;
    this.symbols[i] = r.symbol;
    this.accounts[i] = r.account;
    this.prices[i] = r.price;
    this.qtys[i] = r.qty;
    this.amounts[i] = r.amount;
  }

  // The fields of command `current`.
  sentId(): OrderId | null {
    return this.ids[this.current & this.mask] as OrderId | null;
  }

  sentSymbol(): string {
    return this.symbols[this.current & this.mask] as string;
  }

  sentAccount(): string | null {
    return this.accounts[this.current & this.mask] as string | null;
  }

  sentPrice(): number {
    return this.prices[this.current & this.mask] as number;
  }

  sentQty(): number {
    return this.qtys[this.current & this.mask] as number;
  }

  sentAmount(): number {
    return this.amounts[this.current & this.mask] as number;
  }

  /** Doubles the store, keeping commands oldest..n-1 at their places under the new mask. */
  private grow(oldest: number, n: number): void {
    let size = (this.mask + 1) * 2;
    while (n - oldest >= size) size *= 2;
    const mask = size - 1;
    const ids: (OrderId | null)[] = new Array(size).fill(null);
    const symbols: string[] = new Array(size).fill("");
    const accounts: (string | null)[] = new Array(size).fill(null);
    const prices = new Float64Array(size);
    const qtys = new Float64Array(size);
    const amounts = new Float64Array(size);
    for (let k = oldest; k < n; k++) {
      const from = k & this.mask;
      const to = k & mask;
      ids[to] = this.ids[from] as OrderId | null;
      symbols[to] = this.symbols[from] as string;
      accounts[to] = this.accounts[from] as string | null;
      prices[to] = this.prices[from] as number;
      qtys[to] = this.qtys[from] as number;
      amounts[to] = this.amounts[from] as number;
    }
    this.mask = mask;
    this.ids = ids;
    this.symbols = symbols;
    this.accounts = accounts;
    this.prices = prices;
    this.qtys = qtys;
    this.amounts = amounts;
  }
}
