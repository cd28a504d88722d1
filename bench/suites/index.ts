import type { Suite } from "../context.js";
import { levelQueueSuite } from "../level-queue.bench.js";
import { latencySuite } from "./latency.js";
import { marginedFlowSuite } from "./margined-flow.js";
import { memorySuite } from "./memory.js";
import { mixedFlowSuite } from "./mixed-flow.js";
import { nativeSuite } from "./native.js";
import { primitivesSuite } from "./primitives.js";
import { replaySuite } from "./replay-e2e.js";
import { scalingSuite } from "./scaling.js";
import { workerSuite } from "./worker.js";

/** Every suite, in the order a full run prints them. */
export const SUITES: readonly Suite[] = [
  primitivesSuite,
  mixedFlowSuite,
  marginedFlowSuite,
  nativeSuite,
  replaySuite,
  workerSuite,
  latencySuite,
  scalingSuite,
  memorySuite,
  levelQueueSuite,
];
