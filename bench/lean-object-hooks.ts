/**
 * The lean money layer of bench/lean-margin-hooks.ts (FlatHooks) with its figures in objects
 * instead of flat columns: an account record holding one position record per book, the order's
 * `owner` its position, as the real margin engine keeps them. The same work, the same decisions;
 * beside FlatHooks in bench/margin-ceiling.bench.ts it prices the storage alone. Not accounting
 * for use: see lean-margin-hooks.ts for what the lean layer leaves out.
 */
import type { MarginBook, MarginControl, MarginHooks } from "../engine/margin-hooks.js";
import type { Order } from "../engine/order.js";
import type { Taker } from "../engine/taker.js";
import { addOpen } from "../liquidator/margin-engine.js";
import { BUY, type SideCode } from "../protocol/commands.js";
import type { RejectCode } from "../protocol/reject-codes.js";
import { BOOKS, type Holding, LeanChecks, type LeanReadout, releasedCost, unrealized } from "./lean-margin-hooks.js";

class LeanPosition {
  qty = 0;
  cost = 0;
  openBuyQty = 0;
  openSellQty = 0;
  openBuyNotional = 0;
  openSellNotional = 0;
  constructor(readonly account: LeanAccount) {}
}

class LeanAccount {
  collateral = 0;
  queued = false;
  readonly positions: LeanPosition[] = [];
  constructor() {
    for (let b = 0; b < BOOKS; b++) this.positions.push(new LeanPosition(this));
  }
}

export class ObjectHooks extends LeanChecks<LeanAccount> implements MarginHooks, LeanReadout {
  private readonly byName = new Map<string, LeanAccount>();
  private books: readonly MarginBook[] = [];
  private readonly queue: LeanAccount[] = [];
  private queuedCount = 0;
  /** Accounts found below maintenance margin (a count: the lean layer does not liquidate). */
  breaches = 0;

  constructor() {
    super(new LeanAccount());
  }

  attach(control: MarginControl): void {
    this.books = control.books;
  }

  protected accountOf(name: string): LeanAccount {
    let a = this.byName.get(name);
    if (a === undefined) {
      a = new LeanAccount();
      this.byName.set(name, a);
    }
    return a;
  }

  protected ownerOf(order: Order): LeanAccount {
    return (order.owner as LeanPosition).account;
  }

  private positionAt(book: MarginBook): LeanPosition {
    return this.currentAccount.positions[book.bookIndex] as LeanPosition;
  }

  protected equityOn(book: MarginBook): number {
    const p = this.positionAt(book);
    return p.account.collateral + unrealized(p.qty, p.cost, book.oraclePrice);
  }

  protected positionOn(book: MarginBook): number {
    return this.positionAt(book).qty;
  }

  protected openOn(book: MarginBook, side: SideCode): number {
    const p = this.positionAt(book);
    return side === BUY ? p.openBuyQty : p.openSellQty;
  }

  clipReduceOnly(book: MarginBook, taker: Taker): void {
    const room = this.reduceOnlyRoom(book, taker.account as string, taker.side);
    if (taker.remaining > room) taker.remaining = room;
  }

  reduceOnlyRoom(book: MarginBook, account: string, side: SideCode): number {
    const q = (this.current(account).positions[book.bookIndex] as LeanPosition).qty;
    return side === BUY ? Math.max(0, -q) : Math.max(0, q);
  }

  onOrderRested(book: MarginBook, order: Order): void {
    if (order.reduceOnly) return;
    const p = this.current(order.account as string).positions[book.bookIndex] as LeanPosition;
    order.owner = p;
    addOpen(p, order.side, order.open, order.price);
  }

  onOrderReduced(_book: MarginBook, order: Order, qty: number): void {
    if (order.owner !== null) addOpen(order.owner as LeanPosition, order.side, -qty, order.price);
  }

  onOrderRemoved(_book: MarginBook, order: Order): void {
    if (order.owner !== null) addOpen(order.owner as LeanPosition, order.side, -order.open, order.price);
  }

  onFill(book: MarginBook, price: number, qty: number, maker: Order, taker: Taker): void {
    if (maker.account !== null) {
      const owned = maker.owner as LeanPosition | null;
      const p = owned ?? (this.current(maker.account).positions[book.bookIndex] as LeanPosition);
      if (owned !== null) addOpen(p, maker.side, -qty, maker.price);
      trade(p, maker.side === BUY ? qty : -qty, price);
      this.queueCheck(p.account);
    }
    if (taker.account !== null) {
      const a = this.current(taker.account);
      trade(a.positions[book.bookIndex] as LeanPosition, taker.side === BUY ? qty : -qty, price);
      this.queueCheck(a);
    }
  }

  private queueCheck(a: LeanAccount): void {
    if (a.queued) return;
    a.queued = true;
    this.queue[this.queuedCount++] = a;
  }

  checkTransfer(account: string, amount: number): RejectCode | null {
    return amount >= 0 || this.accountOf(account).collateral + amount >= 0 ? null : "INSUFFICIENT_MARGIN";
  }

  transfer(account: string, amount: number): void {
    this.accountOf(account).collateral += amount;
  }

  offerBackstop(): void {}
  onOracle(): void {}

  afterCommand(_accepted: boolean): void {
    if (this.queuedCount === 0) return;
    const books = this.books;
    for (let k = 0; k < this.queuedCount; k++) {
      const a = this.queue[k] as LeanAccount;
      a.queued = false;
      let equity = a.collateral;
      let maintenance = 0;
      for (let b = 0; b < books.length; b++) {
        const p = a.positions[b] as LeanPosition;
        if (p.qty === 0) continue;
        const oracle = (books[b] as MarginBook).oraclePrice;
        equity += unrealized(p.qty, p.cost, oracle);
        maintenance += this.tiers.maintenance(Math.abs(p.qty) * oracle);
      }
      if (equity < maintenance) this.breaches++;
    }
    this.queuedCount = 0;
  }

  // Read by test/lean-margin-hooks.test.ts, as FlatHooks' are.

  netLots(bookIndex: number): number {
    let sum = 0;
    for (const a of this.byName.values()) sum += (a.positions[bookIndex] as LeanPosition).qty;
    return sum;
  }

  cash(): number {
    let sum = 0;
    for (const a of this.byName.values()) {
      sum += a.collateral;
      for (const p of a.positions) sum += p.qty < 0 ? p.cost : -p.cost;
    }
    return sum;
  }

  holding(account: string, bookIndex: number): Holding {
    const a = this.accountOf(account);
    const p = a.positions[bookIndex] as LeanPosition;
    return { qty: p.qty, cost: p.cost, collateral: a.collateral };
  }

  openLots(account: string, bookIndex: number, side: SideCode): number {
    const p = this.accountOf(account).positions[bookIndex] as LeanPosition;
    return side === BUY ? p.openBuyQty : p.openSellQty;
  }
}

/** FlatHooks.trade on a position record. */
function trade(p: LeanPosition, delta: number, price: number): void {
  const q = p.qty;
  if (q === 0 || q > 0 === delta > 0) {
    p.qty = q + delta;
    p.cost += Math.abs(delta) * price;
    return;
  }
  const held = Math.abs(q);
  const closing = Math.min(Math.abs(delta), held);
  const cost = p.cost;
  const released = releasedCost(cost, closing, held, q > 0);
  p.account.collateral += q > 0 ? closing * price - released : released - closing * price;
  p.qty = q + delta;
  p.cost = cost - released + (Math.abs(delta) - closing) * price;
}
