import { expect } from "vitest";
import { validateInternalState } from "../engine/consistency.js";
import { MatchingEngine } from "../engine/engine.js";
import type { Command, OrderId, Side } from "../protocol/commands.js";
import { type EventObject, eventToObject } from "../protocol/events.js";

/** An engine whose events are copied into `events` as plain objects. */
export function recordingEngine(): { engine: MatchingEngine; events: EventObject[] } {
  const events: EventObject[] = [];
  const engine = new MatchingEngine({ onEvent: (e) => events.push(eventToObject(e)) });
  return { engine, events };
}

/** Applies `commands` and returns the events of the last one only. */
export function run(engine: MatchingEngine, events: EventObject[], ...commands: Command[]): EventObject[] {
  let from = events.length;
  for (const command of commands) {
    from = events.length;
    engine.apply(command);
  }
  return events.slice(from);
}

/** Applies anything (valid or not) and returns its events. */
export function applyRaw(engine: MatchingEngine, events: EventObject[], input: unknown, line = 0): EventObject[] {
  const from = events.length;
  engine.applyInput(input, line);
  return events.slice(from);
}

export function typesOf(events: readonly EventObject[]): string[] {
  return events.map((e) =>
    e.type === "rejected" ? `rejected:${e.reason}` : e.type === "cancelled" ? `cancelled:${e.reason}` : e.type,
  );
}

/** Events without seq and ts, for comparing what happened rather than when. */
export function strip(events: readonly EventObject[]): Record<string, unknown>[] {
  return events.map((e) => {
    const { seq: _seq, ts: _ts, ...rest } = e;
    return rest;
  });
}

/** The fills among `events` as [makerId, price, qty]. */
export function fillsOf(events: readonly EventObject[]): [OrderId, number, number][] {
  const out: [OrderId, number, number][] = [];
  for (const e of events) if (e.type === "fill") out.push([e.makerId, e.price, e.qty]);
  return out;
}

/** One side's resting orders, best first and in queue order, as [id, price, open]. */
export function queueOf(engine: MatchingEngine, side: Side, symbol = "X"): [OrderId, number, number][] {
  return engine.restingOrders(symbol, side).map((o) => [o.id, o.price, o.open]);
}

export function expectConsistent(engine: MatchingEngine): void {
  expect(validateInternalState(engine)).toEqual([]);
}

/** A GTC limit order on X, for short scenarios. */
export function limit(
  id: OrderId,
  side: Side,
  price: number,
  qty: number,
  extra: Partial<Omit<Extract<Command, { type: "limit" }>, "type">> = {},
): Command {
  return { type: "limit", id, side, price, qty, ...extra };
}

/** A fresh engine with the given resting orders already applied. */
export function engineWith(...commands: Command[]): { engine: MatchingEngine; events: EventObject[] } {
  const r = recordingEngine();
  for (const c of commands) r.engine.apply(c);
  r.events.length = 0;
  return r;
}
