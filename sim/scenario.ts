/**
 * The cascade simulation's scenarios: one market, its leveraged accounts, its market makers and an
 * exogenous price path with a shock. Everything is integers (ticks, lots, ppm) and follows from
 * the seed, so a scenario and a seed give the same run, event for event.
 */

import type { LiquidationParams } from "../protocol/commands.js";
import { PPM } from "../protocol/units.js";
import { SeededRandom } from "./random.js";

export interface AccountSpec {
  name: string;
  /** Long lots bought at the start price. */
  qty: number;
  collateral: number;
}

export interface MakerSpec {
  /** Levels quoted on each side. */
  levels: number;
  /** Ticks from the fair price to the first level, and between levels. */
  spread: number;
  gap: number;
  /** Lots a fully refilled level holds. */
  depth: number;
  /** Lots a level regains per step (the book's resilience). */
  refill: number;
}

export interface Scenario {
  name: string;
  startPrice: number;
  steps: number;
  /** More liquidation parameters for the instrument (experiments, the sweep); none by default. */
  liquidation?: LiquidationParams;
  /** Engine time per step (ns); the soft liquidator's slice interval is one step. */
  stepNs: number;
  /** The exogenous (fair) price at each step: what the rest of the world trades at. */
  fair: number[];
  /**
   * The oracle is the index the venue publishes: the fair price, moved toward the average price
   * this venue traded at in the last step (when below the fair price) by `bookWeightPpm` of the
   * gap. A real index follows the venues it is built from; a dumped book drags it down, and that
   * is how one liquidation's price gap reaches the next account.
   */
  bookWeightPpm: number;
  maker: MakerSpec;
  accounts: AccountSpec[];
  /** Maintenance and initial margin rates (one bracket). */
  mmrPpm: number;
  imrPpm: number;
}

interface ShockShape {
  /** Steps before the fall starts, steps it lasts, steps to recover, and the total length. */
  calm: number;
  fall: number;
  recover: number;
  steps: number;
  /** Depth of the fall, and where the price settles after recovering (ppm below the start). */
  dropPpm: number;
  settlePpm: number;
  /** Largest step of the seeded noise (ppm). */
  noisePpm: number;
}

/** The fair price path: calm, a linear fall, a partial linear recovery, flat; plus seeded noise. */
function pricePath(start: number, shape: ShockShape, random: SeededRandom): number[] {
  const path: number[] = [];
  let noise = 0;
  for (let t = 0; t < shape.steps; t++) {
    let drop = 0;
    const fallEnd = shape.calm + shape.fall;
    if (t >= shape.calm && t < fallEnd) drop = Math.floor((shape.dropPpm * (t - shape.calm + 1)) / shape.fall);
    else if (t >= fallEnd) {
      const back = Math.min(shape.recover, t - fallEnd + 1);
      drop = shape.dropPpm - Math.floor(((shape.dropPpm - shape.settlePpm) * back) / shape.recover);
    }
    noise += random.below(2 * shape.noisePpm + 1) - shape.noisePpm;
    noise = Math.max(-shape.noisePpm * 4, Math.min(shape.noisePpm * 4, noise));
    path.push(Math.floor((start * (PPM - drop + noise)) / PPM));
  }
  return path;
}

/** `count` accounts, long at the start price, leverage spread between `minLev` and `maxLev` (tenths). */
function leveragedAccounts(count: number, start: number, random: SeededRandom, minLev10: number, maxLev10: number) {
  const accounts: AccountSpec[] = [];
  for (let i = 0; i < count; i++) {
    const qty = 5 + random.below(46);
    const lev10 = minLev10 + random.below(maxLev10 - minLev10 + 1);
    accounts.push({
      name: `acct${String(i + 1).padStart(3, "0")}`,
      qty,
      collateral: Math.ceil((qty * start * 10) / lev10),
    });
  }
  return accounts;
}

const START = 100_000;
/** 40 levels a side, 0.01% from the fair price then 0.025% apart, 20 lots each, 2 lots back a step. */
const MAKER: MakerSpec = { levels: 40, spread: 10, gap: 25, depth: 20, refill: 2 };

/** What tells one scenario from another; the rest (200 accounts, 100 ms steps, MM 5%, IM 10%) is common. */
interface ScenarioSpec {
  description: string;
  shape: ShockShape;
  /** The accounts' leverage range, in tenths. */
  minLev10: number;
  maxLev10: number;
  maker: MakerSpec;
}

const CASCADE_SHAPE: ShockShape = {
  calm: 10,
  fall: 20,
  recover: 60,
  steps: 150,
  dropPpm: 70_000,
  settlePpm: 35_000,
  noisePpm: 300,
};

const SPECS: Record<string, ScenarioSpec> = {
  cascade: {
    description: "a 7% fall over 2 s, half of it recovered; 200 longs at 3-9.5x",
    shape: CASCADE_SHAPE,
    minLev10: 30,
    maxLev10: 95,
    maker: MAKER,
  },
  flash: {
    description: "an 8% drop in one step, recovered within a second; 200 longs at 5-9.5x",
    shape: { calm: 10, fall: 1, recover: 10, steps: 80, dropPpm: 80_000, settlePpm: 0, noisePpm: 200 },
    minLev10: 50,
    maxLev10: 95,
    maker: MAKER,
  },
  thin: {
    description: "the cascade's fall on a book half as deep and half as quick to refill",
    shape: CASCADE_SHAPE,
    minLev10: 30,
    maxLev10: 95,
    maker: { ...MAKER, depth: 10, refill: 1 },
  },
};

export const SCENARIOS: readonly string[] = Object.keys(SPECS);

export function scenarioDescription(name: string): string {
  return SPECS[name]?.description ?? "";
}

/** The named scenario for a seed, or null when there is none of that name. */
export function buildScenario(name: string, seed: number): Scenario | null {
  const spec = SPECS[name];
  if (spec === undefined) return null;
  // The price path first, then the accounts: one seeded stream, drawn in that order.
  const random = new SeededRandom(seed);
  return {
    name,
    startPrice: START,
    steps: spec.shape.steps,
    stepNs: 100_000_000,
    fair: pricePath(START, spec.shape, random),
    bookWeightPpm: 700_000,
    maker: spec.maker,
    accounts: leveragedAccounts(200, START, random, spec.minLev10, spec.maxLev10),
    mmrPpm: 50_000,
    imrPpm: 100_000,
  };
}
