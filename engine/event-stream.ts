import { type CommandRecord, type CommandType, type OrderId, SIDE_NAMES } from "../protocol/commands.js";
import { deliverEvent, EngineEvent, type EventSink } from "../protocol/events.js";
import type { CancelReason } from "../protocol/reject-codes.js";
import type { Order } from "./order.js";
import type { Taker } from "./taker.js";

/**
 * Numbers events and hands them to the sink, by type. One EngineEvent is reused for every event,
 * so emitting allocates nothing; `seq` counts from 1 across the engine's life. Each method below
 * sets its event's fields (the event table's, event-schema.ts) from the engine's own records.
 */
export class EventStream {
  seq = 0;
  /** The engine clock (ns): the last `ts` a command carried. */
  ts = 0;
  /** Null: events are numbered but go nowhere. */
  sink: EventSink | null = null;
  private readonly event = new EngineEvent();

  /** Starts an event (numbered, stamped): the caller sets `type` and its fields, then publishes it. */
  begin(): EngineEvent {
    const e = this.event;
    e.seq = ++this.seq;
    e.ts = this.ts;
    return e;
  }

  /** Hands an event begun elsewhere (the liquidator's) to the sink. */
  publish(e: EngineEvent): void {
    if (this.sink !== null) deliverEvent(this.sink, e);
  }

  /** An acceptance is its command: the sink gets the record (and fills the event from it if it needs one). */
  accepted(cmd: CommandRecord): void {
    const e = this.begin();
    if (this.sink !== null) this.sink.accepted(e, cmd);
  }

  /** `ts`: the rejected command's own time when it had a valid one, else the clock. */
  rejected(command: CommandType | null, id: OrderId | null, reason: string, line: number, ts: number): void {
    const e = this.begin();
    e.ts = ts;
    e.type = "rejected";
    e.command = command;
    e.id = id;
    e.reason = reason;
    e.line = line;
    if (this.sink !== null) this.sink.rejected(e);
  }

  fill(symbol: string, price: number, qty: number, maker: Order, taker: Taker): void {
    const e = this.begin();
    e.type = "fill";
    e.symbol = symbol;
    e.price = price;
    e.qty = qty;
    e.side = SIDE_NAMES[taker.side] as "buy" | "sell";
    e.makerId = maker.id;
    e.takerId = taker.id;
    e.makerAccount = maker.account;
    e.takerAccount = taker.account;
    e.makerRemaining = maker.open;
    e.takerRemaining = taker.remaining;
    e.liquidation = taker.liquidation;
    if (this.sink !== null) this.sink.fill(e);
  }

  cancelled(id: OrderId, symbol: string, remaining: number, reason: CancelReason): void {
    const e = this.begin();
    e.type = "cancelled";
    e.id = id;
    e.symbol = symbol;
    e.remaining = remaining;
    e.reason = reason;
    if (this.sink !== null) this.sink.cancelled(e);
  }

  /** `reason` is empty for a user's modify, else why the engine changed the order (REDUCE_ONLY). */
  modified(order: Order, symbol: string, prevPrice: number, prevQty: number, priorityKept: boolean, reason = ""): void {
    this.modifiedOrder(order.id, symbol, order.price, order.open, prevPrice, prevQty, priorityKept, reason);
  }

  modifiedOrder(
    id: OrderId,
    symbol: string,
    price: number,
    qty: number,
    prevPrice: number,
    prevQty: number,
    priorityKept: boolean,
    reason: string,
  ): void {
    const e = this.begin();
    e.type = "modified";
    e.id = id;
    e.symbol = symbol;
    e.price = price;
    e.qty = qty;
    e.prevPrice = prevPrice;
    e.prevQty = prevQty;
    e.priorityKept = priorityKept;
    e.reason = reason;
    if (this.sink !== null) this.sink.modified(e);
  }
}
