/**
 * LOBSTER messages (and, optionally, the orderbook file's snapshots) → softliq commands.
 * The rules, and exactly what the importer adds and removes, are in README.md beside this file:
 *
 * - 1 submission → `limit` GTC with the LOBSTER order id.
 * - 2 partial cancellation → `modify` with the new open quantity (a decrease keeps priority);
 *   nothing left → `cancel`.
 * - 3 deletion → `cancel`.
 * - 4 a run of visible executions (consecutive, same timestamp, same resting side) → one `limit`
 *   IOC on the other side at the run's worst price for the run's total size, id "x<last message>".
 * - 5 hidden executions and 7 halts change no visible book: skipped and counted.
 * - Opening book: row 1 of the orderbook file with message 1 undone, one order a level ("o<n>").
 * - Holding (orderbook file given): after each message the importer compares its model of the
 *   engine's book with the snapshot and writes the commands that make them equal: missing volume
 *   is added at the back of its level ("v<n>"), excess volume is removed (synthetic orders first).
 * - A cancellation or deletion of an order the book does not hold takes its size out of the
 *   synthetic orders at its price, which stand for exactly such orders.
 *
 * Prices stay in LOBSTER's units (dollars × 10000), sizes in shares, ts in ns after midnight.
 */
import type { Command, LimitCommand, OrderId } from "../protocol/commands.js";
import { HOLD_MARKER, messageMarker } from "./markers.js";
import {
  BUY_DIRECTION,
  CANCELLATION,
  DELETION,
  EXECUTION,
  HALT,
  HIDDEN_EXECUTION,
  type LobsterMessage,
  SUBMISSION,
} from "./message.js";
import { ShadowBook, type ShadowLevel, type ShadowOrder, type ShadowSide } from "./shadow-book.js";
import { Snapshot } from "./snapshot.js";

/** An execution run's aggressive IOC is "x" and the run's last message number: never a LOBSTER order id. */
export const EXECUTION_RUN_ID_PREFIX = "x";

/** Whether an order id is an execution run's IOC (as the importer names them). */
export function isExecutionRunId(id: OrderId | null): boolean {
  return typeof id === "string" && id.startsWith(EXECUTION_RUN_ID_PREFIX);
}

export interface ImportSink {
  /** A whole comment line, starting with `#`. */
  comment(text: string): void;
  command(command: Command): void;
}

export interface ImportCounts {
  messages: number;
  submissions: number;
  cancellations: number;
  deletions: number;
  executions: number;
  executionRuns: number;
  hiddenExecutions: number;
  halts: number;
  commands: number;
  /** Cancellations, deletions and executions naming an order the book does not hold. */
  unknownOrderMessages: number;
  /** Of their size, what the synthetic orders at the price could give. */
  unknownQtyFromSynthetic: number;
  /** Partial cancellations of at least the open quantity (turned into a cancel). */
  overCancellations: number;
  /** Submissions of an id still live: the old order is cancelled first. */
  duplicateSubmissions: number;
  openingOrders: number;
  openingQty: number;
  /** Messages after which the book had to be held to the snapshot. */
  heldMessages: number;
  /** Synthetic orders added at the back of a level (volume that rose into view unannounced). */
  addedOrders: number;
  addedQty: number;
  /** Orders cancelled by holding, and of those the LOBSTER (not synthetic) ones. */
  removedOrders: number;
  removedLobsterOrders: number;
  /** Orders whose quantity holding decreased. */
  reducedOrders: number;
  /** Quantity removed by holding (cancels and decreases). */
  removedQty: number;
}

export function emptyImportCounts(): ImportCounts {
  return {
    messages: 0,
    submissions: 0,
    cancellations: 0,
    deletions: 0,
    executions: 0,
    executionRuns: 0,
    hiddenExecutions: 0,
    halts: 0,
    commands: 0,
    unknownOrderMessages: 0,
    unknownQtyFromSynthetic: 0,
    overCancellations: 0,
    duplicateSubmissions: 0,
    openingOrders: 0,
    openingQty: 0,
    heldMessages: 0,
    addedOrders: 0,
    addedQty: 0,
    removedOrders: 0,
    removedLobsterOrders: 0,
    reducedOrders: 0,
    removedQty: 0,
  };
}

export interface ImporterOptions {
  /** Levels of the orderbook file; 0 when there is none. */
  levels: number;
  /** Hold the visible book to every snapshot (default true when there are snapshots). */
  hold?: boolean;
}

export class LobsterImporter {
  readonly counts = emptyImportCounts();
  /** The importer's model of the engine's book after the commands written so far. */
  readonly book = new ShadowBook();
  private readonly hold: boolean;
  private readonly runSnapshot: Snapshot | null;
  private started = false;
  private openingSeq = 0;
  private addedSeq = 0;
  private ts = 0;
  private heldNow = false;
  // The execution run being collected.
  private runActive = false;
  private runFirst = 0;
  private runLast = 0;
  private runTs = 0;
  private runDirection = 0;
  private runSize = 0;
  private runWorst = 0;
  private runHasSnapshot = false;

  constructor(
    private readonly sink: ImportSink,
    options: ImporterOptions,
  ) {
    this.hold = options.levels > 0 && options.hold !== false;
    this.runSnapshot = options.levels > 0 ? new Snapshot(options.levels) : null;
  }

  /** One message, with the snapshot of the book after it when there is an orderbook file. */
  push(m: LobsterMessage, snapshot: Snapshot | null): void {
    const c = this.counts;
    c.messages++;
    if (!this.started) {
      this.started = true;
      if (snapshot !== null) this.open(m, snapshot);
    }
    if (this.runActive && !this.continuesRun(m)) this.flushRun();
    this.ts = m.ts;
    switch (m.type) {
      case EXECUTION:
        c.executions++;
        if (!this.book.orders.has(m.id)) c.unknownOrderMessages++;
        this.extendRun(m, snapshot);
        return;
      case HIDDEN_EXECUTION:
        c.hiddenExecutions++;
        if (this.runActive) return this.extendRun(m, snapshot);
        break;
      case HALT:
        c.halts++;
        break;
      case SUBMISSION:
        c.submissions++;
        this.sink.comment(messageMarker(m.index, m.index));
        this.submit(m);
        return this.settle(snapshot);
      case CANCELLATION:
        c.cancellations++;
        this.sink.comment(messageMarker(m.index, m.index));
        this.cancelPart(m);
        return this.settle(snapshot);
      case DELETION:
        c.deletions++;
        this.sink.comment(messageMarker(m.index, m.index));
        this.delete(m);
        return this.settle(snapshot);
    }
    this.sink.comment(messageMarker(m.index, m.index));
    this.settle(snapshot);
  }

  /** After the last message: writes the execution run still collected. */
  finish(): void {
    if (this.runActive) this.flushRun();
  }

  // ---- messages ----

  private submit(m: LobsterMessage): void {
    const old = this.book.orders.get(m.id);
    if (old !== undefined) {
      this.counts.duplicateSubmissions++;
      this.cancel(old);
    }
    const isBid = m.direction === BUY_DIRECTION;
    this.emit(limit(this.ts, m.id, isBid, m.price, m.size, false));
    this.book.submit(m.id, isBid, m.price, m.size, true, false, null);
  }

  private cancelPart(m: LobsterMessage): void {
    const order = this.book.orders.get(m.id);
    if (order === undefined) return this.unknown(m);
    if (m.size >= order.open) {
      this.counts.overCancellations++;
      this.cancel(order);
    } else {
      this.reduce(order, m.size);
    }
  }

  private delete(m: LobsterMessage): void {
    const order = this.book.orders.get(m.id);
    if (order === undefined) return this.unknown(m);
    this.cancel(order);
  }

  /**
   * An order the book does not hold sat inside the volume of a synthetic order at its price (the
   * opening book, or volume that rose into view): take its size out of those, oldest first.
   */
  private unknown(m: LobsterMessage): void {
    this.counts.unknownOrderMessages++;
    const level = this.book.sideOf(m.direction === BUY_DIRECTION).level(m.price);
    if (level === undefined) return;
    let left = m.size;
    for (let i = 0; i < level.orders.length && left > 0; ) {
      const order = level.orders[i] as ShadowOrder;
      if (!order.synthetic) {
        i++;
        continue;
      }
      const take = Math.min(left, order.open);
      left -= take;
      this.counts.unknownQtyFromSynthetic += take;
      if (take === order.open) this.cancel(order);
      else {
        this.reduce(order, take);
        i++;
      }
    }
  }

  private continuesRun(m: LobsterMessage): boolean {
    return (
      (m.type === EXECUTION || m.type === HIDDEN_EXECUTION) && m.ts === this.runTs && m.direction === this.runDirection
    );
  }

  private extendRun(m: LobsterMessage, snapshot: Snapshot | null): void {
    if (!this.runActive) {
      this.runActive = true;
      this.runFirst = m.index;
      this.runTs = m.ts;
      this.runDirection = m.direction;
      this.runSize = 0;
      this.runWorst = m.price;
    }
    this.runLast = m.index;
    if (m.type === EXECUTION) {
      this.runSize += m.size;
      // Resting bids execute against a seller: the worst is the lowest bid, and vice versa.
      const bids = m.direction === BUY_DIRECTION;
      if (bids ? m.price < this.runWorst : m.price > this.runWorst) this.runWorst = m.price;
    }
    this.runHasSnapshot = snapshot !== null;
    if (snapshot !== null) this.runSnapshot?.copyFrom(snapshot);
  }

  /** One aggressive IOC for the whole run, then the book after the run's last message. */
  private flushRun(): void {
    this.runActive = false;
    this.ts = this.runTs;
    this.sink.comment(messageMarker(this.runFirst, this.runLast));
    if (this.runSize > 0) {
      this.counts.executionRuns++;
      const takerIsBid = this.runDirection !== BUY_DIRECTION;
      const id = `${EXECUTION_RUN_ID_PREFIX}${this.runLast}`;
      this.emit(limit(this.ts, id, takerIsBid, this.runWorst, this.runSize, true));
      this.book.submit(id, takerIsBid, this.runWorst, this.runSize, false, false, null);
    }
    this.settle(this.runHasSnapshot ? this.runSnapshot : null);
  }

  // ---- the opening book ----

  /**
   * The book before message 1 is row 1 with message 1 undone (a submission's size taken back out,
   * a cancellation's, deletion's or execution's put back in): one synthetic order a level.
   */
  private open(m: LobsterMessage, snapshot: Snapshot): void {
    this.ts = m.ts;
    const bids = levelsOf(snapshot.bidPrice, snapshot.bidSize, snapshot.bidCount);
    const asks = levelsOf(snapshot.askPrice, snapshot.askSize, snapshot.askCount);
    const delta =
      m.type === SUBMISSION
        ? -m.size
        : m.type === CANCELLATION || m.type === DELETION || m.type === EXECUTION
          ? m.size
          : 0;
    if (delta !== 0) undo(m.direction === BUY_DIRECTION ? bids : asks, m.direction === BUY_DIRECTION, m.price, delta);
    this.sink.comment("# opening book: the first snapshot with message 1 undone, one order a level");
    for (const [isBid, levels] of [
      [true, bids],
      [false, asks],
    ] as const) {
      for (const [price, qty] of levels) {
        const id = `o${++this.openingSeq}`;
        this.emit(limit(this.ts, id, isBid, price, qty, false));
        this.book.submit(id, isBid, price, qty, true, true, null);
        this.counts.openingOrders++;
        this.counts.openingQty += qty;
      }
    }
  }

  // ---- holding the book to the snapshot ----

  private settle(snapshot: Snapshot | null): void {
    if (!this.hold || snapshot === null) return;
    this.heldNow = false;
    // Removals first on both sides, so an addition can never meet stale volume across the spread.
    this.trimSide(this.book.bids, snapshot.bidPrice, snapshot.bidSize, snapshot.bidCount, snapshot.levels);
    this.trimSide(this.book.asks, snapshot.askPrice, snapshot.askSize, snapshot.askCount, snapshot.levels);
    this.fillSide(this.book.bids, snapshot.bidPrice, snapshot.bidSize, snapshot.bidCount);
    this.fillSide(this.book.asks, snapshot.askPrice, snapshot.askSize, snapshot.askCount);
  }

  /** Marks the first holding command of a message. */
  private holding(): void {
    if (this.heldNow) return;
    this.heldNow = true;
    this.counts.heldMessages++;
    this.sink.comment(HOLD_MARKER);
  }

  /**
   * Every level in view must not hold more than the snapshot shows. In view: all levels when the
   * snapshot has fewer than `levels` (the side is shorter), else those up to its last price.
   */
  private trimSide(side: ShadowSide, prices: number[], sizes: number[], count: number, levels: number): void {
    const bounded = count === levels;
    const bound = bounded ? (prices[levels - 1] as number) : 0;
    let j = 0;
    for (let i = 0; i < side.levels.length; ) {
      const level = side.levels[i] as ShadowLevel;
      if (bounded && side.better(bound, level.price)) return;
      while (j < count && side.better(prices[j] as number, level.price)) j++;
      const target = j < count && prices[j] === level.price ? (sizes[j] as number) : 0;
      if (level.total > target) this.trim(level, level.total - target);
      if (side.levels[i] === level) i++;
    }
  }

  /**
   * Removes `excess` from a level: synthetic volume first (it is a guess), then a single order of
   * exactly that size (the likeliest unseen deletion), then the newest orders.
   */
  private trim(level: ShadowLevel, excess: number): void {
    this.holding();
    let left = excess;
    const orders = level.orders;
    for (let i = orders.length - 1; i >= 0 && left > 0; i--) {
      const order = orders[i] as ShadowOrder;
      if (order.synthetic) left -= this.holdTake(order, left);
    }
    if (left === 0) return;
    for (let i = orders.length - 1; i >= 0; i--) {
      const order = orders[i] as ShadowOrder;
      if (order.open === left) {
        this.holdTake(order, left);
        return;
      }
    }
    for (let i = orders.length - 1; i >= 0 && left > 0; i--) left -= this.holdTake(orders[i] as ShadowOrder, left);
  }

  private holdTake(order: ShadowOrder, most: number): number {
    const take = Math.min(most, order.open);
    const c = this.counts;
    c.removedQty += take;
    if (take === order.open) {
      c.removedOrders++;
      if (!order.synthetic) c.removedLobsterOrders++;
      this.cancel(order);
    } else {
      c.reducedOrders++;
      this.reduce(order, take);
    }
    return take;
  }

  /** Volume the snapshot shows and the book lacks rose into view: added at the back of its level. */
  private fillSide(side: ShadowSide, prices: number[], sizes: number[], count: number): void {
    for (let j = 0; j < count; j++) {
      const price = prices[j] as number;
      const have = side.level(price)?.total ?? 0;
      const want = sizes[j] as number;
      if (have >= want) continue;
      this.holding();
      const id = `v${++this.addedSeq}`;
      this.emit(limit(this.ts, id, side.isBid, price, want - have, false));
      this.book.submit(id, side.isBid, price, want - have, true, true, null);
      this.counts.addedOrders++;
      this.counts.addedQty += want - have;
    }
  }

  // ---- commands ----

  private cancel(order: ShadowOrder): void {
    this.emit({ type: "cancel", ts: this.ts, id: order.id });
    this.book.remove(order);
  }

  private reduce(order: ShadowOrder, by: number): void {
    this.emit({ type: "modify", ts: this.ts, id: order.id, qty: order.open - by });
    this.book.reduce(order, by);
  }

  private emit(command: Command): void {
    this.counts.commands++;
    this.sink.command(command);
  }
}

function limit(ts: number, id: OrderId, isBid: boolean, price: number, qty: number, ioc: boolean): LimitCommand {
  const c: LimitCommand = { type: "limit", ts, id, side: isBid ? "buy" : "sell", price, qty };
  if (ioc) c.tif = "IOC";
  return c;
}

function levelsOf(prices: number[], sizes: number[], count: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < count; i++) out.push([prices[i] as number, sizes[i] as number]);
  return out;
}

/** Adds `delta` at `price` in best-first levels (a level that drops to zero goes). */
function undo(levels: [number, number][], isBid: boolean, price: number, delta: number): void {
  let i = 0;
  while (
    i < levels.length &&
    (isBid ? (levels[i] as [number, number])[0] > price : (levels[i] as [number, number])[0] < price)
  )
    i++;
  const level = levels[i];
  if (level !== undefined && level[0] === price) {
    level[1] += delta;
    if (level[1] <= 0) levels.splice(i, 1);
  } else if (delta > 0) {
    levels.splice(i, 0, [price, delta]);
  }
}
