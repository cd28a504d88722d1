/**
 * The worker thread's loop: feeds a host command batches, from the shared ring (blocking in
 * Atomics.wait between batches) or, in the fallback, from transferred message buffers. The entry
 * (engine-worker.ts) chooses the host; a host that wraps EngineHost can run in its place.
 */
import type { MessagePort } from "node:worker_threads";
import type { EventSink, HostOptions } from "./engine-host.js";
import { recordSlots } from "./wire/record-size.js";
import { KIND_CONTROL } from "./wire/records.js";
import { RING_WRITE, RingReader } from "./wire/ring.js";
import { BlockingRingSink, MessageSink } from "./worker-sinks.js";

export interface WorkerConfig {
  transport: "ring" | "message";
  commandRing: SharedArrayBuffer | null;
  eventRing: SharedArrayBuffer | null;
  host: HostOptions;
  /** Records taken per batch at most (the journal writes one frame a batch). */
  maxBatch: number;
}

/** What the loop drives (EngineHost). */
export interface BatchHost {
  readonly closed: boolean;
  /** Runs the records at `positions[0..n)`: at most one control record, and it last. */
  runBatch(f64: Float64Array, u16: Uint16Array, i32: Int32Array, positions: Int32Array, n: number): void;
  /** Between batches (the interval fsync policy's clock). */
  idle(): void;
}

export type HostFactory = (options: HostOptions, sink: EventSink) => BatchHost;

export function runWorker(config: WorkerConfig, port: MessagePort | null, createHost: HostFactory): void {
  if (port === null) throw new Error("engine-worker must run in a worker thread");
  const positions = new Int32Array(config.maxBatch);
  if (config.transport === "ring") runRing(config, positions, createHost);
  else runMessages(config, port, positions, createHost);
}

function runRing(cfg: WorkerConfig, positions: Int32Array, createHost: HostFactory): void {
  if (cfg.commandRing === null || cfg.eventRing === null) throw new Error("ring transport without rings");
  const reader = new RingReader(cfg.commandRing);
  const host = createHost(cfg.host, new BlockingRingSink(cfg.eventRing));
  const idleWait = cfg.host.fsync.kind === "interval" ? cfg.host.fsync.ms : 1000;
  const { f64, u16, i32 } = reader;
  while (!host.closed) {
    let n = 0;
    for (let at = reader.next(); at >= 0; at = reader.next()) {
      positions[n++] = at;
      reader.advance(recordSlots(f64, at));
      if (((f64[at] as number) & 15) === KIND_CONTROL || n === positions.length) break;
    }
    if (n === 0) {
      host.idle();
      if (reader.closed) break;
      Atomics.wait(reader.header, RING_WRITE, reader.lastWrite, idleWait);
      continue;
    }
    host.runBatch(f64, u16, i32, positions, n);
    reader.commit();
  }
}

function runMessages(cfg: WorkerConfig, port: MessagePort, positions: Int32Array, createHost: HostFactory): void {
  const host = createHost(cfg.host, new MessageSink(port));
  const timer = cfg.host.fsync.kind === "interval" ? setInterval(() => host.idle(), cfg.host.fsync.ms).unref() : null;
  port.on("message", (batch: Float64Array) => {
    const f64 = batch;
    const u16 = new Uint16Array(batch.buffer, batch.byteOffset, batch.length * 4);
    const i32 = new Int32Array(batch.buffer, batch.byteOffset, batch.length * 2);
    let at = 0;
    while (at < f64.length && !host.closed) {
      let n = 0;
      while (at < f64.length) {
        positions[n++] = at;
        const kind = (f64[at] as number) & 15;
        at += recordSlots(f64, at);
        if (kind === KIND_CONTROL || n === positions.length) break;
      }
      host.runBatch(f64, u16, i32, positions, n);
    }
    if (host.closed) {
      if (timer !== null) clearInterval(timer);
      port.close();
    }
  });
}
