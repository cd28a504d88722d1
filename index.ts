/**
 * softliq's library surface: `Engine` runs on the calling thread, synchronously; `EngineClient`
 * runs the same engine in a worker thread (same commands, same events, optional journal); both
 * take `liquidation` (soft by default; hard, off, or a venue's rules: hyperliquid, dydx, drift).
 * `apply`/`submit` take the typed `Command` union, `applyInput`/`submitInput` anything (validated).
 * `runSide` plays a cascade scenario in one mode.
 * `ReplicaServer` runs the engine as a replica of a venue on NATS JetStream; `VenueClient` submits
 * to such a venue and streams its events.
 */

export type { BookDepth, DepthLevel, RestingOrderView } from "./engine/engine.js";
export { MatchingEngine } from "./engine/engine.js";
export { EventListenerError } from "./engine/listener-guard.js";
export type { MarginHooks } from "./engine/margin-hooks.js";
export type { StateSection } from "./engine/state-section.js";
export type { EngineState } from "./engine/state-snapshot.js";
export { exportState, restoreState } from "./engine/state-snapshot.js";
export type { EngineOptions } from "./exchange.js";
export { Engine } from "./exchange.js";
export type { AccountReport, AccountsReport, PositionReport } from "./liquidator/accounts-report.js";
export type { BreachHandler, LegacyBreachHandler } from "./liquidator/breach-handler.js";
export { CloseSizing, closeQuantity } from "./liquidator/close-quantity.js";
export { DEFAULT_MAKER_FEE_PPM, DEFAULT_TAKER_FEE_PPM } from "./liquidator/instrument-margin.js";
export type {
  AccountLiquidation,
  StageChange,
  SymbolLiquidation,
} from "./liquidator/liquidation-ledger.js";
export { LiquidationLedger } from "./liquidator/liquidation-ledger.js";
export type { LiquidationMode } from "./liquidator/liquidation-params.js";
export { DEFAULT_LIQUIDATION, LiquidationSettings } from "./liquidator/liquidation-params.js";
export { MarginEngine } from "./liquidator/margin-engine.js";
export type { MarginState } from "./liquidator/margin-state.js";
export { DEFAULT_TIERS, QUOTE_UNITS_PER_USDT } from "./liquidator/margin-tiers.js";
export { penaltyRoom, slicePenalty } from "./liquidator/penalty.js";
export * from "./protocol/commands.js";
export * from "./protocol/events.js";
export * from "./protocol/liquidation-stages.js";
export * from "./protocol/reject-codes.js";
export { findUnknownField, normalizeOrderId, readCommand } from "./protocol/validate.js";
export { DivergenceError } from "./replica/event-publisher.js";
export type { ReplicaReport, ReplicaServerOptions, ReplicaStatus } from "./replica/replica-server.js";
export { ReplicaServer } from "./replica/replica-server.js";
export type { EventsChunk, EventsOptions, SubmitOptions, SubmitResult, VenueStatus } from "./replica/venue-client.js";
export { Submission, VenueClient } from "./replica/venue-client.js";
export { VenueNames } from "./replica/venue-names.js";
export type { SidePath, SideResult } from "./sim/run.js";
export { runSide } from "./sim/run.js";
export type { Scenario } from "./sim/scenario.js";
export { buildScenario, SCENARIOS } from "./sim/scenario.js";
export type { EngineClientOptions, JournalOptions, StateSummary } from "./worker/engine-client.js";
export { EngineClient, EngineClientStateError, EngineWorkerError } from "./worker/engine-client.js";
export type { FsyncPolicy } from "./worker/journal.js";
export { JournalWriteError, RecoveryError } from "./worker/journal.js";
export { JournalInUseError } from "./worker/journal-lock.js";
export { TaskPool } from "./worker/pool.js";
export type { RecoveryReport } from "./worker/recovery.js";
export { recover } from "./worker/recovery.js";
