/**
 * A layer above the engine that keeps state of its own (accounts, the insurance fund, liquidation
 * state) registers a section: it is written into the engine state under `sectionKey` and restored
 * from there, after the books, the clock and every resting order are back. The engine knows the
 * key and nothing of the value, which must be JSON-safe (integers and strings; deterministic order).
 */
export interface StateSection {
  readonly sectionKey: string;
  exportSection(): unknown;
  /** Loads the section into a freshly restored engine; throws on a value this build cannot read. */
  restoreSection(value: unknown): void;
}
