/**
 * The cascade simulation's scenarios: one or two markets, their leveraged accounts (longs and
 * shorts on tiered margin), their market makers, backstop offers where a venue would have them, and
 * an exogenous price path with a shock. Everything is integers (ticks, lots, ppm, quote units of
 * 0.001 USD) and follows from the seed, so a scenario and a seed give the same run, event for event.
 */
import type { LiquidationParams, MarginTier } from "../protocol/commands.js";
import { MAX_SAFE, PPM } from "../protocol/units.js";
import type { MakerSpec } from "./makers.js";
import { type AccountSpec, crossMargined, type PopulationSpec, population } from "./population.js";
import { type Keyframe, pricePath } from "./price-path.js";
import { SeededRandom } from "./random.js";

/** Quote units per US dollar in every scenario: a 1-dollar tick times a 0.001 BTC lot is 0.001 USD. */
export const QUOTE_PER_USD = 1000;
const usd = (n: number): number => n * QUOTE_PER_USD;

export interface BackstopSpec {
  discountPpm: number;
  maxNotional: number;
}

export interface InstrumentScenario {
  symbol: string;
  startPrice: number;
  /** Dollars a tick and a lot stand for (for the report's axes; notional = ticks × lots). */
  tickUsd: number;
  tiers: MarginTier[];
  maker: MakerSpec;
  /** The exogenous (fair) price at each step: what the rest of the world trades at. */
  fair: number[];
  /** A third-party liquidator's standing offer on this instrument, or none. */
  backstop: BackstopSpec | null;
}

export interface Scenario {
  name: string;
  description: string;
  steps: number;
  /** Engine time per step (ns); each step is cut by `substeps` ticks so paced work may run between quotes. */
  stepNs: number;
  substeps: number;
  /** The steps the shock spans [first, last]: the report's zoom. */
  shock: readonly [number, number];
  /** Wall-clock time of step 0 (ISO 8601), when the scenario is shaped on a real day; else null. */
  clockStart: string | null;
  /**
   * The oracle is the index the venue publishes: the fair price (the other venues) moved toward
   * this venue's own price, the average it traded at in the last step or else its mid, by
   * `bookWeightPpm` of the gap. A dumped book drags the index, and that is how one liquidation's
   * price gap reaches the next account.
   */
  bookWeightPpm: number;
  instruments: InstrumentScenario[];
  accounts: AccountSpec[];
  /** instrument.liquidation for every instrument (the venue blocks' notionals in these units). */
  liquidation: LiquidationParams;
  /** The backstop account's collateral (when any instrument has an offer). */
  backstopCollateral: number;
}

/** 50x up to 50k USD of notional, 25x to 200k, 10x above (maintenance at half the initial rate). */
const TIERS_50X: MarginTier[] = [
  { maxNotional: usd(50_000), imrPpm: 20_000, mmrPpm: 10_000 },
  { maxNotional: usd(200_000), imrPpm: 40_000, mmrPpm: 20_000 },
  { maxNotional: MAX_SAFE, imrPpm: 100_000, mmrPpm: 50_000 },
];

/** Hyperliquid's BTC maximum (40x) on the first bracket, then 20x and 10x. */
const TIERS_BTC: MarginTier[] = [
  { maxNotional: usd(100_000), imrPpm: 25_000, mmrPpm: 12_500 },
  { maxNotional: usd(500_000), imrPpm: 50_000, mmrPpm: 25_000 },
  { maxNotional: MAX_SAFE, imrPpm: 100_000, mmrPpm: 50_000 },
];

/** Hyperliquid's SOL maximum (20x) on the first bracket, then 10x and 5x. */
const TIERS_SOL: MarginTier[] = [
  { maxNotional: usd(50_000), imrPpm: 50_000, mmrPpm: 25_000 },
  { maxNotional: usd(250_000), imrPpm: 100_000, mmrPpm: 50_000 },
  { maxNotional: MAX_SAFE, imrPpm: 200_000, mmrPpm: 100_000 },
];

/**
 * The venue policies' notional thresholds are in USDC (venue-params.ts, one quote unit each by
 * default); here a quote unit is 0.001 USD, so they are scaled to mean the same dollars.
 */
const VENUE_NOTIONALS: LiquidationParams = {
  hyperliquid: { partialNotional: usd(100_000) },
  dydx: { minNotional: usd(1_000), maxNotionalPerBlock: usd(100_000) },
};

/** 40 levels a side, 10 ticks from the fair price then 25 apart (0.025%), 200 lots each. */
const MAKER: MakerSpec = {
  levels: 40,
  spread: 10,
  gap: 25,
  depth: 200,
  refillPpm: 100_000,
  calmVolPpm: 250,
  maxStressPpm: 4_000_000,
  volWeightPpm: 200_000,
};

const GENERIC: PopulationSpec = {
  count: 200,
  longPpm: 650_000,
  minQty: 20,
  maxQty: 2_000,
  minLev10: 30,
  maxLev10: 500,
};

interface ShapeSpec {
  steps: number;
  frames: Keyframe[];
  noisePpm: number;
  shock: readonly [number, number];
}

/** A 7% fall over 2 s from step 10, recovered to 3.5% by step 90, 15 s in all (100 ms steps). */
const CASCADE: ShapeSpec = {
  steps: 150,
  frames: [
    [9, 0],
    [29, 70_000],
    [89, 35_000],
  ],
  noisePpm: 300,
  shock: [9, 40],
};

/** One market of the generic kind (symbol X, a BTC-like 100,000 start in 1-dollar ticks). */
interface OneMarketSpec {
  description: string;
  shape: ShapeSpec;
  people: PopulationSpec;
  maker: MakerSpec;
  backstop: boolean;
}

const ONE_MARKET: Record<string, OneMarketSpec> = {
  cascade: {
    description: "a 7% fall over 2 s, half of it recovered; 200 accounts, 65% long, 3-50x on tiers",
    shape: CASCADE,
    people: GENERIC,
    maker: MAKER,
    backstop: false,
  },
  flash: {
    description: "an 8% drop in one step, recovered within a second; 200 accounts, 65% long, 5-50x",
    shape: {
      steps: 80,
      frames: [
        [9, 0],
        [10, 80_000],
        [20, 0],
      ],
      noisePpm: 200,
      shock: [8, 25],
    },
    people: { ...GENERIC, minLev10: 50 },
    maker: MAKER,
    backstop: false,
  },
  thin: {
    description: "the cascade's fall on a book half as deep and half as quick to refill",
    shape: CASCADE,
    people: GENERIC,
    maker: { ...MAKER, depth: 100, refillPpm: 50_000 },
    backstop: false,
  },
  crowded: {
    description: "longs' liquidation prices clustered 2.5-3.5% under the start; a 5% fall over 3 s; a backstop",
    shape: {
      steps: 150,
      frames: [
        [9, 0],
        [39, 50_000],
        [99, 20_000],
      ],
      noisePpm: 300,
      shock: [9, 55],
    },
    people: { ...GENERIC, longPpm: 750_000, cluster: [25_000, 35_000] },
    maker: MAKER,
    backstop: true,
  },
};

const START = 100_000;

function oneMarket(name: string, spec: OneMarketSpec, seed: number): Scenario {
  // The price path first, then the accounts: one seeded stream, drawn in that order.
  const random = new SeededRandom(seed);
  const fair = pricePath(START, spec.shape.frames, spec.shape.steps, spec.shape.noisePpm, random);
  const accounts = population("acct", "X", START, TIERS_50X, spec.people, random);
  return {
    name,
    description: spec.description,
    steps: spec.shape.steps,
    stepNs: 100_000_000,
    substeps: 1,
    shock: spec.shape.shock,
    clockStart: null,
    bookWeightPpm: 700_000,
    instruments: [
      {
        symbol: "X",
        startPrice: START,
        tickUsd: 1,
        tiers: TIERS_50X,
        maker: spec.maker,
        fair,
        backstop: spec.backstop ? { discountPpm: 10_000, maxNotional: usd(1_500_000) } : null,
      },
    ],
    accounts,
    liquidation: { sliceIntervalNs: 100_000_000, ...VENUE_NOTIONALS },
    backstopCollateral: usd(1_000_000),
  };
}

/**
 * 10 October 2025 on Hyperliquid, 21:13-21:35 UTC in 1 s steps: BTC's mark −4% by 21:20, −10% by
 * 21:23, −13% at 21:27, back to −7% by 21:35; SOL's the same shape twice as deep (−26%). Makers
 * pull as volatility rises (the book thinned by an order of magnitude that night); the venue's
 * liquidator vault stands as a backstop with limited room.
 */
function oct2025(seed: number): Scenario {
  const steps = 1_320;
  const frames: Keyframe[] = [
    [120, 0],
    [420, 40_000],
    [600, 100_000],
    [840, 130_000],
    [1_320, 70_000],
  ];
  const random = new SeededRandom(seed);
  const btcStart = 117_000;
  const solStart = 19_500;
  const btcFair = pricePath(btcStart, frames, steps, 150, random);
  const solFair = pricePath(solStart, frames, steps, 250, random, 2 * PPM);
  const people: PopulationSpec = {
    count: 200,
    longPpm: 700_000,
    minQty: 10,
    maxQty: 2_000,
    minLev10: 30,
    maxLev10: 400,
  };
  const btc = population("btc", "BTC", btcStart, TIERS_BTC, people, random);
  const sol = population(
    "sol",
    "SOL",
    solStart,
    TIERS_SOL,
    { ...people, minQty: 100, maxQty: 10_000, maxLev10: 200 },
    random,
  );
  crossMargined(btc, "SOL", solStart, TIERS_SOL, btcStart, 200_000, random);
  const stepMaker = { refillPpm: 50_000, calmVolPpm: 200, maxStressPpm: 6_000_000, volWeightPpm: 100_000 };
  return {
    name: "oct2025",
    description:
      "10 Oct 2025 on Hyperliquid, 21:13-21:35 UTC: BTC -13% and SOL -26% on the mark in 12 minutes; 400 accounts, 70% long, up to 40x/20x; makers pull; a vault backstop",
    steps,
    stepNs: 1_000_000_000,
    substeps: 4,
    shock: [100, 900],
    clockStart: "2025-10-10T21:13:00Z",
    bookWeightPpm: 500_000,
    instruments: [
      {
        symbol: "BTC",
        startPrice: btcStart,
        tickUsd: 1,
        tiers: TIERS_BTC,
        maker: { levels: 25, spread: 2, gap: 45, depth: 500, ...stepMaker },
        fair: btcFair,
        backstop: { discountPpm: 10_000, maxNotional: usd(1_000_000) },
      },
      {
        symbol: "SOL",
        startPrice: solStart,
        tickUsd: 0.01,
        tiers: TIERS_SOL,
        maker: { levels: 25, spread: 1, gap: 8, depth: 3_000, ...stepMaker },
        fair: solFair,
        backstop: { discountPpm: 10_000, maxNotional: usd(1_000_000) },
      },
    ],
    accounts: [...btc, ...sol],
    liquidation: { sliceIntervalNs: 250_000_000, ...VENUE_NOTIONALS },
    backstopCollateral: usd(1_000_000),
  };
}

const DESCRIPTIONS: Record<string, string> = {
  ...Object.fromEntries(Object.entries(ONE_MARKET).map(([n, s]) => [n, s.description])),
  oct2025:
    "10 Oct 2025 on Hyperliquid, 21:13-21:35 UTC: BTC -13% and SOL -26% in 12 minutes; two instruments, 400 accounts up to 40x/20x; makers pull; a vault backstop",
};

export const SCENARIOS: readonly string[] = Object.keys(DESCRIPTIONS);

export function scenarioDescription(name: string): string {
  return DESCRIPTIONS[name] ?? "";
}

/** The named scenario for a seed, or null when there is none of that name. */
export function buildScenario(name: string, seed: number): Scenario | null {
  if (name === "oct2025") return { ...oct2025(seed), description: DESCRIPTIONS.oct2025 as string };
  const spec = ONE_MARKET[name];
  return spec === undefined ? null : oneMarket(name, spec, seed);
}
