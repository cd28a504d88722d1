/**
 * The worker thread's entry: builds the host (recovering from the journal when there is one) and
 * runs the loop that feeds it command batches (worker-loop.ts).
 */
import { parentPort, workerData } from "node:worker_threads";
import { EngineHost } from "./engine-host.js";
import { runWorker, type WorkerConfig } from "./worker-loop.js";

runWorker(workerData as WorkerConfig, parentPort, (options, sink) => new EngineHost(options, sink));
