import type { Suite } from "../context.js";
import { latencySuite } from "./latency.js";
import { mixedFlowSuite } from "./mixed-flow.js";
import { primitivesSuite } from "./primitives.js";

/** Every suite, in the order a full run prints them. */
export const SUITES: readonly Suite[] = [primitivesSuite, mixedFlowSuite, latencySuite];
