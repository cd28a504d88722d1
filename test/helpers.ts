import { Engine } from "../engine/engine.js";
import type { Command } from "../protocol/commands.js";
import { type EventObject, eventToObject } from "../protocol/events.js";

/** An engine whose events are copied into `events` as plain objects. */
export function recordingEngine(): { engine: Engine; events: EventObject[] } {
  const events: EventObject[] = [];
  const engine = new Engine({ onEvent: (e) => events.push(eventToObject(e)) });
  return { engine, events };
}

/** Applies `commands` and returns the events of the last one only. */
export function run(engine: Engine, events: EventObject[], ...commands: Command[]): EventObject[] {
  let from = events.length;
  for (const command of commands) {
    from = events.length;
    engine.apply(command);
  }
  return events.slice(from);
}

export function typesOf(events: readonly EventObject[]): string[] {
  return events.map((e) =>
    e.type === "rejected" ? `rejected:${e.reason}` : e.type === "cancelled" ? `cancelled:${e.reason}` : e.type,
  );
}
