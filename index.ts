/** softliq's library surface: `Engine` runs on the calling thread, synchronously. */

export type { BookDepth, DepthLevel, EngineOptions, RestingOrderView } from "./engine/engine.js";
export { Engine } from "./engine/engine.js";
export * from "./protocol/commands.js";
export * from "./protocol/events.js";
export * from "./protocol/reject-codes.js";
export { findUnknownField, normalizeOrderId, readCommand } from "./protocol/validate.js";
