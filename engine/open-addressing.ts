/**
 * What IntKeyTable and StringKeyTable share: a power-of-two table probed linearly from a key's home
 * slot (the top bits of a multiplicative hash), grown at half full, and emptied by backward shift.
 */
export abstract class OpenAddressing {
  protected mask = 0;
  /** 32 − log2(capacity): the hash's top bits pick the home slot. */
  protected shift = 0;
  protected count = 0;

  get size(): number {
    return this.count;
  }

  /** Resets the geometry for `capacity` slots (a power of two), empty. */
  protected sizeFor(capacity: number): void {
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
    this.count = 0;
  }

  /** Whether one more entry would take the table past half full. */
  protected full(): boolean {
    return (this.count + 1) * 2 > this.mask + 1;
  }
}

/**
 * Backward-shift deletion: when slot `hole` empties, the entry at a later slot `j` of the same
 * probe run may stay only if its home lies cyclically inside (hole, j]; otherwise it moves into the
 * hole, so no lookup ever meets a gap before its key (and no tombstones pile up).
 */
export function staysPut(hole: number, j: number, home: number): boolean {
  return hole <= j ? hole < home && home <= j : hole < home || home <= j;
}
