/**
 * The margin engine: accounts, positions, fees, the oracle price's effect on them, pre-trade
 * risk, reduce-only upkeep and breach detection. It implements the engine's MarginHooks, so the
 * matching engine calls it at the points that move money and stays free of money itself.
 *
 * Money is conserved exactly: a fill moves realized PnL between positions and fees from accounts
 * to `feesCollected`; the insurance fund (filled by liquidation penalties, a later issue) is held
 * here too. With every trade between margined accounts,
 *   Σ equity + feesCollected + insuranceFund = Σ deposits − Σ withdrawals
 * after every command (Σ unrealized PnL is zero then: each lot bought is a lot sold at the same
 * price, valued at the same oracle). With unmargined counterparties the general form holds:
 *   Σ collateral + feesCollected + insuranceFund = Σ deposits − Σ withdrawals + Σ realized PnL.
 */
import type { BookSide } from "../engine/book-side.js";
import type { EventStream } from "../engine/event-stream.js";
import type { MarginControl, MarginHooks, StateWriter } from "../engine/margin-hooks.js";
import type { Order } from "../engine/order.js";
import type { OrderBook } from "../engine/order-book.js";
import type { StateSection } from "../engine/state-section.js";
import type { Taker } from "../engine/taker.js";
import { BUY, type OrderId, type SideCode } from "../protocol/commands.js";
import type { RejectCode } from "../protocol/reject-codes.js";
import { mulDivFloor } from "../protocol/units.js";
import { Account, BANKRUPT, HEALTHY, IN_BREACH, type Position, STAGE2, type Stage, UNRESTORABLE } from "./account.js";
import { type BreachHandler, breachHandlerOf, type LegacyBreachHandler } from "./breach-handler.js";
import { placeTriggers } from "./breach-thresholds.js";
import { InstrumentMargin } from "./instrument-margin.js";
import { type LiquidationMode, stage2Of, targetOf } from "./liquidation-params.js";
import { Liquidator } from "./liquidator.js";
import {
  type AccountState,
  MARGIN_SECTION,
  MARGIN_STATE_VERSION,
  type MarginState,
  type PositionState,
  readMarginState,
} from "./margin-state.js";
import { feeOf, healthPpmOf } from "./money.js";
import { applyFill } from "./position-trade.js";
import { allowsChange, equityOf, maintenanceOf, requirementOf, Sweep, sweepFee } from "./pre-trade-risk.js";
import { fitReduceOnly } from "./reduce-only.js";

export interface MarginEngineOptions {
  /** How a change of stage is reported; by default as a `liquidation_stage` event. */
  onBreach?: BreachHandler | LegacyBreachHandler;
  /** soft (default), hard, or off (stages are reported, nothing is closed). */
  mode?: LiquidationMode;
}

export class MarginEngine implements MarginHooks, StateSection {
  readonly sectionKey = MARGIN_SECTION;
  readonly accounts = new Map<string, Account>();
  /** Penalties received less bad debt paid. */
  insuranceFund = 0;
  /** Net fees received from accounts (taker fees less maker rebates). */
  feesCollected = 0;
  private events: EventStream | null = null;
  private books: readonly OrderBook[] = [];
  private readonly instruments: InstrumentMargin[] = [];
  private readonly breach: BreachHandler;
  /** Null in mode off. */
  readonly liquidator: Liquidator | null;
  /** Accounts not healthy (the liquidator's schedule knows which may have work). */
  private inLiquidation = 0;
  private readonly sweep = new Sweep();
  /** Accounts to re-check and positions whose reduce-only orders to re-fit, after the command. */
  private readonly recheckQueue: Account[] = [];
  private readonly refitQueue: Position[] = [];
  /** Accounts whose triggers must be re-placed before the next oracle update. */
  private readonly placeQueue: Account[] = [];
  private readonly crossed: Position[] = [];
  private stamp = 0;
  /** Accounts re-checked because an oracle move crossed one of their triggers. */
  crossedCount = 0;

  constructor(options: MarginEngineOptions = {}) {
    this.breach = breachHandlerOf(options.onBreach);
    const mode = options.mode ?? "soft";
    this.liquidator = mode === "off" ? null : new Liquidator(mode, this);
  }

  attach(control: MarginControl): void {
    this.events = control.events;
    this.books = control.books;
    this.liquidator?.attach(control);
  }

  get mode(): LiquidationMode {
    return this.liquidator?.mode ?? "off";
  }

  instrumentOf(book: OrderBook): InstrumentMargin {
    let inst = this.instruments[book.bookIndex];
    if (inst === undefined) {
      inst = new InstrumentMargin(book);
      this.instruments[book.bookIndex] = inst;
    }
    return inst;
  }

  /** The instruments seen so far, by book index (holes for books without margined activity). */
  get instrumentList(): readonly (InstrumentMargin | undefined)[] {
    return this.instruments;
  }

  private accountFor(name: string): Account {
    let a = this.accounts.get(name);
    if (a === undefined) {
      a = new Account(name, this.accounts.size);
      this.accounts.set(name, a);
    }
    return a;
  }

  private room(a: Account | undefined, inst: InstrumentMargin, side: SideCode): number {
    const p = a?.positionIn(inst) ?? null;
    if (p === null) return 0;
    return side === BUY ? Math.max(0, -p.qty) : Math.max(0, p.qty);
  }

  // ---- pre-trade ----

  checkOrder(
    book: OrderBook | null,
    name: string,
    side: SideCode,
    limitPrice: number,
    qty: number,
    rests: boolean,
    reduceOnly: boolean,
  ): RejectCode | null {
    if (book === null || book.oraclePrice === 0) return "NO_MARK_PRICE";
    const inst = this.instrumentOf(book);
    const a = this.accounts.get(name);
    if (reduceOnly) return this.room(a, inst, side) > 0 ? null : "REDUCE_ONLY_WOULD_INCREASE";
    const sweep = this.sweep;
    sweep.run(book, side, limitPrice, qty);
    const p = a?.positionIn(inst) ?? null;
    const buy = side === BUY;
    const rest = rests ? qty - sweep.qty : 0;
    const restNotional = rest * limitPrice;
    return allowsChange(
      a ?? null,
      inst,
      (p?.qty ?? 0) + (buy ? sweep.qty : -sweep.qty),
      (p?.openBuyQty ?? 0) + (buy ? rest : 0),
      (p?.openSellQty ?? 0) + (buy ? 0 : rest),
      (p?.openBuyNotional ?? 0) + (buy ? restNotional : 0),
      (p?.openSellNotional ?? 0) + (buy ? 0 : restNotional),
      sweep.loss + sweepFee(sweep, inst),
    );
  }

  /** A modified order is priced as if it rested whole at its new price (it fills there or better). */
  checkModify(book: OrderBook, order: Order, newPrice: number, newQty: number): RejectCode | null {
    const inst = this.instrumentOf(book);
    const a = this.accounts.get(order.account as string);
    if (order.reduceOnly) return this.room(a, inst, order.side) > 0 ? null : "REDUCE_ONLY_WOULD_INCREASE";
    const p = a?.positionIn(inst) ?? null;
    if (a === undefined || p === null) return null; // unreachable: a resting margined order has both
    const buy = order.side === BUY;
    const dQty = newQty - order.open;
    const dNotional = newPrice * newQty - order.price * order.open;
    return allowsChange(
      a,
      inst,
      p.qty,
      p.openBuyQty + (buy ? dQty : 0),
      p.openSellQty + (buy ? 0 : dQty),
      p.openBuyNotional + (buy ? dNotional : 0),
      p.openSellNotional + (buy ? 0 : dNotional),
      0,
    );
  }

  clipReduceOnly(book: OrderBook, taker: Taker): void {
    const inst = this.instrumentOf(book);
    const room = this.room(this.accounts.get(taker.account as string), inst, taker.side);
    if (taker.remaining <= room) return;
    const prev = taker.remaining;
    taker.remaining = room;
    const price = taker.limitPrice;
    (this.events as EventStream).modifiedOrder(taker.id, book.symbol, price, room, price, prev, true, "REDUCE_ONLY");
  }

  reduceOnlyRoom(book: OrderBook, account: string, side: SideCode): number {
    return this.room(this.accounts.get(account), this.instrumentOf(book), side);
  }

  // ---- open orders ----

  onOrderRested(book: OrderBook, order: Order): void {
    const p = this.accountFor(order.account as string).positionFor(this.instrumentOf(book));
    if (order.reduceOnly) {
      p.reduceOnly.push(order);
      this.refit(p);
    } else addOpen(p, order.side, order.open, order.price);
  }

  onOrderReduced(book: OrderBook, order: Order, qty: number): void {
    if (order.reduceOnly) return;
    const p = this.positionOf(book, order);
    if (p !== null) addOpen(p, order.side, -qty, order.price);
  }

  onOrderRemoved(book: OrderBook, order: Order): void {
    const p = this.positionOf(book, order);
    if (p === null) return;
    if (!order.reduceOnly) addOpen(p, order.side, -order.open, order.price);
    else {
      const at = p.reduceOnly.indexOf(order);
      if (at >= 0) p.reduceOnly.splice(at, 1);
    }
  }

  private positionOf(book: OrderBook, order: Order): Position | null {
    return this.accounts.get(order.account as string)?.positionIn(this.instrumentOf(book)) ?? null;
  }

  // ---- fills and collateral ----

  onFill(book: OrderBook, price: number, qty: number, maker: Order, taker: Taker): void {
    const inst = this.instrumentOf(book);
    if (taker.liquidation)
      (this.liquidator as Liquidator).onChildFill(price, qty, feeOf(price * qty, inst.takerFeePpm));
    if (maker.account !== null) {
      const p = this.accountFor(maker.account).positionFor(inst);
      if (!maker.reduceOnly) addOpen(p, maker.side, -qty, maker.price);
      this.settle(p, maker.side === BUY, price, qty, inst.makerFeePpm);
    }
    if (taker.account !== null) {
      const p = this.accountFor(taker.account).positionFor(inst);
      this.settle(p, taker.side === BUY, price, qty, inst.takerFeePpm);
    }
  }

  /** LiquidationHost: an auto-deleveraging transfer, booked like a fill without a fee. */
  settleOffBook(p: Position, buy: boolean, price: number, qty: number): void {
    this.settle(p, buy, price, qty, 0);
  }

  /** Books a fill on a position: realized PnL and the fee into collateral, the fee into the pot. */
  private settle(p: Position, buy: boolean, price: number, qty: number, feePpm: number): void {
    const realized = applyFill(p, buy, price, qty);
    if (p.account.stage !== HEALTHY && this.liquidator !== null) {
      // In liquidation and its position just changed (a child of another account filled its order,
      // or auto-deleveraging): look at it again in this turn, afresh.
      p.account.unpark();
      this.liquidator.wake(p.account);
    }
    if (p.qty === 0) p.nextSliceAt = 0; // pacing belongs to a liquidation of this position, not to a later one
    const fee = feeOf(price * qty, feePpm);
    const a = p.account;
    a.collateral += realized - fee;
    this.feesCollected += fee;
    if (p.reduceOnly.length > 0) this.refit(p);
    this.recheck(a);
  }

  /**
   * LiquidationHost: the soft liquidator's sizing found whether some partial close at the live
   * book restores the account; the stage follows (UNRESTORABLE or back to its health's stage).
   */
  setRestorable(a: Account, restorable: boolean): void {
    if (a.stage === HEALTHY || a.stage === BANKRUPT || restorable === (a.stage !== UNRESTORABLE)) return;
    const equity = equityOf(a);
    const mm = maintenanceOf(a);
    a.stage = IN_BREACH; // leaves the sticky UNRESTORABLE out of stageOf
    const stage = restorable ? this.stageOf(a, equity, mm) : UNRESTORABLE;
    a.stage = stage;
    this.breach.onStage(a, stage, equity, mm, this.events as EventStream);
  }

  checkTransfer(name: string, amount: number): RejectCode | null {
    const a = this.accounts.get(name);
    const collateral = a?.collateral ?? 0;
    if (amount > 0) return Number.isSafeInteger(collateral + amount) ? null : "BALANCE_OVERFLOW";
    if (a === undefined || collateral + amount < 0) return "INSUFFICIENT_COLLATERAL";
    // What stays must cover the positions and the worst case of the open orders.
    return equityOf(a) + amount < requirementOf(a) ? "INSUFFICIENT_MARGIN" : null;
  }

  transfer(name: string, amount: number): void {
    const a = this.accountFor(name);
    a.collateral += amount;
    this.recheck(a);
  }

  // ---- oracle and breach detection ----

  /**
   * Accounts whose money changed since the last oracle update get their triggers placed first
   * (at the new price); then the index hands over the positions whose triggers the move crossed,
   * and the watch list the positions of accounts in breach (they have no triggers: any move may
   * restore them or take them deeper).
   */
  onOracle(book: OrderBook): void {
    if (this.placeQueue.length > 0) this.placeDeferred();
    const crossed = this.crossed;
    const inst = this.instrumentOf(book);
    inst.index.collect(book.oraclePrice, crossed);
    const watched = inst.watched;
    for (let i = 0; i < watched.length; i++) crossed.push(watched[i] as Position);
    if (crossed.length === 0) return;
    // Creation order, not heap order: which account is re-checked (and breaches) first must not
    // depend on how the heap was built, or a restored index would replay differently.
    if (crossed.length > 1) crossed.sort(byAccountSeq);
    const stamp = ++this.stamp;
    for (const p of crossed) {
      const a = p.account;
      if (a.stamp === stamp) continue;
      a.stamp = stamp;
      if (a.stage === HEALTHY) this.crossedCount++; // an account in breach came from the watch list
      this.reindex(a);
    }
    crossed.length = 0;
  }

  private placeDeferred(): void {
    const queue = this.placeQueue;
    for (let i = 0; i < queue.length; i++) {
      const a = queue[i] as Account;
      a.placePending = false;
      this.reindex(a);
    }
    queue.length = 0;
  }

  private recheck(a: Account): void {
    if (a.queued) return;
    a.queued = true;
    this.recheckQueue.push(a);
  }

  private refit(p: Position): void {
    if (p.reduceOnlyStale) return;
    p.reduceOnlyStale = true;
    this.refitQueue.push(p);
  }

  afterCommand(accepted: boolean): void {
    this.settleQueues();
    // The liquidator's turn: once per accepted command (a rejected one changed nothing, not even the clock).
    const liquidator = this.liquidator;
    if (!accepted || liquidator === null || this.inLiquidation === 0) return;
    liquidator.run(this.accounts.values(), (this.events as EventStream).ts);
    this.settleQueues();
  }

  /** Re-fits reduce-only orders and re-checks the accounts queued by fills and transfers. */
  private settleQueues(): void {
    const refits = this.refitQueue;
    if (refits.length > 0) {
      for (let i = 0; i < refits.length; i++) fitReduceOnly(refits[i] as Position);
      refits.length = 0;
    }
    const queue = this.recheckQueue;
    if (queue.length === 0) return;
    // A breach handler may trade, which queues more accounts: the loop reads the length live.
    for (let i = 0; i < queue.length; i++) {
      const a = queue[i] as Account;
      a.queued = false;
      this.check(a);
    }
    queue.length = 0;
  }

  /**
   * The exact check after a fill or transfer: a breach is reported at once. Moving the account's
   * triggers in the trees waits for the next oracle update (placeDeferred): between oracle
   * updates the triggers decide nothing, so many fills of one account cost one re-placement.
   */
  private check(a: Account): void {
    let equity = a.collateral;
    let mm = 0;
    for (const p of a.positions) {
      if (p.qty === 0) continue;
      const o = p.instrument.book.oraclePrice;
      equity += p.unrealizedAt(o);
      mm += p.instrument.tiers.maintenance(Math.abs(p.qty) * o);
    }
    this.settleStage(a, equity, mm);
    if (!a.placePending) {
      a.placePending = true;
      this.placeQueue.push(a);
    }
  }

  /** Re-checks an account exactly at the current oracle prices and re-places its triggers (none while in breach). */
  private reindex(a: Account): void {
    let equity = a.collateral;
    let mm = 0;
    let total = 0;
    let open = 0;
    for (const p of a.positions) {
      p.instrument.index.unindex(p);
      if (p.qty === 0) continue;
      const o = p.instrument.book.oraclePrice;
      const notional = Math.abs(p.qty) * o;
      equity += p.unrealizedAt(o);
      mm += p.instrument.tiers.maintenance(notional);
      total += notional;
      open++;
    }
    if (this.settleStage(a, equity, mm) !== HEALTHY || open === 0) return;
    const slack = equity - mm;
    for (const p of a.positions) {
      if (p.qty === 0) continue;
      placeTriggers(p, open === 1 ? slack : mulDivFloor(slack, p.notional(), total));
      p.instrument.index.index(p);
    }
  }

  /**
   * Sets the account's stage from its exact equity and maintenance margin, reports a change, and
   * keeps its positions on the watch lists exactly while it is not healthy. Returns the stage.
   */
  private settleStage(a: Account, equity: number, mm: number): Stage {
    // The common case after a fill: healthy stays healthy (nothing of it is on a watch list).
    if (a.stage === HEALTHY && equity >= mm) {
      a.debtCovered = false;
      return HEALTHY;
    }
    a.unpark(); // its money was just checked
    let reported = equity;
    if (mm > 0 || a.collateral >= 0) a.debtCovered = false;
    else if (!a.debtCovered && this.liquidator !== null) {
      // Left flat owing money, however it got there: the insurance fund pays what it can, once.
      this.liquidator.coverBadDebt(a, this.events as EventStream);
      a.debtCovered = a.collateral < 0; // what the fund could not pay stays owed, and is not asked for again
      reported = a.collateral;
    }
    const stage = this.stageOf(a, reported, mm);
    if (stage !== a.stage) {
      const events = this.events as EventStream;
      if (a.stage === HEALTHY) {
        this.inLiquidation++;
        if (this.liquidator !== null) cancelIncreasingOrders(a);
      } else if (stage === HEALTHY) this.inLiquidation--;
      a.stage = stage;
      this.breach.onStage(a, stage, reported, mm, events);
    }
    if (stage !== HEALTHY) this.liquidator?.wake(a);
    syncWatch(a);
    return stage;
  }

  /**
   * The stage exact equity and maintenance margin give: bankrupt below zero equity, unrestorable
   * while the soft liquidator's last sizing found no partial close (and the target is not met), stage 2 below
   * the stage-2 health, in breach below 100% — and, while a soft liquidation works the account,
   * until it is back at its target health. Healthy with no position.
   */
  private stageOf(a: Account, equity: number, mm: number): Stage {
    if (mm === 0) return HEALTHY;
    if (equity < 0) return BANKRUPT;
    const health = healthPpmOf(equity, mm);
    // Set by the soft liquidator's sizing; the same sizing (or the target) ends it.
    if (a.stage === UNRESTORABLE && health < targetOf(a)) return UNRESTORABLE;
    if (health < stage2Of(a)) return STAGE2;
    if (equity < mm) return IN_BREACH;
    if (a.stage !== HEALTHY && this.liquidator?.mode === "soft" && health < targetOf(a)) return IN_BREACH;
    return HEALTHY;
  }

  // ---- state ----

  writeState(out: StateWriter): void {
    const names = [...this.accounts.keys()].sort();
    for (const name of names) {
      const a = this.accounts.get(name) as Account;
      const held = a.positions.filter((p) => p.qty !== 0);
      if (a.collateral === 0 && held.length === 0 && !a.breached) continue; // an empty account is no state
      out.update(`A ${JSON.stringify(name)} ${a.collateral} ${a.stage}${a.debtCovered ? " covered" : ""}\n`);
      held.sort((x, y) => (x.instrument.symbol < y.instrument.symbol ? -1 : 1));
      for (const p of held) {
        // The pacing clock only when set: states without liquidations hash as they always did.
        const pacing = p.nextSliceAt > 0 ? ` ${p.nextSliceAt}` : "";
        // Realized PnL only when not zero, marked: states of positions never reduced hash as they did.
        const realized = p.realizedPnl !== 0 ? ` r${p.realizedPnl}` : "";
        out.update(`P ${JSON.stringify(p.instrument.symbol)} ${p.qty} ${p.entryNotional}${pacing}${realized}\n`);
      }
    }
    const children = this.liquidator !== null && this.liquidator.childSeq > 0 ? ` ${this.liquidator.childSeq}` : "";
    out.update(`F ${this.insuranceFund} ${this.feesCollected}${children}\n`);
  }

  /** The section of the engine state (liquidator/margin-state.ts); call between commands. */
  exportSection(): MarginState {
    const place = new Map<Account, number>();
    const accounts: AccountState[] = [];
    for (const a of this.accounts.values()) {
      place.set(a, accounts.length);
      const positions = a.positions.map((p): PositionState => {
        const state: PositionState = [
          p.instrument.symbol,
          p.qty,
          p.entryNotional,
          p.openBuyQty,
          p.openBuyNotional,
          p.openSellQty,
          p.openSellNotional,
          p.down.indexed ? p.down.price : 0,
          p.up.indexed ? p.up.price : 0,
          p.reduceOnly.map((o) => o.id),
          p.nextSliceAt,
        ];
        if (p.realizedPnl !== 0) state.push(p.realizedPnl);
        return state;
      });
      accounts.push(
        a.debtCovered ? [a.name, a.collateral, a.stage, positions, 1] : [a.name, a.collateral, a.stage, positions],
      );
    }
    return {
      version: MARGIN_STATE_VERSION,
      insuranceFund: this.insuranceFund,
      feesCollected: this.feesCollected,
      crossedCount: this.crossedCount,
      childSeq: this.liquidator?.childSeq ?? 0,
      accounts,
      placeQueue: this.placeQueue.map((a) => place.get(a) as number),
    };
  }

  /**
   * Loads the section after the books are restored. Resting margined orders re-entered through
   * onOrderRested while the books were rebuilt; what that built (accounts in book order rather
   * than creation order, pending re-fits) is discarded: the section is the whole truth.
   */
  restoreSection(value: unknown): void {
    const state = readMarginState(value);
    this.accounts.clear();
    this.instruments.length = 0;
    this.recheckQueue.length = 0;
    this.refitQueue.length = 0;
    this.placeQueue.length = 0;
    this.inLiquidation = 0;
    this.liquidator?.resetSchedule();
    this.crossed.length = 0;
    this.stamp = 0;
    const books = new Map<string, OrderBook>();
    for (const book of this.books) books.set(book.symbol, book);
    const reduceOnly = restingReduceOnly(this.books);
    const created: Account[] = [];
    for (const [name, collateral, stage, positions, debtCovered] of state.accounts) {
      if (this.accounts.has(name)) throw new Error(`cannot restore margin state: account ${name} twice`);
      const a = this.accountFor(name);
      a.collateral = collateral;
      a.stage = stage as Stage;
      a.debtCovered = debtCovered === 1;
      for (const [
        symbol,
        qty,
        entry,
        buyQty,
        buyNotional,
        sellQty,
        sellNotional,
        down,
        up,
        ids,
        nextSliceAt,
        realizedPnl,
      ] of positions) {
        const book = books.get(symbol);
        if (book === undefined) throw new Error(`cannot restore margin state: no instrument ${symbol}`);
        const inst = this.instrumentOf(book);
        if (a.positionIn(inst) !== null) throw new Error(`cannot restore margin state: ${name} holds ${symbol} twice`);
        const p = a.positionFor(inst);
        p.qty = qty;
        p.entryNotional = entry;
        p.openBuyQty = buyQty;
        p.openBuyNotional = buyNotional;
        p.openSellQty = sellQty;
        p.openSellNotional = sellNotional;
        for (const id of ids) {
          const o = reduceOnly.get(id);
          if (o === undefined || o.account !== name || o.bookIndex !== book.bookIndex) {
            throw new Error(`cannot restore margin state: no resting reduce-only order ${String(id)} of ${name}`);
          }
          p.reduceOnly.push(o);
        }
        p.down.price = down;
        p.up.price = up;
        p.nextSliceAt = nextSliceAt;
        p.realizedPnl = realizedPnl ?? 0;
        inst.index.index(p); // pushes only the sides with a price
      }
      syncWatch(a);
      if (a.stage !== HEALTHY) {
        this.inLiquidation++;
        this.liquidator?.wake(a);
      }
      created.push(a);
    }
    for (const at of state.placeQueue) {
      const a = created[at] as Account;
      if (a.placePending) throw new Error(`cannot restore margin state: ${a.name} queued twice`);
      a.placePending = true;
      this.placeQueue.push(a);
    }
    this.insuranceFund = state.insuranceFund;
    this.feesCollected = state.feesCollected;
    this.crossedCount = state.crossedCount;
    if (this.liquidator !== null) this.liquidator.childSeq = state.childSeq;
  }
}

/** The resting reduce-only orders of margined accounts, by id. */
function restingReduceOnly(books: readonly OrderBook[]): Map<OrderId, Order> {
  const out = new Map<OrderId, Order>();
  for (const book of books) {
    for (const side of [book.bids, book.asks]) {
      const levels = side.cursor();
      for (let level = levels.next(); level !== null; level = levels.next()) {
        for (let o = level.head; o !== null; o = o.next) if (o.reduceOnly && o.account !== null) out.set(o.id, o);
      }
    }
  }
  return out;
}

/**
 * On entry into liquidation, the account's resting orders that would increase a position (buys
 * of a long, sells of a short, either side where it is flat) are cancelled (reason LIQUIDATION),
 * as venues cancel open orders first: otherwise another account's child could fill them and grow
 * the position being reduced. A side is walked only when the open-order totals say it holds some.
 */
function cancelIncreasingOrders(a: Account): void {
  for (const p of a.positions) {
    const book = p.instrument.book;
    if (p.qty >= 0 && p.openBuyQty > 0) cancelOwnOn(book, book.bids, a.name);
    if (p.qty <= 0 && p.openSellQty > 0) cancelOwnOn(book, book.asks, a.name);
  }
}

function cancelOwnOn(book: OrderBook, side: BookSide, account: string): void {
  const doomed: Order[] = []; // collected first: a cancel unlinks the order the walk stands on
  const levels = side.cursor();
  for (let level = levels.next(); level !== null; level = levels.next()) {
    for (let o = level.head; o !== null; o = o.next) if (o.account === account && !o.reduceOnly) doomed.push(o);
  }
  for (const o of doomed) book.cancelResting(o, "LIQUIDATION");
}

function byAccountSeq(x: Position, y: Position): number {
  return x.account.seq - y.account.seq;
}

/** Puts the account's open positions on their instruments' watch lists while it is in breach, and takes them off otherwise. */
function syncWatch(a: Account): void {
  const inBreach = a.stage !== HEALTHY;
  for (const p of a.positions) {
    const want = inBreach && p.qty !== 0;
    if (want === p.watchSlot >= 0) continue;
    const list = p.instrument.watched;
    if (want) {
      p.watchSlot = list.length;
      list.push(p);
    } else {
      // Swap-remove: the list's order does not matter (onOracle sorts what it collects).
      const last = list.pop() as Position;
      if (last !== p) {
        list[p.watchSlot] = last;
        last.watchSlot = p.watchSlot;
      }
      p.watchSlot = -1;
    }
  }
}

function addOpen(p: Position, side: SideCode, qty: number, price: number): void {
  if (side === BUY) {
    p.openBuyQty += qty;
    p.openBuyNotional += qty * price;
  } else {
    p.openSellQty += qty;
    p.openSellNotional += qty * price;
  }
}
