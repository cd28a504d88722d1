// Generated from protocol/event-schema.ts by tools/event-codegen (the record, the plain objects, the JSON line): do not edit.
// Change the schema and run `npm run generate:events`.
import { type CommandRecord, type CommandType, type OrderId, SIDE_NAMES, type Side, TIF_NAMES } from "./commands.js";
import { idJson, nullableJson, quote } from "./json-text.js";

/** Every event type, in the contract's order. */
export type EventType =
  | "accepted"
  | "rejected"
  | "fill"
  | "cancelled"
  | "modified"
  | "liquidation_stage"
  | "liquidation_order"
  | "liquidation_reduced"
  | "liquidation_insurance"
  | "liquidation_adl"
  | "liquidation_backstop";

/**
 * The one reused event record: every field any event type has, typed. The engine fills it and
 * hands it to the listener; a listener that keeps an event copies it (eventToObject).
 */
export class EngineEvent {
  seq = 0;
  ts = 0;
  type: EventType = "accepted";
  /** accepted/rejected: the command's type; null when a rejected line had none. */
  command: CommandType | null = null;
  id: OrderId | null = null;
  symbol = "";
  side: Side = "buy";
  price = 0;
  qty = 0;
  tif = "";
  account: string | null = null;
  postOnly = false;
  reduceOnly = false;
  amount = 0;
  reason = "";
  line = 0;
  makerId: OrderId = 0;
  takerId: OrderId = 0;
  makerAccount: string | null = null;
  takerAccount: string | null = null;
  makerRemaining = 0;
  takerRemaining = 0;
  liquidation = false;
  /** cancelled: the open quantity removed. */
  remaining = 0;
  prevPrice = 0;
  prevQty = 0;
  priorityKept = false;
  /** liquidation_stage: the stage entered (breach, bankrupt, restored, …). */
  stage = "";
  /** liquidation_*: the account's health (equity / maintenance margin, ppm) at the event; NaN: no position (null in JSON). */
  healthPpm = 0;
  equity = 0;
  maintenanceMargin = 0;
  /** liquidation_reduced: quote units closed (Σ price × qty of the child's fills) and the penalty on them. */
  notional = 0;
  penalty = 0;
  /** liquidation_reduced: the position left (signed lots). */
  position = 0;
  /** liquidation_insurance: the shortfall of an account left flat with negative collateral. */
  badDebt = 0;
  /** liquidation_insurance: the fund after paying. */
  insuranceFund = 0;
  /** liquidation_adl: the account that took the position over; liquidation_backstop: the backstop. */
  counterparty = "";
}

/** Receives every event. The record is reused: copy it (eventToObject) to keep it. */
export type EventListener = (event: EngineEvent) => void;

/**
 * Takes each event by its type: the engine calls the method of the event it publishes, so a
 * consumer may keep one small function a type (the worker's wire writer does: one listener
 * switching on the type cost the worker ~6% of its time, measured with bench/wire-cost.bench.ts).
 */
export interface EventSink {
  /** `cmd`: the command the event is (`e` holds only seq and ts), or null when `e` holds it all. */
  accepted(e: EngineEvent, cmd: CommandRecord | null): void;
  rejected(e: EngineEvent): void;
  fill(e: EngineEvent): void;
  cancelled(e: EngineEvent): void;
  modified(e: EngineEvent): void;
  liquidationStage(e: EngineEvent): void;
  liquidationOrder(e: EngineEvent): void;
  liquidationReduced(e: EngineEvent): void;
  liquidationInsurance(e: EngineEvent): void;
  liquidationAdl(e: EngineEvent): void;
  liquidationBackstop(e: EngineEvent): void;
}

/** Fills a accepted event's fields from its command. */
export function acceptedFromCommand(e: EngineEvent, cmd: CommandRecord): void {
  e.type = "accepted";
  e.command = cmd.type;
  e.id = cmd.hasId ? cmd.id : null;
  e.symbol = cmd.symbol;
  e.side = SIDE_NAMES[cmd.side] as Side;
  e.price = cmd.price;
  e.qty = cmd.qty;
  e.tif = TIF_NAMES[cmd.tif] as string;
  e.account = cmd.account;
  e.postOnly = cmd.postOnly;
  e.reduceOnly = cmd.reduceOnly;
  e.amount = cmd.amount;
}

/** The sink that hands every event to one listener. */
export class ListenerSink implements EventSink {
  constructor(readonly listener: EventListener) {}

  accepted(e: EngineEvent, cmd: CommandRecord | null): void {
    if (cmd !== null) acceptedFromCommand(e, cmd);
    this.listener(e);
  }

  rejected(e: EngineEvent): void {
    this.listener(e);
  }

  fill(e: EngineEvent): void {
    this.listener(e);
  }

  cancelled(e: EngineEvent): void {
    this.listener(e);
  }

  modified(e: EngineEvent): void {
    this.listener(e);
  }

  liquidationStage(e: EngineEvent): void {
    this.listener(e);
  }

  liquidationOrder(e: EngineEvent): void {
    this.listener(e);
  }

  liquidationReduced(e: EngineEvent): void {
    this.listener(e);
  }

  liquidationInsurance(e: EngineEvent): void {
    this.listener(e);
  }

  liquidationAdl(e: EngineEvent): void {
    this.listener(e);
  }

  liquidationBackstop(e: EngineEvent): void {
    this.listener(e);
  }
}

/** Hands `e` (every field filled) to the sink's method for its type. */
export function deliverEvent(sink: EventSink, e: EngineEvent): void {
  switch (e.type) {
    case "accepted":
      sink.accepted(e, null);
      return;
    case "rejected":
      sink.rejected(e);
      return;
    case "fill":
      sink.fill(e);
      return;
    case "cancelled":
      sink.cancelled(e);
      return;
    case "modified":
      sink.modified(e);
      return;
    case "liquidation_stage":
      sink.liquidationStage(e);
      return;
    case "liquidation_order":
      sink.liquidationOrder(e);
      return;
    case "liquidation_reduced":
      sink.liquidationReduced(e);
      return;
    case "liquidation_insurance":
      sink.liquidationInsurance(e);
      return;
    case "liquidation_adl":
      sink.liquidationAdl(e);
      return;
    case "liquidation_backstop":
      sink.liquidationBackstop(e);
      return;
  }
}

/** A command was applied; the fields are the command's own, as validated. */
export interface AcceptedEvent {
  seq: number;
  ts: number;
  type: "accepted";
  command: CommandType;
  id?: OrderId;
  symbol?: string;
  side?: Side;
  price?: number;
  qty?: number;
  tif?: string;
  account?: string;
  postOnly?: true;
  reduceOnly?: true;
  amount?: number;
}

/** A command was refused and changed nothing: `reason` is a stable code, `line` the file line it came from. */
export interface RejectedEvent {
  seq: number;
  ts: number;
  type: "rejected";
  command?: CommandType;
  id?: OrderId;
  reason: string;
  line?: number;
}

/** A trade of `qty` lots at `price` between a resting maker and the taker; `liquidation` on the liquidator's own child orders. */
export interface FillEvent {
  seq: number;
  ts: number;
  type: "fill";
  symbol: string;
  price: number;
  qty: number;
  takerSide: Side;
  makerId: OrderId;
  takerId: OrderId;
  makerAccount: string | null;
  takerAccount: string | null;
  makerRemaining: number;
  takerRemaining: number;
  liquidation: boolean;
}

/** An order left the book (or a taker's rest expired): `remaining` lots open, and why. */
export interface CancelledEvent {
  seq: number;
  ts: number;
  type: "cancelled";
  id: OrderId;
  symbol: string;
  remaining: number;
  reason: string;
}

/** An order's price or quantity changed; `reason` only when the engine, not the user, changed it (REDUCE_ONLY). */
export interface ModifiedEvent {
  seq: number;
  ts: number;
  type: "modified";
  id: OrderId;
  symbol: string;
  price: number;
  qty: number;
  prevPrice: number;
  prevQty: number;
  priorityKept: boolean;
  reason?: string;
}

/** An account's liquidation stage changed: "breach" (health below 100%), "bankrupt" (equity below zero) or "restored" (health back at 100% or more; healthPpm null when no position is left). */
export interface LiquidationStageEvent {
  seq: number;
  ts: number;
  type: "liquidation_stage";
  account: string;
  stage: string;
  healthPpm: number | null;
  equity: number;
  maintenanceMargin: number;
}

/** The liquidator sent a child order: an immediate-or-cancel, reduce-only order of `account`. */
export interface LiquidationOrderEvent {
  seq: number;
  ts: number;
  type: "liquidation_order";
  account: string;
  symbol: string;
  id: OrderId;
  side: Side;
  price: number;
  qty: number;
}

/** A child order closed `qty` lots of `notional` quote units; `penalty` went to the insurance fund. */
export interface LiquidationReducedEvent {
  seq: number;
  ts: number;
  type: "liquidation_reduced";
  account: string;
  symbol: string;
  qty: number;
  notional: number;
  penalty: number;
  position: number;
}

/** An account left flat owed `badDebt`; the insurance fund paid `amount` of it and holds `insuranceFund`. */
export interface LiquidationInsuranceEvent {
  seq: number;
  ts: number;
  type: "liquidation_insurance";
  account: string;
  badDebt: number;
  amount: number;
  insuranceFund: number;
}

/** Auto-deleveraging: `qty` lots of `account`'s position passed to `counterparty` at `price` (the bankruptcy price); `side` is the bankrupt account's side of that trade. */
export interface LiquidationAdlEvent {
  seq: number;
  ts: number;
  type: "liquidation_adl";
  account: string;
  counterparty: string;
  symbol: string;
  side: Side;
  price: number;
  qty: number;
}

/** A backstop took `qty` lots of `account`'s position at `price` off the book; `side` is the liquidated account's side. */
export interface LiquidationBackstopEvent {
  seq: number;
  ts: number;
  type: "liquidation_backstop";
  account: string;
  backstop: string;
  symbol: string;
  side: Side;
  price: number;
  qty: number;
}

export type EventObject =
  | AcceptedEvent
  | RejectedEvent
  | FillEvent
  | CancelledEvent
  | ModifiedEvent
  | LiquidationStageEvent
  | LiquidationOrderEvent
  | LiquidationReducedEvent
  | LiquidationInsuranceEvent
  | LiquidationAdlEvent
  | LiquidationBackstopEvent;

/** A plain, self-contained copy of an event with exactly the fields its type carries. */
export function eventToObject(e: EngineEvent): EventObject {
  switch (e.type) {
    case "accepted": {
      const o: AcceptedEvent = { seq: e.seq, ts: e.ts, type: "accepted", command: e.command ?? "tick" };
      switch (o.command) {
        case "limit":
          o.id = e.id ?? 0;
          o.symbol = e.symbol;
          o.side = e.side;
          o.price = e.price;
          o.qty = e.qty;
          o.tif = e.tif;
          if (e.account !== null) o.account = e.account;
          if (e.postOnly) o.postOnly = true;
          if (e.reduceOnly) o.reduceOnly = true;
          break;
        case "market":
          o.id = e.id ?? 0;
          o.symbol = e.symbol;
          o.side = e.side;
          o.qty = e.qty;
          if (e.account !== null) o.account = e.account;
          if (e.reduceOnly) o.reduceOnly = true;
          break;
        case "cancel":
        case "modify":
          o.id = e.id ?? 0;
          break;
        case "instrument":
          o.symbol = e.symbol;
          break;
        case "deposit":
        case "withdraw":
          o.account = e.account ?? "";
          o.amount = e.amount;
          break;
        case "oracle":
          o.symbol = e.symbol;
          o.price = e.price;
          break;
        case "tick":
          break;
        case "backstop":
          o.symbol = e.symbol;
          o.account = e.account ?? "";
          break;
      }
      return o;
    }
    case "rejected": {
      const o = { seq: e.seq, ts: e.ts, type: "rejected" } as RejectedEvent;
      if (e.command !== null) o.command = e.command;
      if (e.id !== null) o.id = e.id;
      o.reason = e.reason;
      if (e.line > 0) o.line = e.line;
      return o;
    }
    case "fill":
      return {
        seq: e.seq,
        ts: e.ts,
        type: "fill",
        symbol: e.symbol,
        price: e.price,
        qty: e.qty,
        takerSide: e.side,
        makerId: e.makerId,
        takerId: e.takerId,
        makerAccount: e.makerAccount,
        takerAccount: e.takerAccount,
        makerRemaining: e.makerRemaining,
        takerRemaining: e.takerRemaining,
        liquidation: e.liquidation,
      };
    case "cancelled":
      return {
        seq: e.seq,
        ts: e.ts,
        type: "cancelled",
        id: e.id ?? 0,
        symbol: e.symbol,
        remaining: e.remaining,
        reason: e.reason,
      };
    case "modified": {
      const o: ModifiedEvent = {
        seq: e.seq,
        ts: e.ts,
        type: "modified",
        id: e.id ?? 0,
        symbol: e.symbol,
        price: e.price,
        qty: e.qty,
        prevPrice: e.prevPrice,
        prevQty: e.prevQty,
        priorityKept: e.priorityKept,
      };
      if (e.reason !== "") o.reason = e.reason;
      return o;
    }
    case "liquidation_stage":
      return {
        seq: e.seq,
        ts: e.ts,
        type: "liquidation_stage",
        account: e.account ?? "",
        stage: e.stage,
        healthPpm: Number.isNaN(e.healthPpm) ? null : e.healthPpm,
        equity: e.equity,
        maintenanceMargin: e.maintenanceMargin,
      };
    case "liquidation_order":
      return {
        seq: e.seq,
        ts: e.ts,
        type: "liquidation_order",
        account: e.account ?? "",
        symbol: e.symbol,
        id: e.id ?? 0,
        side: e.side,
        price: e.price,
        qty: e.qty,
      };
    case "liquidation_reduced":
      return {
        seq: e.seq,
        ts: e.ts,
        type: "liquidation_reduced",
        account: e.account ?? "",
        symbol: e.symbol,
        qty: e.qty,
        notional: e.notional,
        penalty: e.penalty,
        position: e.position,
      };
    case "liquidation_insurance":
      return {
        seq: e.seq,
        ts: e.ts,
        type: "liquidation_insurance",
        account: e.account ?? "",
        badDebt: e.badDebt,
        amount: e.amount,
        insuranceFund: e.insuranceFund,
      };
    case "liquidation_adl":
      return {
        seq: e.seq,
        ts: e.ts,
        type: "liquidation_adl",
        account: e.account ?? "",
        counterparty: e.counterparty,
        symbol: e.symbol,
        side: e.side,
        price: e.price,
        qty: e.qty,
      };
    case "liquidation_backstop":
      return {
        seq: e.seq,
        ts: e.ts,
        type: "liquidation_backstop",
        account: e.account ?? "",
        backstop: e.counterparty,
        symbol: e.symbol,
        side: e.side,
        price: e.price,
        qty: e.qty,
      };
  }
}

/** One JSONL line (without the newline), for files and pipes: JSON.stringify(eventToObject(e))'s text. */
export function eventToJson(e: EngineEvent): string {
  switch (e.type) {
    case "accepted":
      switch (e.command ?? "tick") {
        case "limit": {
          const account = e.account !== null ? `,"account":${quote(e.account)}` : "";
          const postOnly = e.postOnly ? `,"postOnly":true` : "";
          const reduceOnly = e.reduceOnly ? `,"reduceOnly":true` : "";
          return `{"seq":${e.seq},"ts":${e.ts},"type":"accepted","command":"limit","id":${idJson(e.id ?? 0)},"symbol":${quote(e.symbol)},"side":"${e.side}","price":${e.price},"qty":${e.qty},"tif":"${e.tif}"${account}${postOnly}${reduceOnly}}`;
        }
        case "market": {
          const account = e.account !== null ? `,"account":${quote(e.account)}` : "";
          const reduceOnly = e.reduceOnly ? `,"reduceOnly":true` : "";
          return `{"seq":${e.seq},"ts":${e.ts},"type":"accepted","command":"market","id":${idJson(e.id ?? 0)},"symbol":${quote(e.symbol)},"side":"${e.side}","qty":${e.qty}${account}${reduceOnly}}`;
        }
        case "cancel":
          return `{"seq":${e.seq},"ts":${e.ts},"type":"accepted","command":"cancel","id":${idJson(e.id ?? 0)}}`;
        case "modify":
          return `{"seq":${e.seq},"ts":${e.ts},"type":"accepted","command":"modify","id":${idJson(e.id ?? 0)}}`;
        case "instrument":
          return `{"seq":${e.seq},"ts":${e.ts},"type":"accepted","command":"instrument","symbol":${quote(e.symbol)}}`;
        case "deposit":
          return `{"seq":${e.seq},"ts":${e.ts},"type":"accepted","command":"deposit","account":${quote(e.account ?? "")},"amount":${e.amount}}`;
        case "withdraw":
          return `{"seq":${e.seq},"ts":${e.ts},"type":"accepted","command":"withdraw","account":${quote(e.account ?? "")},"amount":${e.amount}}`;
        case "oracle":
          return `{"seq":${e.seq},"ts":${e.ts},"type":"accepted","command":"oracle","symbol":${quote(e.symbol)},"price":${e.price}}`;
        case "backstop":
          return `{"seq":${e.seq},"ts":${e.ts},"type":"accepted","command":"backstop","symbol":${quote(e.symbol)},"account":${quote(e.account ?? "")}}`;
        default: // tick
          return `{"seq":${e.seq},"ts":${e.ts},"type":"accepted","command":"tick"}`;
      }
    case "rejected": {
      const command = e.command !== null ? `,"command":"${e.command}"` : "";
      const id = e.id !== null ? `,"id":${idJson(e.id)}` : "";
      const line = e.line > 0 ? `,"line":${e.line}` : "";
      return `{"seq":${e.seq},"ts":${e.ts},"type":"rejected"${command}${id},"reason":${quote(e.reason)}${line}}`;
    }
    case "fill":
      return `{"seq":${e.seq},"ts":${e.ts},"type":"fill","symbol":${quote(e.symbol)},"price":${e.price},"qty":${e.qty},"takerSide":"${e.side}","makerId":${idJson(e.makerId)},"takerId":${idJson(e.takerId)},"makerAccount":${nullableJson(e.makerAccount)},"takerAccount":${nullableJson(e.takerAccount)},"makerRemaining":${e.makerRemaining},"takerRemaining":${e.takerRemaining},"liquidation":${e.liquidation}}`;
    case "cancelled":
      return `{"seq":${e.seq},"ts":${e.ts},"type":"cancelled","id":${idJson(e.id ?? 0)},"symbol":${quote(e.symbol)},"remaining":${e.remaining},"reason":${quote(e.reason)}}`;
    case "modified": {
      const reason = e.reason !== "" ? `,"reason":${quote(e.reason)}` : "";
      return `{"seq":${e.seq},"ts":${e.ts},"type":"modified","id":${idJson(e.id ?? 0)},"symbol":${quote(e.symbol)},"price":${e.price},"qty":${e.qty},"prevPrice":${e.prevPrice},"prevQty":${e.prevQty},"priorityKept":${e.priorityKept}${reason}}`;
    }
    case "liquidation_stage":
      return `{"seq":${e.seq},"ts":${e.ts},"type":"liquidation_stage","account":${quote(e.account ?? "")},"stage":${quote(e.stage)},"healthPpm":${Number.isNaN(e.healthPpm) ? "null" : e.healthPpm},"equity":${e.equity},"maintenanceMargin":${e.maintenanceMargin}}`;
    case "liquidation_order":
      return `{"seq":${e.seq},"ts":${e.ts},"type":"liquidation_order","account":${quote(e.account ?? "")},"symbol":${quote(e.symbol)},"id":${idJson(e.id ?? 0)},"side":"${e.side}","price":${e.price},"qty":${e.qty}}`;
    case "liquidation_reduced":
      return `{"seq":${e.seq},"ts":${e.ts},"type":"liquidation_reduced","account":${quote(e.account ?? "")},"symbol":${quote(e.symbol)},"qty":${e.qty},"notional":${e.notional},"penalty":${e.penalty},"position":${e.position}}`;
    case "liquidation_insurance":
      return `{"seq":${e.seq},"ts":${e.ts},"type":"liquidation_insurance","account":${quote(e.account ?? "")},"badDebt":${e.badDebt},"amount":${e.amount},"insuranceFund":${e.insuranceFund}}`;
    case "liquidation_adl":
      return `{"seq":${e.seq},"ts":${e.ts},"type":"liquidation_adl","account":${quote(e.account ?? "")},"counterparty":${quote(e.counterparty)},"symbol":${quote(e.symbol)},"side":"${e.side}","price":${e.price},"qty":${e.qty}}`;
    case "liquidation_backstop":
      return `{"seq":${e.seq},"ts":${e.ts},"type":"liquidation_backstop","account":${quote(e.account ?? "")},"backstop":${quote(e.counterparty)},"symbol":${quote(e.symbol)},"side":"${e.side}","price":${e.price},"qty":${e.qty}}`;
  }
}
