/**
 * The engine's one event channel. The engine fills a single reused EngineEvent and hands it to the
 * listener: typed fields, no JSON and no strings built per event. A listener that keeps an event
 * copies it (`eventToObject`); JSON is made only at the edge (`eventToJson`).
 */
import type { CommandRecord, CommandType, OrderId, Side, SideCode } from "./commands.js";

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
  /** cancelled: the open quantity removed. */
  remaining = 0;
  reason = "";
  line = 0;
  account: string | null = null;
  amount = 0;
  tif = "";
  postOnly = false;
  reduceOnly = false;
  makerId: OrderId = 0;
  takerId: OrderId = 0;
  makerAccount: string | null = null;
  takerAccount: string | null = null;
  makerRemaining = 0;
  takerRemaining = 0;
  liquidation = false;
  prevPrice = 0;
  prevQty = 0;
  priorityKept = false;
  /** liquidation_stage: the stage entered ("breach", "bankrupt", "restored"). */
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
  /** liquidation_insurance: the shortfall of an account left flat with negative collateral, and the fund after paying. */
  badDebt = 0;
  insuranceFund = 0;
  /** liquidation_adl: the account that took the position over; liquidation_backstop: the backstop. */
  counterparty = "";
}

export type EventListener = (event: EngineEvent) => void;

/**
 * Takes events as their fields, with no EngineEvent filled in between: the worker writes them
 * straight to the wire this way. The fields are those the event's JSON carries; `other` gets the
 * events that are only ever built as objects (the liquidator's).
 */
export interface EventFieldSink {
  accepted(seq: number, ts: number, cmd: CommandRecord): void;
  rejected(
    seq: number,
    ts: number,
    command: CommandType | null,
    id: OrderId | null,
    reason: string,
    line: number,
  ): void;
  fill(
    seq: number,
    ts: number,
    symbol: string,
    price: number,
    qty: number,
    takerSide: SideCode,
    makerId: OrderId,
    takerId: OrderId,
    makerAccount: string | null,
    takerAccount: string | null,
    makerRemaining: number,
    takerRemaining: number,
    liquidation: boolean,
  ): void;
  cancelled(seq: number, ts: number, id: OrderId, symbol: string, remaining: number, reason: string): void;
  modified(
    seq: number,
    ts: number,
    id: OrderId,
    symbol: string,
    price: number,
    qty: number,
    prevPrice: number,
    prevQty: number,
    priorityKept: boolean,
    reason: string,
  ): void;
  other(e: EngineEvent): void;
}

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
  amount?: number;
  postOnly?: true;
  reduceOnly?: true;
}

export interface RejectedEvent {
  seq: number;
  ts: number;
  type: "rejected";
  command?: CommandType;
  id?: OrderId;
  reason: string;
  line?: number;
}

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

export interface CancelledEvent {
  seq: number;
  ts: number;
  type: "cancelled";
  id: OrderId;
  symbol: string;
  remaining: number;
  reason: string;
}

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
  /** Only when the engine, not the user, changed the order (e.g. REDUCE_ONLY). */
  reason?: string;
}

/**
 * An account's liquidation stage changed: "breach" (health below 100%), "bankrupt" (equity below
 * zero) or "restored" (health back at 100% or more; healthPpm null when no position is left).
 */
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

/**
 * Auto-deleveraging: `qty` lots of `account`'s position passed to `counterparty` at `price` (the
 * bankruptcy price); `side` is the bankrupt account's side of that trade.
 */
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

/** A backstop took `qty` lots of `account`'s position at `price`; `side` is the liquidated account's side. */
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

function acceptedObject(e: EngineEvent): AcceptedEvent {
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
    case "oracle":
      o.symbol = e.symbol;
      o.price = e.price;
      break;
    case "deposit":
    case "withdraw":
      o.account = e.account ?? "";
      o.amount = e.amount;
      break;
    case "backstop":
      o.symbol = e.symbol;
      o.account = e.account ?? "";
      break;
    case "tick":
      break;
  }
  return o;
}

/** A plain, self-contained copy of an event with exactly the fields its type carries. */
export function eventToObject(e: EngineEvent): EventObject {
  switch (e.type) {
    case "accepted":
      return acceptedObject(e);
    case "rejected": {
      // Built field by field so that the JSON reads seq, ts, type, command, id, reason, line.
      const r = { seq: e.seq, ts: e.ts, type: "rejected" } as RejectedEvent;
      if (e.command !== null) r.command = e.command;
      if (e.id !== null) r.id = e.id;
      r.reason = e.reason;
      if (e.line > 0) r.line = e.line;
      return r;
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
      const m: ModifiedEvent = {
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
      if (e.reason !== "") m.reason = e.reason;
      return m;
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
  }
}
