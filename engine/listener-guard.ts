import type { EngineEvent, EventListener } from "../protocol/events.js";

/**
 * A listener threw. The command whose event it was has been applied in full (the engine finishes a
 * command before it reports): this error only says that the listener did not see it through.
 */
export class EventListenerError extends Error {
  constructor(
    /** The event the listener threw on. */
    readonly seq: number,
    readonly eventType: string,
    cause: unknown,
  ) {
    super(
      `the event listener threw on event ${seq} (${eventType}): ${cause instanceof Error ? cause.message : String(cause)}; the command was applied`,
      { cause },
    );
    this.name = "EventListenerError";
  }
}

/**
 * Calls a listener so that its throw cannot stop the engine half-way through a command (a fill
 * taken off the book but never booked to the accounts): the first error is kept and later events
 * still reach the listener; the caller takes the error once the command is complete.
 */
export class ListenerGuard {
  private failure: EventListenerError | null = null;
  readonly call: EventListener;

  constructor(listener: EventListener) {
    // One closure per listener, not per event.
    this.call = (e: EngineEvent): void => {
      try {
        listener(e);
      } catch (err) {
        this.failure ??= new EventListenerError(e.seq, e.type, err);
      }
    };
  }

  /** The first error since the last take, and forgets it. */
  take(): EventListenerError | null {
    const f = this.failure;
    this.failure = null;
    return f;
  }
}
