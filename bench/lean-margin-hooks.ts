/**
 * Money layers for pricing the margin seam (bench/margin-ceiling.bench.ts), not for use: each
 * does less than the real one (liquidator/margin-engine.ts) so that what the seam itself costs
 * can be read off against it. None is correct margin accounting; they are the cheapest versions
 * of the work a margined command needs, to bound from above what any money layer behind the
 * engine's hooks (engine/margin-hooks.ts) can reach on the bench flow.
 *
 * - EmptyHooks: every hook does nothing (the price of having hooks at all);
 * - LookupHooks: only the account name lookup of each margined order (a Map read);
 * - FlatHooks: the lean money layer. Accounts are small integers found by name once a command;
 *   every money figure lives in flat Float64Array columns (exact integers below 2^53), one slot
 *   per account and book. It keeps the open-order aggregates, positions (entry cost, realized
 *   PnL into collateral), an initial-margin check of the worst case on the order's side, and a
 *   maintenance check of every account that traded, at the oracle, with the real tier table. It
 *   leaves out what the real layer also does: fees, the exact sweep (an order's loss is priced at
 *   its limit, so a market order without protection is refused), reduce-only re-fits and events,
 *   the at-risk index, breach stages and the liquidator. On the bench flow it gives the real
 *   engine's events, positions, open lots and collateral (test/lean-margin-hooks.test.ts).
 * - DecodedFlatHooks: FlatHooks with the account's integer decoded from the bench flow's names
 *   (`acct<n>`) instead of a Map: what an integer account handle on the command would cost.
 */
import type { MarginBook, MarginControl, MarginHooks } from "../engine/margin-hooks.js";
import type { Order } from "../engine/order.js";
import type { Taker } from "../engine/taker.js";
import { DEFAULT_TIERS, TierTable } from "../liquidator/margin-tiers.js";
import { BUY, type SideCode } from "../protocol/commands.js";
import type { RejectCode } from "../protocol/reject-codes.js";
import { MAX_SAFE, mulDivCeil, mulDivFloor } from "../protocol/units.js";

/** A position's unrealized PnL at the oracle (`cost`: what its open lots cost, ≥ 0). */
export function unrealized(qty: number, cost: number, oracle: number): number {
  return qty >= 0 ? qty * oracle - cost : cost + qty * oracle;
}

/**
 * The lean pre-trade check: equity at the oracle, less the order's loss against the oracle at its
 * limit, covers the initial margin of the worst case on the order's side of one book, with
 * `added` lots more open there (`openSame`: the open lots already on that side).
 */
export function leanInitialCheck(
  tiers: TierTable,
  equity: number,
  position: number,
  openSame: number,
  side: SideCode,
  oracle: number,
  limitPrice: number,
  added: number,
  qty: number,
): RejectCode | null {
  const worst = side === BUY ? Math.abs(position + openSame + added) : Math.abs(position - openSame - added);
  const notional = worst * oracle;
  const openLoss = side === BUY ? Math.max(0, limitPrice - oracle) * qty : Math.max(0, oracle - limitPrice) * qty;
  if (notional > MAX_SAFE || openLoss > MAX_SAFE) return "MARGIN_OVERFLOW";
  return equity - openLoss >= tiers.initial(notional) ? null : "INSUFFICIENT_MARGIN";
}

/**
 * The entry cost a reduction of `closing` of `held` lots releases, rounded against the account as
 * liquidator/position-trade.ts does: up when a long sells, down when a short buys.
 */
export function releasedCost(cost: number, closing: number, held: number, long: boolean): number {
  if (closing === held) return cost;
  return long ? mulDivCeil(cost, closing, held) : mulDivFloor(cost, closing, held);
}

/** An account's position on one book and its collateral, as a lean layer holds them. */
export interface Holding {
  qty: number;
  /** What the open lots cost (entry notional). */
  cost: number;
  collateral: number;
}

/** What test/lean-margin-hooks.test.ts reads of a lean layer. */
export interface LeanReadout {
  /** Accounts found below maintenance margin after they traded (a count: nothing is liquidated). */
  readonly breaches: number;
  /** Σ of every account's position on the book. */
  netLots(bookIndex: number): number;
  /** Σ of collateral less what open longs cost plus what open shorts brought in. */
  cash(): number;
  holding(account: string, bookIndex: number): Holding;
  openLots(account: string, bookIndex: number, side: SideCode): number;
}

/** Books a lean layer holds per account (a slot block: positions are slots id × BOOKS + bookIndex). */
export const BOOKS = 4;

/**
 * What FlatHooks and ObjectHooks share over their own storage: the command's account, found once
 * by name and kept for its rest and fills, the order gate and the modify check. A subclass says
 * what an account handle is (`A`: an integer, a record), how it is found, and how its position on
 * a book is read.
 */
export abstract class LeanChecks<A> {
  protected readonly tiers = new TierTable(DEFAULT_TIERS);
  private currentName: string | null = null;
  /** The account of `currentName` (before the first command: the placeholder, never read). */
  protected currentAccount: A;

  constructor(placeholder: A) {
    this.currentAccount = placeholder;
  }

  /** The account's handle, made on first sight. */
  protected abstract accountOf(name: string): A;

  /** The handle of a name, looked up only when the name is not the command's own. */
  protected current(name: string): A {
    if (name !== this.currentName) {
      this.currentName = name;
      this.currentAccount = this.accountOf(name);
    }
    return this.currentAccount;
  }

  checkOrder(
    book: MarginBook | null,
    account: string,
    side: SideCode,
    limitPrice: number,
    qty: number,
    _rests: boolean,
    reduceOnly: boolean,
  ): RejectCode | null {
    this.current(account);
    if (book === null || book.oraclePrice === 0) return "NO_MARK_PRICE";
    // Every margined order passes here first: a book past the layer's slots would write into another account's.
    if (book.bookIndex >= BOOKS) throw new RangeError(`the lean layers hold ${BOOKS} books`);
    if (reduceOnly) return null;
    return this.initialCheck(book, side, limitPrice, qty, qty);
  }

  checkModify(book: MarginBook, order: Order, newPrice: number, newQty: number): RejectCode | null {
    // A resting reduce-only order has no owner (it never adds to the open lots); like its entry, allowed.
    if (order.reduceOnly) {
      this.current(order.account as string);
      return null;
    }
    this.currentName = order.account;
    this.currentAccount = this.ownerOf(order);
    return this.initialCheck(book, order.side, newPrice, newQty - order.open, newQty);
  }

  /** The account of a resting margined order, through its owner link. */
  protected abstract ownerOf(order: Order): A;
  /** The current account's collateral plus its unrealized PnL on `book` at the oracle. */
  protected abstract equityOn(book: MarginBook): number;
  /** The current account's position (signed lots) on `book`. */
  protected abstract positionOn(book: MarginBook): number;
  /** The current account's open lots on `side` of `book`. */
  protected abstract openOn(book: MarginBook, side: SideCode): number;

  private initialCheck(
    book: MarginBook,
    side: SideCode,
    limitPrice: number,
    added: number,
    qty: number,
  ): RejectCode | null {
    const position = this.positionOn(book);
    const openSame = this.openOn(book, side);
    const oracle = book.oraclePrice;
    return leanInitialCheck(this.tiers, this.equityOn(book), position, openSame, side, oracle, limitPrice, added, qty);
  }
}

function noMark(book: MarginBook | null): RejectCode | null {
  return book === null || book.oraclePrice === 0 ? "NO_MARK_PRICE" : null;
}

export class EmptyHooks implements MarginHooks {
  attach(_control: MarginControl): void {}
  checkOrder(
    book: MarginBook | null,
    _account: string,
    _side: SideCode,
    _limitPrice: number,
    _qty: number,
    _rests: boolean,
    _reduceOnly: boolean,
  ): RejectCode | null {
    return noMark(book);
  }
  checkModify(): RejectCode | null {
    return null;
  }
  clipReduceOnly(): void {}
  reduceOnlyRoom(): number {
    return 0;
  }
  onOrderRested(): void {}
  onOrderReduced(): void {}
  onOrderRemoved(): void {}
  onFill(): void {}
  checkTransfer(): RejectCode | null {
    return null;
  }
  transfer(): void {}
  offerBackstop(): void {}
  onOracle(): void {}
  afterCommand(): void {}
}

/** What LookupHooks finds by name. */
class Named {
  constructor(readonly name: string) {}
}

export class LookupHooks extends EmptyHooks {
  private readonly byName = new Map<string, Named>();
  /** Read by nobody: keeps the lookup from being optimised away. */
  last: Named | null = null;

  override checkOrder(book: MarginBook | null, account: string): RejectCode | null {
    let found = this.byName.get(account);
    if (found === undefined) {
      found = new Named(account);
      this.byName.set(account, found);
    }
    this.last = found;
    return noMark(book);
  }
}

/** An order's position slot, on `Order.owner`: one record per slot, made once, never per order. */
class Slot {
  constructor(readonly index: number) {}
}

/** Accounts the flat store holds (the bench's `--accounts` stays below it). */
const ACCOUNTS = 16_384;
const SLOTS = ACCOUNTS * BOOKS;

// A slot's figures (one account on one book); COLLATERAL is the account's, kept in its first slot.
const QTY = 0;
const COST = 1;
const OPEN_BUY = 2;
const OPEN_SELL = 3;
const OPEN_BUY_NOTIONAL = 4;
const OPEN_SELL_NOTIONAL = 5;
const COLLATERAL = 6;
const FIELDS = 8; // 64 bytes: a slot's record is one cache line

/**
 * How the flat store lays its figures out: `columns`, one column a figure (a slot's figures on
 * up to seven cache lines); `records`, one 64-byte record a slot (its figures on one line, the
 * account's collateral on its first slot's).
 */
export type FlatLayout = "columns" | "records";

export class FlatHooks extends LeanChecks<number> implements MarginHooks, LeanReadout {
  private readonly byName = new Map<string, number>();
  private accountCount = 0;
  /**
   * Every figure, slot s's figure f at s × slotStride + f × fieldStride. The open notionals are
   * kept as the real layer keeps them (its requirement reads them), so their upkeep is priced;
   * nothing here reads them.
   */
  private readonly data = new Float64Array(SLOTS * FIELDS);
  private readonly slotStride: number;
  private readonly fieldStride: number;
  private readonly slots: Slot[] = [];
  private books: readonly MarginBook[] = [];
  // Accounts that traded in this command, to be re-checked after it (deduplicated by stamp).
  private readonly queued = new Int32Array(ACCOUNTS);
  private readonly queuedStamp = new Int32Array(ACCOUNTS);
  private queuedCount = 0;
  private stamp = 1;
  /** Accounts found below maintenance margin (a count: the lean layer does not liquidate). */
  breaches = 0;

  constructor(layout: FlatLayout = "columns") {
    super(0);
    this.slotStride = layout === "records" ? FIELDS : 1;
    this.fieldStride = layout === "records" ? 1 : SLOTS;
    for (let i = 0; i < SLOTS; i++) this.slots.push(new Slot(i));
  }

  /** Where slot s's figure f lives in `data`. */
  private at(s: number, f: number): number {
    return s * this.slotStride + f * this.fieldStride;
  }

  private get(s: number, f: number): number {
    return this.data[this.at(s, f)] as number;
  }

  private add(s: number, f: number, amount: number): void {
    this.data[this.at(s, f)] = (this.data[this.at(s, f)] as number) + amount;
  }

  private collateralOf(id: number): number {
    return this.get(id * BOOKS, COLLATERAL);
  }

  attach(control: MarginControl): void {
    this.books = control.books;
  }

  /** The account's integer, made on first sight. */
  protected accountOf(name: string): number {
    const id = this.byName.get(name);
    if (id !== undefined) return id;
    if (this.accountCount === ACCOUNTS) throw new RangeError(`the flat store holds ${ACCOUNTS} accounts`);
    const fresh = this.accountCount++;
    this.byName.set(name, fresh);
    return fresh;
  }

  protected ownerOf(order: Order): number {
    const slot = (order.owner as Slot).index;
    return (slot - (slot % BOOKS)) / BOOKS;
  }

  protected equityOn(book: MarginBook): number {
    const s = this.currentAccount * BOOKS + book.bookIndex;
    const position = unrealized(this.get(s, QTY), this.get(s, COST), book.oraclePrice);
    return this.collateralOf(this.currentAccount) + position;
  }

  protected positionOn(book: MarginBook): number {
    return this.get(this.currentAccount * BOOKS + book.bookIndex, QTY);
  }

  protected openOn(book: MarginBook, side: SideCode): number {
    const s = this.currentAccount * BOOKS + book.bookIndex;
    return this.get(s, side === BUY ? OPEN_BUY : OPEN_SELL);
  }

  clipReduceOnly(book: MarginBook, taker: Taker): void {
    const room = this.reduceOnlyRoom(book, taker.account as string, taker.side);
    if (taker.remaining > room) taker.remaining = room;
  }

  reduceOnlyRoom(book: MarginBook, account: string, side: SideCode): number {
    const q = this.get(this.current(account) * BOOKS + book.bookIndex, QTY);
    return side === BUY ? Math.max(0, -q) : Math.max(0, q);
  }

  onOrderRested(book: MarginBook, order: Order): void {
    if (order.reduceOnly) return;
    const s = this.current(order.account as string) * BOOKS + book.bookIndex;
    order.owner = this.slots[s] as Slot;
    this.addOpen(s, order.side, order.open, order.price);
  }

  onOrderReduced(_book: MarginBook, order: Order, qty: number): void {
    if (order.owner !== null) this.addOpen((order.owner as Slot).index, order.side, -qty, order.price);
  }

  onOrderRemoved(_book: MarginBook, order: Order): void {
    if (order.owner !== null) this.addOpen((order.owner as Slot).index, order.side, -order.open, order.price);
  }

  private addOpen(s: number, side: SideCode, lots: number, price: number): void {
    if (side === BUY) {
      this.add(s, OPEN_BUY, lots);
      this.add(s, OPEN_BUY_NOTIONAL, lots * price);
    } else {
      this.add(s, OPEN_SELL, lots);
      this.add(s, OPEN_SELL_NOTIONAL, lots * price);
    }
  }

  onFill(book: MarginBook, price: number, qty: number, maker: Order, taker: Taker): void {
    if (maker.account !== null) {
      const s =
        maker.owner === null ? this.current(maker.account) * BOOKS + book.bookIndex : (maker.owner as Slot).index;
      if (maker.owner !== null) this.addOpen(s, maker.side, -qty, maker.price);
      this.trade(s, maker.side === BUY ? qty : -qty, price);
      this.queue((s - (s % BOOKS)) / BOOKS);
    }
    if (taker.account !== null) {
      const id = this.current(taker.account);
      this.trade(id * BOOKS + book.bookIndex, taker.side === BUY ? qty : -qty, price);
      this.queue(id);
    }
  }

  /** A fill of `delta` signed lots at `price`: opens add cost, reductions release it pro rata and realize PnL. */
  private trade(s: number, delta: number, price: number): void {
    const q = this.get(s, QTY);
    if (q === 0 || q > 0 === delta > 0) {
      this.data[this.at(s, QTY)] = q + delta;
      this.add(s, COST, Math.abs(delta) * price);
      return;
    }
    const held = Math.abs(q);
    const closing = Math.min(Math.abs(delta), held);
    const cost = this.get(s, COST);
    const released = releasedCost(cost, closing, held, q > 0);
    const pnl = q > 0 ? closing * price - released : released - closing * price;
    this.add(s - (s % BOOKS), COLLATERAL, pnl);
    this.data[this.at(s, QTY)] = q + delta;
    this.data[this.at(s, COST)] = cost - released + (Math.abs(delta) - closing) * price;
  }

  private queue(id: number): void {
    if (this.queuedStamp[id] === this.stamp) return;
    this.queuedStamp[id] = this.stamp;
    this.queued[this.queuedCount++] = id;
  }

  checkTransfer(account: string, amount: number): RejectCode | null {
    return amount >= 0 || this.collateralOf(this.accountOf(account)) + amount >= 0 ? null : "INSUFFICIENT_MARGIN";
  }

  transfer(account: string, amount: number): void {
    this.add(this.accountOf(account) * BOOKS, COLLATERAL, amount);
  }

  offerBackstop(): void {}
  onOracle(): void {}

  /** Σ signed lots of every account on a book: 0 when every trade was between margined accounts. */
  netLots(bookIndex: number): number {
    let sum = 0;
    for (let id = 0; id < ACCOUNTS; id++) sum += this.get(id * BOOKS + bookIndex, QTY);
    return sum;
  }

  /**
   * Σ collateral + Σ (short entry cost − long entry cost): each fill moves price × lots from the
   * buyer's side of it to the seller's, so without fees it stays what was deposited.
   */
  cash(): number {
    let sum = 0;
    for (let id = 0; id < ACCOUNTS; id++) {
      sum += this.collateralOf(id);
      for (let b = 0; b < BOOKS; b++) {
        const s = id * BOOKS + b;
        sum += this.get(s, QTY) < 0 ? this.get(s, COST) : -this.get(s, COST);
      }
    }
    return sum;
  }

  /** The account's signed lots on a book and its collateral (deposits and realized PnL). */
  holding(account: string, bookIndex: number): Holding {
    const id = this.accountOf(account);
    const s = id * BOOKS + bookIndex;
    return { qty: this.get(s, QTY), cost: this.get(s, COST), collateral: this.collateralOf(id) };
  }

  /** Open lots of the account's resting orders on a book, by side (BUY, SELL). */
  openLots(account: string, bookIndex: number, side: SideCode): number {
    return this.get(this.accountOf(account) * BOOKS + bookIndex, side === BUY ? OPEN_BUY : OPEN_SELL);
  }

  afterCommand(_accepted: boolean): void {
    if (this.queuedCount === 0) return;
    const books = this.books;
    for (let k = 0; k < this.queuedCount; k++) {
      const id = this.queued[k] as number;
      let equity = this.collateralOf(id);
      let maintenance = 0;
      for (let b = 0; b < books.length; b++) {
        const s = id * BOOKS + b;
        const q = this.get(s, QTY);
        if (q === 0) continue;
        const oracle = (books[b] as MarginBook).oraclePrice;
        equity += unrealized(q, this.get(s, COST), oracle);
        maintenance += this.tiers.maintenance(Math.abs(q) * oracle);
      }
      if (equity < maintenance) this.breaches++;
    }
    this.queuedCount = 0;
    this.stamp++;
  }
}

/** FlatHooks with the account's integer read off the bench flow's names (`acct<n>`): no Map. */
export class DecodedFlatHooks extends FlatHooks {
  protected override accountOf(name: string): number {
    let n = 0;
    for (let i = 4; i < name.length; i++) n = n * 10 + (name.charCodeAt(i) - 48);
    if (n >= ACCOUNTS) throw new RangeError(`the flat store holds ${ACCOUNTS} accounts`);
    return n;
  }
}
