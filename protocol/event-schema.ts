/**
 * The events, once: every event type and its fields in the contract's order (CONTRACT.md, Events).
 * The reused record (EngineEvent), the plain objects (eventToObject), the JSONL line (eventToJson),
 * its bytes (EventBytesEncoder) and the wire layout (worker/wire/event-codec.ts) are generated from this
 * table by `npm run generate:events` (tools/generate-events.ts) into the `*.generated.ts` files,
 * and test/event-schema.test.ts fails while they are stale. A new event type is one entry here; a
 * new field one line (and the code that sets it on the record).
 *
 * Field kinds say what a value is and so how each form carries it:
 *   int         a safe integer                         JSON number; wire: a slot
 *   intOrNull   a safe integer or none (NaN)           JSON number or null; wire: a slot
 *   bool        true / false                           JSON boolean; wire: a header bit
 *   text        a string                               JSON string; wire: an interned string
 *   symbol      an instrument's symbol (text)          as text, with the wire's symbol cache
 *   textOrNull  a string or null                       JSON string or null; wire: interned or 0
 *   orderId     an order id (number or string)         JSON number or string; wire: a slot
 *   idOrNull    an order id or null                    as orderId; wire: 0 for null
 *   side, tif, command   one of the names in ENUMS     JSON string, written raw; wire: header bits
 */
import { COMMAND_TYPES, SIDE_NAMES, TIF_NAMES } from "./commands.js";

export type FieldKind =
  | "int"
  | "intOrNull"
  | "bool"
  | "text"
  | "symbol"
  | "textOrNull"
  | "orderId"
  | "idOrNull"
  | "side"
  | "tif"
  | "command";

/**
 * The names a side, time in force or command may take, code 0 first: the wire sends a name as its
 * index (anything else as 0). `nullable`: the record may hold null instead (code 0, then the names).
 */
export const ENUMS = {
  side: { values: SIDE_NAMES, nullable: false },
  tif: { values: ["", ...TIF_NAMES], nullable: false },
  command: { values: COMMAND_TYPES, nullable: true },
} as const;

/** The fields of a command that its own events repeat (worker/wire/command-codec.ts: SentFields). */
export type CommandField = "id" | "symbol" | "price" | "qty" | "account" | "amount";

export interface FieldSpec {
  /** The JSON key and the plain object's property. */
  key: string;
  /** The record's property, when it is not `key` (a fill's takerSide is the record's side). */
  field?: string;
  kind: FieldKind;
  /**
   * Written only when the record's value is not null, not empty, above zero or true (a flag:
   * written `true`). Without it the field is always written, null as `nullAs`.
   */
  when?: "nonNull" | "nonEmpty" | "positive" | "true";
  /** What a null record value is written as (without it, JSON null). */
  nullAs?: string | number;
  /**
   * The command field this repeats when the event is the command's own (an acceptance's fields, a
   * fill's taker, a cancellation's order): the wire leaves it out and the receiver fills it in.
   */
  sent?: CommandField;
  /** What the record's property holds (on its first use). */
  doc?: string;
  /**
   * A text field's values as a TypeScript union (a reason code, a stage name): the plain object's
   * type; the record's property holds the union of its fields' types, or "".
   */
  textType?: TextType;
}

/** The named unions text fields may carry, and the module (beside the generated files) each comes from. */
export const TEXT_TYPES = {
  RejectCode: "./reject-codes.js",
  CancelReason: "./reject-codes.js",
  ModifyReason: "./reject-codes.js",
  LiquidationStage: "./liquidation-stages.js",
} as const;
export type TextType = keyof typeof TEXT_TYPES;

export interface EventSpec {
  type: string;
  doc: string;
  fields: readonly FieldSpec[];
  /**
   * Fields that follow `fields`, by the value of the field `by` (an acceptance's, by its command;
   * a null value reads as that field's `nullAs`).
   */
  variants?: { by: string; cases: Readonly<Record<string, readonly FieldSpec[]>> };
  /**
   * The event is its command: each field is the CommandRecord's property of that name (`command`
   * its `type`, an id null when it had none, names from the record's codes). The engine hands the
   * sink the record itself, so the worker writes the event from it without filling an EngineEvent.
   */
  fromCommand?: true;
}

// An acceptance repeats its command's fields; all of them travel "as sent".
const commandId: FieldSpec = { key: "id", kind: "idOrNull", nullAs: 0, sent: "id" };
const commandSymbol: FieldSpec = { key: "symbol", kind: "symbol", sent: "symbol" };
const commandSide: FieldSpec = { key: "side", kind: "side" };
const commandPrice: FieldSpec = { key: "price", kind: "int", sent: "price" };
const commandQty: FieldSpec = { key: "qty", kind: "int", sent: "qty" };
const commandAccount: FieldSpec = { key: "account", kind: "textOrNull", when: "nonNull", sent: "account" };
const commandAmount: FieldSpec = { key: "amount", kind: "int", sent: "amount" };
const reduceOnly: FieldSpec = { key: "reduceOnly", kind: "bool", when: "true" };
const depositAccount: FieldSpec = { key: "account", kind: "textOrNull", nullAs: "", sent: "account" };
const liquidatedAccount: FieldSpec = { key: "account", kind: "textOrNull", nullAs: "" };

/** The events in the contract's order; `seq`, `ts` and `type` head every one. */
export const EVENT_SCHEMA: readonly EventSpec[] = [
  {
    type: "accepted",
    doc: "A command was applied; the fields are the command's own, as validated.",
    fromCommand: true,
    fields: [
      {
        key: "command",
        kind: "command",
        nullAs: "tick",
        doc: "accepted/rejected: the command's type; null when a rejected line had none.",
      },
    ],
    variants: {
      by: "command",
      cases: {
        limit: [
          commandId,
          commandSymbol,
          commandSide,
          commandPrice,
          commandQty,
          { key: "tif", kind: "tif" },
          commandAccount,
          { key: "postOnly", kind: "bool", when: "true" },
          reduceOnly,
        ],
        market: [commandId, commandSymbol, commandSide, commandQty, commandAccount, reduceOnly],
        cancel: [commandId],
        modify: [commandId],
        instrument: [commandSymbol],
        deposit: [depositAccount, commandAmount],
        withdraw: [depositAccount, commandAmount],
        oracle: [commandSymbol, commandPrice],
        tick: [],
        backstop: [commandSymbol, depositAccount],
      },
    },
  },
  {
    type: "rejected",
    doc: "A command was refused and changed nothing: `reason` is a stable code, `line` the file line it came from.",
    fields: [
      { key: "command", kind: "command", when: "nonNull" },
      { key: "id", kind: "idOrNull", when: "nonNull" },
      { key: "reason", kind: "text", textType: "RejectCode" },
      { key: "line", kind: "int", when: "positive" },
    ],
  },
  {
    type: "fill",
    doc: "A trade of `qty` lots at `price` between a resting maker and the taker; `liquidation` on the liquidator's own child orders.",
    fields: [
      { key: "symbol", kind: "symbol", sent: "symbol" },
      { key: "price", kind: "int" },
      { key: "qty", kind: "int" },
      { key: "takerSide", field: "side", kind: "side" },
      { key: "makerId", kind: "orderId" },
      { key: "takerId", kind: "orderId", sent: "id" },
      { key: "makerAccount", kind: "textOrNull" },
      { key: "takerAccount", kind: "textOrNull", sent: "account" },
      { key: "makerRemaining", kind: "int" },
      { key: "takerRemaining", kind: "int" },
      { key: "liquidation", kind: "bool" },
    ],
  },
  {
    type: "cancelled",
    doc: "An order left the book (or a taker's rest expired): `remaining` lots open, and why.",
    fields: [
      { key: "id", kind: "idOrNull", nullAs: 0, sent: "id" },
      { key: "symbol", kind: "symbol", sent: "symbol" },
      { key: "remaining", kind: "int", doc: "cancelled: the open quantity removed." },
      { key: "reason", kind: "text", textType: "CancelReason" },
    ],
  },
  {
    type: "modified",
    doc: "An order's price or quantity changed; `reason` only when the engine, not the user, changed it (REDUCE_ONLY).",
    fields: [
      { key: "id", kind: "idOrNull", nullAs: 0 },
      { key: "symbol", kind: "symbol" },
      { key: "price", kind: "int" },
      { key: "qty", kind: "int" },
      { key: "prevPrice", kind: "int" },
      { key: "prevQty", kind: "int" },
      { key: "priorityKept", kind: "bool" },
      { key: "reason", kind: "text", when: "nonEmpty", textType: "ModifyReason" },
    ],
  },
  {
    type: "liquidation_stage",
    doc: 'An account\'s liquidation stage changed: "breach" (health below 100%), "bankrupt" (equity below zero) or "restored" (health back at 100% or more; healthPpm null when no position is left).',
    fields: [
      liquidatedAccount,
      {
        key: "stage",
        kind: "text",
        textType: "LiquidationStage",
        doc: "liquidation_stage: the stage entered (breach, stage2, bankrupt, unrestorable, preemptive, restored).",
      },
      {
        key: "healthPpm",
        kind: "intOrNull",
        doc: "liquidation_*: the account's health (equity / maintenance margin, ppm) at the event; NaN: no position (null in JSON).",
      },
      { key: "equity", kind: "int" },
      { key: "maintenanceMargin", kind: "int" },
    ],
  },
  {
    type: "liquidation_order",
    doc: "The liquidator sent a child order: an immediate-or-cancel, reduce-only order of `account`.",
    fields: [
      liquidatedAccount,
      { key: "symbol", kind: "symbol" },
      { key: "id", kind: "idOrNull", nullAs: 0 },
      { key: "side", kind: "side" },
      { key: "price", kind: "int" },
      { key: "qty", kind: "int" },
    ],
  },
  {
    type: "liquidation_reduced",
    doc: "A child order closed `qty` lots of `notional` quote units; `penalty` went to the insurance fund.",
    fields: [
      liquidatedAccount,
      { key: "symbol", kind: "symbol" },
      { key: "qty", kind: "int" },
      {
        key: "notional",
        kind: "int",
        doc: "liquidation_reduced: quote units closed (Σ price × qty of the child's fills) and the penalty on them.",
      },
      { key: "penalty", kind: "int" },
      { key: "position", kind: "int", doc: "liquidation_reduced: the position left (signed lots)." },
    ],
  },
  {
    type: "liquidation_insurance",
    doc: "An account left flat owed `badDebt`; the insurance fund paid `amount` of it and holds `insuranceFund`.",
    fields: [
      liquidatedAccount,
      {
        key: "badDebt",
        kind: "int",
        doc: "liquidation_insurance: the shortfall of an account left flat with negative collateral.",
      },
      { key: "amount", kind: "int" },
      { key: "insuranceFund", kind: "int", doc: "liquidation_insurance: the fund after paying." },
    ],
  },
  {
    type: "liquidation_adl",
    doc: "Auto-deleveraging: `qty` lots of `account`'s position passed to `counterparty` at `price` (the bankruptcy price); `side` is the bankrupt account's side of that trade.",
    fields: [
      liquidatedAccount,
      {
        key: "counterparty",
        kind: "text",
        doc: "liquidation_adl: the account that took the position over; liquidation_backstop: the backstop.",
      },
      { key: "symbol", kind: "symbol" },
      { key: "side", kind: "side" },
      { key: "price", kind: "int" },
      { key: "qty", kind: "int" },
    ],
  },
  {
    type: "liquidation_backstop",
    doc: "A backstop took `qty` lots of `account`'s position at `price` off the book; `side` is the liquidated account's side.",
    fields: [
      liquidatedAccount,
      { key: "backstop", field: "counterparty", kind: "text" },
      { key: "symbol", kind: "symbol" },
      { key: "side", kind: "side" },
      { key: "price", kind: "int" },
      { key: "qty", kind: "int" },
    ],
  },
];
