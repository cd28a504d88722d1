/** An async iterator over the event stream with a bounded buffer (EngineClient.eventStream). */
import Denque from "denque";
import type { EventObject } from "../protocol/events.js";
import type { Pending } from "./pending.js";

/** Who reads the events for the iterator: told when it may read again, or when the iterator is gone. */
export interface IteratorSource {
  iteratorChanged(it: EventIterator, removed: boolean): void;
}

export class EventIterator implements AsyncIterableIterator<EventObject> {
  private readonly buffer = new Denque<EventObject>();
  private waiting: Pending<IteratorResult<EventObject>> | null = null;
  private ended = false;
  private error: Error | null = null;

  constructor(
    private readonly source: IteratorSource,
    private readonly highWater: number,
  ) {}

  get full(): boolean {
    return this.buffer.length >= this.highWater;
  }

  /** Returns true when the buffer is full (the client pauses reading). */
  push(e: EventObject): boolean {
    const w = this.waiting;
    if (w !== null) {
      this.waiting = null;
      w.resolve({ value: e, done: false });
      return false;
    }
    this.buffer.push(e);
    return this.buffer.length >= this.highWater;
  }

  finish(err: Error | null): void {
    this.ended = true;
    this.error = err;
    const w = this.waiting;
    this.waiting = null;
    if (w === null) return;
    if (err === null) w.resolve({ value: undefined, done: true });
    else w.reject(err);
  }

  next(): Promise<IteratorResult<EventObject>> {
    if (this.buffer.length > 0) {
      const value = this.buffer.shift() as EventObject;
      if (this.buffer.length === this.highWater >>> 1) this.source.iteratorChanged(this, false);
      return Promise.resolve({ value, done: false });
    }
    if (this.ended) {
      return this.error === null ? Promise.resolve({ value: undefined, done: true }) : Promise.reject(this.error);
    }
    this.source.iteratorChanged(this, false);
    return new Promise((resolve, reject) => {
      this.waiting = { resolve, reject };
    });
  }

  return(): Promise<IteratorResult<EventObject>> {
    this.ended = true;
    this.buffer.clear();
    this.source.iteratorChanged(this, true);
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<EventObject> {
    return this;
  }
}
