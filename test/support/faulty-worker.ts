/**
 * A test-only worker entry (see fault-plan.ts): the production loop and EngineHost, with a host
 * wrapper that fails where a FaultPlan said. Loaded through EngineClient's `workerUrl` option, so
 * the production worker has no fault switch.
 */
import { BroadcastChannel, type MessagePort, parentPort, receiveMessageOnPort, workerData } from "node:worker_threads";
import { EngineHost, type EventSink } from "../../worker/engine-host.js";
import { KIND_COMMAND, KIND_CONTROL, KIND_REJECT_LINE } from "../../worker/wire/records.js";
import { type BatchHost, runWorker, type WorkerConfig } from "../../worker/worker-loop.js";
import { FAULT_CHANNEL, type FaultOrder } from "./fault-plan.js";

/** The worker's event sink, able to die after a number of further records. */
class DyingSink implements EventSink {
  private left = -1;

  constructor(private readonly inner: EventSink) {}

  get f64(): Float64Array {
    return this.inner.f64;
  }

  get u16(): Uint16Array {
    return this.inner.u16;
  }

  get flushes(): number {
    return this.inner.flushes;
  }

  get maxRecordSlots(): number {
    return this.inner.maxRecordSlots;
  }

  reserve(n: number): number {
    if (this.left === 0) process.exit(3);
    if (this.left > 0) this.left--;
    return this.inner.reserve(n);
  }

  flush(): void {
    this.inner.flush();
  }

  dieAfter(records: number): void {
    this.left = records;
  }
}

class FaultyHost implements BatchHost {
  private readonly orders: FaultOrder[] = [];

  constructor(
    private readonly host: EngineHost,
    private readonly sink: DyingSink,
    private readonly channel: BroadcastChannel,
  ) {}

  get closed(): boolean {
    return this.host.closed;
  }

  idle(): void {
    this.host.idle();
  }

  runBatch(f64: Float64Array, u16: Uint16Array, i32: Int32Array, positions: Int32Array, n: number): void {
    // Node takes a BroadcastChannel here since 15.12; @types/node 20 still says MessagePort.
    const port = this.channel as unknown as MessagePort;
    for (let m = receiveMessageOnPort(port); m !== undefined; m = receiveMessageOnPort(port)) {
      this.orders.push(m.message as FaultOrder);
    }
    const order = this.orders[0];
    const cut = order === undefined ? -1 : this.recordsBefore(order.at, f64, positions, n);
    if (order === undefined || cut < 0) {
      this.host.runBatch(f64, u16, i32, positions, n);
      return;
    }
    this.orders.shift();
    if (cut > 0) this.host.runBatch(f64, u16, i32, positions, cut);
    const rest = positions.subarray(cut, n);
    const fault = order.fault;
    switch (fault.kind) {
      case "throw":
        throw new Error("injected fault");
      case "exit":
        process.exit(3);
        break;
      case "after-journal":
        this.host.journalBatch(f64, i32, rest, n - cut);
        process.exit(3);
        break;
      case "mid-command":
        this.sink.dieAfter(fault.records);
        this.host.runBatch(f64, u16, i32, rest, n - cut);
        process.exit(3);
    }
  }

  /**
   * How many of the batch's records come before the command at journal index `at` (-1: it is not
   * in this batch). The records a command needs (interned strings, its spec) go with it.
   */
  private recordsBefore(at: number, f64: Float64Array, positions: Int32Array, n: number): number {
    let index = this.host.nextIndex;
    let start = 0;
    for (let i = 0; i < n; i++) {
      const kind = (f64[positions[i] as number] as number) & 15;
      if (kind === KIND_COMMAND || kind === KIND_REJECT_LINE) {
        if (index >= at) return start;
        index++;
        start = i + 1;
      } else if (kind === KIND_CONTROL) {
        start = i + 1;
      }
    }
    return -1;
  }
}

// Listening before the host exists: the host's ready signal lets the test go on and post orders.
const channel = new BroadcastChannel(FAULT_CHANNEL);
channel.unref(); // the worker must still exit when its loop ends

runWorker(workerData as WorkerConfig, parentPort, (options, sink) => {
  const dying = new DyingSink(sink);
  return new FaultyHost(new EngineHost(options, dying), dying, channel);
});
