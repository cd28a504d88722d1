/** A small seeded PRNG (mulberry32): the same seed gives the same sequence on every platform. */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A uniform 32-bit unsigned integer. */
  nextU32(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** An integer in [0, n). */
  below(n: number): number {
    return Math.floor((this.nextU32() / 4294967296) * n);
  }

  /** True with probability `ppm` / 1e6. */
  chance(ppm: number): boolean {
    return this.below(1_000_000) < ppm;
  }

  /** Geometric: the number of failures before a success of probability `ppm` / 1e6, capped. */
  geometric(ppm: number, cap: number): number {
    let k = 0;
    while (k < cap && !this.chance(ppm)) k++;
    return k;
  }
}
