import { Engine, type EngineOptions } from "../exchange.js";
import type { Account } from "../liquidator/account.js";
import type { MarginEngine } from "../liquidator/margin-engine.js";
import type { Command } from "../protocol/commands.js";
import { type EventObject, eventToObject } from "../protocol/events.js";

export interface Margined {
  engine: Engine;
  margin: MarginEngine;
  events: EventObject[];
  /** Applies commands; returns the events of all of them. */
  run(...commands: Command[]): EventObject[];
  account(name: string): Account;
}

/** The composed engine (matching + margin), recording every event as a plain object. */
export function marginedEngine(options: Omit<EngineOptions, "onEvent"> = {}): Margined {
  const events: EventObject[] = [];
  const engine = new Engine({ ...options, onEvent: (e) => events.push(eventToObject(e)) });
  const margin = engine.marginEngine as MarginEngine;
  return {
    engine,
    margin,
    events,
    run(...commands) {
      const from = events.length;
      for (const c of commands) engine.apply(c);
      return events.slice(from);
    },
    account(name) {
      const a = margin.accounts.get(name);
      if (a === undefined) throw new Error(`no account ${name}`);
      return a;
    },
  };
}

export function rejectReasons(events: readonly EventObject[]): string[] {
  return events.flatMap((e) => (e.type === "rejected" ? [e.reason] : []));
}
