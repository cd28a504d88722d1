/**
 * A layer above the engine that keeps state of its own (accounts, the insurance fund, liquidation
 * state) registers a section, once, in the engine's one registry (StateSections): the same entry
 * writes the layer's part of the state hash (state-hash.ts: after the books, in registration
 * order) and its part of the exported state (state-snapshot.ts: under `sectionKey`, restored after
 * the books, the clock and every resting order are back). The engine knows the key and nothing of
 * the value, which must be JSON-safe (integers and strings; deterministic order).
 */
export interface StateSection {
  readonly sectionKey: string;
  /**
   * Writes the section into the state hash, canonically (equal states, equal text). Optional: a
   * section without it rides in the snapshot only, as every section but the margin engine's did.
   */
  hashSection?(out: StateWriter): void;
  exportSection(): unknown;
  /** Loads the section into a freshly restored engine; throws on a value this build cannot read. */
  restoreSection(value: unknown): void;
}

/** Something that can take canonical state text: the state hash. */
export interface StateWriter {
  update(text: string): unknown;
}

/** The engine's sections, in registration order: what the hash and the snapshot both walk. */
export class StateSections {
  private readonly list: StateSection[] = [];

  add(section: StateSection): void {
    if (this.list.some((s) => s.sectionKey === section.sectionKey)) {
      throw new Error(`state section ${section.sectionKey} registered twice`);
    }
    this.list.push(section);
  }

  get all(): readonly StateSection[] {
    return this.list;
  }
}
