/**
 * Faults on purpose, for the crash tests: a client started with `workerUrl: FAULTY_WORKER_URL`
 * runs test/support/faulty-worker.ts, the normal worker host wrapped, and `FaultPlan.at` tells it
 * where in the command stream to fail. Orders travel on a BroadcastChannel, which the worker polls
 * before each batch: an order posted before the command it names is sent is always seen in time.
 * One plan at a time in a test process (the channel's name is fixed; the worker cannot be told another).
 */
import { BroadcastChannel } from "node:worker_threads";

export const FAULT_CHANNEL = "softliq-test-faults";

/** The built entry (worker threads run JavaScript: test/build-once.ts builds it into dist/). */
export const FAULTY_WORKER_URL = new URL("../../dist/test/support/faulty-worker.js", import.meta.url);

export type Fault =
  /** An uncaught exception. */
  | { kind: "throw" }
  /** process.exit before the command. */
  | { kind: "exit" }
  /** The rest of the batch, from the command on, is journaled; the worker dies before running it. */
  | { kind: "after-journal" }
  /**
   * The worker dies in the middle of its work: after writing `records` more event records from the
   * command on (events half written, unpublished, or a command partly delivered), at the latest
   * at the end of that batch.
   */
  | { kind: "mid-command"; records: number };

export interface FaultOrder {
  /** The journal index of the command the fault comes before (from 0 without a journal). */
  at: number;
  fault: Fault;
}

export class FaultPlan {
  private readonly channel = new BroadcastChannel(FAULT_CHANNEL);
  private static open = false;

  constructor() {
    if (FaultPlan.open) throw new Error("FaultPlan: one plan at a time (close the other first)");
    FaultPlan.open = true;
    this.channel.unref();
  }

  /** The worker fails as it reaches the command at journal index `at`. */
  at(at: number, fault: Fault): void {
    const order: FaultOrder = { at, fault };
    this.channel.postMessage(order);
  }

  close(): void {
    this.channel.close();
    FaultPlan.open = false;
  }
}
