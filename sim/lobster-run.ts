/**
 * The `lobster` scenario: one large breached position liquidated into a real NASDAQ day.
 *
 * The day's flow (lobster-day.ts: the importer's commands, messages in time order, the book held to
 * NASDAQ's snapshots) goes through the engine as `softliq import lobster` writes it. Before it, on
 * the empty book, one account ("whale") buys (or, short, sells) `qty` shares at an entry price
 * from a pure order-flow seed, with exactly the initial margin at that price; the oracle stays
 * there until the chosen moment. At the first message at or after `atNs` the oracle moves to
 * NASDAQ's mid, where the entry was set so that the account's health is `healthPpm` (< 100%): it is
 * in breach, and each policy liquidates it into the live flow. From then on the oracle follows
 * NASDAQ's mid on a fixed cadence (a tick on the same cadence when it has not moved, so that paced
 * policies act on their own clock, not on the messages' arrival), for `windowNs`.
 *
 * NASDAQ's book never saw the liquidation, so its later messages may name orders the liquidation
 * (or a real taker it pushed deeper into the queue) already filled: those are skipped and counted;
 * a partial cancellation of an order the engine holds less of takes the same shares off what is
 * left (a cancel when nothing is). The oracle is NASDAQ's mid, the world without the liquidation:
 * the traded price's distance from it is the liquidation's footprint on this venue.
 */
import { Engine } from "../exchange.js";
import type { LiquidationMode } from "../liquidator/liquidation-params.js";
import { isExecutionRunId } from "../lobster/importer.js";
import type { Command, LiquidationParams, MarginTier } from "../protocol/commands.js";
import type { EngineEvent } from "../protocol/events.js";
import { MAX_SAFE, PPM } from "../protocol/units.js";
import type { LobsterDay } from "./lobster-day.js";
import type { ContractFigures } from "./run.js";

export const WHALE = "whale";
const SEED_ID = "seed";
const ENTRY_ID = "entry";
const SYMBOL = "X";

/** One quote unit here is a share times 0.0001 USD (LOBSTER's price unit). */
const QUOTE_PER_USD = 10_000;
const usd = (n: number): number => n * QUOTE_PER_USD;

/** 10x on one tier (a stock perpetual's usual maximum): initial 10%, maintenance 5%. */
export const LOBSTER_TIERS: MarginTier[] = [{ maxNotional: MAX_SAFE, imrPpm: 100_000, mmrPpm: 50_000 }];

/** The venue policies' dollar thresholds (venue-params.ts, in USDC) said in these quote units. */
const LOBSTER_LIQUIDATION: LiquidationParams = {
  hyperliquid: { partialNotional: usd(100_000) },
  dydx: { minNotional: usd(1_000), maxNotionalPerBlock: usd(100_000) },
};

export interface LobsterSetup {
  /** The moment of the breach: the first message at or after it (ns after midnight). */
  atNs: number;
  side: "long" | "short";
  /** The position (shares). */
  qty: number;
  /** The account's health at the breach, at NASDAQ's mid then (ppm, below 1,000,000). */
  healthPpm: number;
  /** How long the liquidation is followed after the breach (ns). */
  windowNs: number;
  /** The oracle's (and the ticks') cadence (ns). */
  oracleIntervalNs: number;
}

/** The position's default size: this share of the day's executed volume, in round lots of 100. */
export const QTY_OF_VOLUME_PPM = 20_000;
export const DEFAULT_HEALTH_PPM = 900_000;
export const DEFAULT_WINDOW_NS = 30 * 60 * 1_000_000_000;
export const ORACLE_INTERVAL_NS = 100_000_000;

/** `QTY_OF_VOLUME_PPM` of the day's volume, rounded down to 100 shares (at least 1 share). */
export function defaultQty(day: LobsterDay): number {
  const qty = Math.floor((day.volume * QTY_OF_VOLUME_PPM) / PPM);
  return qty >= 100 ? qty - (qty % 100) : Math.max(1, qty);
}

/** The arrival: the first group at or after `atNs` with a mid (null: none in the file). */
export function arrivalOf(day: LobsterDay, atNs: number): number | null {
  for (let i = 0; i < day.groups.length; i++) {
    const g = day.groups[i];
    if (g !== undefined && g.ts >= atNs && g.mid > 0) return i;
  }
  return null;
}

/**
 * The entry price and collateral that put the account at `healthPpm` at the arrival mid M with the
 * initial margin at entry: long E = M (1 − H·MMR) / (1 − IMR), short E = M (1 + H·MMR) / (1 + IMR);
 * collateral = IM of qty × E, rounded up (BigInt: M × PPM² leaves the safe range).
 */
export function entryOf(mid: number, setup: LobsterSetup): { entry: number; collateral: number } {
  const tier = LOBSTER_TIERS[0] as MarginTier;
  const P = BigInt(PPM);
  const hm = BigInt(setup.healthPpm) * BigInt(tier.mmrPpm);
  const m = BigInt(mid);
  const long = setup.side === "long";
  const num = m * (long ? P * P - hm : P * P + hm);
  const den = P * (long ? P - BigInt(tier.imrPpm) : P + BigInt(tier.imrPpm));
  const entry = Number(long ? (num + den - 1n) / den : num / den);
  const notional = BigInt(setup.qty) * BigInt(entry);
  const collateral = Number((notional * BigInt(tier.imrPpm) + P - 1n) / P);
  if (!Number.isSafeInteger(collateral) || !Number.isSafeInteger(Number(notional)))
    throw new Error("the position's notional leaves the safe integer range");
  return { entry, collateral };
}

/** What NASDAQ's later messages met in a book the liquidation changed. */
export interface StaleCounts {
  /** Message commands (cancel, deletion, partial cancellation) naming an order the engine no longer holds: skipped. */
  skippedMessages: number;
  /** … of which the order was filled by the liquidation itself (the rest: by a real taker it pushed deeper). */
  skippedFilledByLiquidation: number;
  /** Partial cancellations of an order the engine holds less of: the same shares off what is left (or a cancel). */
  resizedMessages: number;
  /** Holding commands (book held to NASDAQ's snapshot) naming an order the engine no longer holds: skipped. */
  skippedHoldCommands: number;
  /** Shares NASDAQ's aggressive orders (execution runs) did not find in the engine's book. */
  realTakerUnfilled: number;
}

/**
 * The contract's keys (softliq simulate --json) for the one account, `maxDrawdownPpm` measured
 * against NASDAQ's mid of the moment (the world without the liquidation) rather than a fair path,
 * then the execution's figures.
 */
export interface LobsterSideResult extends ContractFigures {
  lotsClosed: number;
  lotsLeft: number;
  childOrders: number;
  closedNotional: number;
  /** The liquidation fills' average price (floor), 0 when none. */
  avgPrice: number;
  /** Implementation shortfall of the lots closed against the arrival mid: quote units (cost > 0) and ppm of their notional at that mid. */
  shortfall: number;
  shortfallPpm: number;
  /** NASDAQ's own executions' VWAP from the breach to the last liquidation fill, and the fills' shortfall against it (null: no market trade in that span). */
  marketVwap: number | null;
  vsMarketVwapPpm: number | null;
  /** From the breach to the last fill of the liquidation that left the account restored or flat (null: still in liquidation at the window's end). */
  timeToCompleteNs: number | null;
  /** The last liquidation fill's time after the breach (null: none). */
  lastFillNs: number | null;
  equityAtBreach: number;
  healthAtBreachPpm: number | null;
  /** The account's equity at the end, at the last oracle. */
  equityLeft: number;
  penalties: number;
  insuranceFund: number;
  stale: StaleCounts;
  /** Commands applied (setup, opening book, flow, oracle and ticks). */
  commands: number;
  /** Shares resting on the book at the end (both sides). */
  restingQty: number;
  stateHash: string;
}

export interface LobsterRunOptions {
  /** Sees every event of the run (the tests' conservation check). */
  onEvent?: (e: EngineEvent) => void;
  /** Overrides of the liquidation parameters (instrument.liquidation). */
  params?: LiquidationParams;
}

/** Plays the day in `mode`. Throws when the file has no message at or after `atNs`. */
export function runLobsterSide(
  day: LobsterDay,
  setup: LobsterSetup,
  mode: LiquidationMode,
  options: LobsterRunOptions = {},
): LobsterSideResult {
  const arrivalAt = arrivalOf(day, setup.atNs);
  if (arrivalAt === null) throw new Error("no message with a mid at or after the breach time");
  const arrival = day.groups[arrivalAt] as (typeof day.groups)[number];
  const arrivalMid = arrival.mid;
  const breachTs = arrival.ts;
  const endTs = breachTs + setup.windowNs;
  const long = setup.side === "long";
  const { entry, collateral } = entryOf(arrivalMid, setup);

  let midNow = 0;
  let active = false;
  const liquidationMakers = new Set<string | number>();
  const stale: StaleCounts = {
    skippedMessages: 0,
    skippedFilledByLiquidation: 0,
    resizedMessages: 0,
    skippedHoldCommands: 0,
    realTakerUnfilled: 0,
  };
  const sum = {
    lotsClosed: 0,
    notional: 0,
    childOrders: 0,
    closedNotional: 0,
    penalties: 0,
    badDebt: 0,
    adlQty: 0,
    backstopQty: 0,
    slipWeighted: 0,
    slipNotional: 0,
    shortfall: 0,
  };
  let maxDrawdownPpm = 0;
  let lastFillTs = -1;
  let inLiquidation = false;
  let completedTs = -1;
  let equityAtBreach = 0;
  let healthAtBreachPpm: number | null = null;
  let engine: Engine;
  const onEvent = (e: EngineEvent): void => {
    options.onEvent?.(e);
    if (!active) return;
    switch (e.type) {
      case "fill": {
        // The traded price against the world without the liquidation (NASDAQ's mid).
        const beyond = long ? midNow - e.price : e.price - midNow;
        if (beyond > 0) maxDrawdownPpm = Math.max(maxDrawdownPpm, Math.floor((beyond * PPM) / midNow));
        if (!e.liquidation) break;
        liquidationMakers.add(e.makerId);
        lastFillTs = e.ts;
        sum.lotsClosed += e.qty;
        sum.notional += e.price * e.qty;
        const oracle = engine.oraclePrice(SYMBOL);
        sum.slipWeighted += (long ? oracle - e.price : e.price - oracle) * e.qty;
        sum.slipNotional += oracle * e.qty;
        sum.shortfall += (long ? arrivalMid - e.price : e.price - arrivalMid) * e.qty;
        break;
      }
      case "cancelled":
        if (isExecutionRunId(e.id)) stale.realTakerUnfilled += e.remaining;
        break;
      case "liquidation_order":
        sum.childOrders++;
        break;
      case "liquidation_reduced":
        sum.closedNotional += e.notional;
        sum.penalties += e.penalty;
        break;
      case "liquidation_backstop":
        sum.backstopQty += e.qty;
        lastFillTs = e.ts;
        break;
      case "liquidation_adl":
        sum.adlQty += e.qty;
        lastFillTs = e.ts;
        break;
      case "liquidation_insurance":
        sum.badDebt += e.badDebt;
        break;
      case "liquidation_stage":
        if (e.stage === "restored") {
          inLiquidation = false;
          completedTs = e.ts;
        } else if (e.stage !== "preemptive") {
          if (!inLiquidation && healthAtBreachPpm === null) {
            healthAtBreachPpm = e.healthPpm;
            equityAtBreach = e.equity;
          }
          inLiquidation = true;
        }
        break;
      default:
        break;
    }
  };
  engine = new Engine({ liquidation: mode, onEvent });
  let commands = 0;
  const apply = (c: Command): void => {
    commands++;
    engine.apply(c);
  };

  // The position, on the empty book before the day: the seed is the only order it can meet.
  const t0 = day.opening[0]?.ts ?? day.groups[0]?.ts ?? 0;
  const liquidation = { ...LOBSTER_LIQUIDATION, ...options.params };
  apply({ type: "instrument", symbol: SYMBOL, tiers: LOBSTER_TIERS, liquidation, ts: t0 });
  apply({ type: "oracle", symbol: SYMBOL, price: entry, ts: t0 });
  apply({ type: "deposit", account: WHALE, amount: collateral, ts: t0 });
  apply({ type: "limit", id: SEED_ID, side: long ? "sell" : "buy", price: entry, qty: setup.qty, ts: t0 });
  apply({
    type: "limit",
    id: ENTRY_ID,
    account: WHALE,
    side: long ? "buy" : "sell",
    price: entry,
    qty: setup.qty,
    tif: "IOC",
    ts: t0,
  });
  const opened = engine.account(WHALE)?.positions[SYMBOL]?.qty ?? 0;
  if (opened !== (long ? setup.qty : -setup.qty)) throw new Error(`the position did not open (${opened} shares)`);
  for (const c of day.opening) apply(c);

  let nextGrid = 0;
  let oracle = entry;
  const advance = (to: number): void => {
    for (; nextGrid <= to; nextGrid += setup.oracleIntervalNs) {
      if (midNow > 0 && midNow !== oracle) {
        oracle = midNow;
        apply({ type: "oracle", symbol: SYMBOL, price: oracle, ts: nextGrid });
      } else {
        apply({ type: "tick", ts: nextGrid });
      }
    }
  };
  for (let gi = 0; gi < day.groups.length; gi++) {
    const g = day.groups[gi] as (typeof day.groups)[number];
    if (g.ts > endTs) break;
    if (active) advance(g.ts);
    applyGroup(engine, g, apply, stale, liquidationMakers);
    if (g.mid > 0) midNow = g.mid;
    if (gi === arrivalAt) {
      // The breach: the oracle moves to NASDAQ's mid, where the account's health is healthPpm.
      active = true;
      oracle = arrivalMid;
      apply({ type: "oracle", symbol: SYMBOL, price: oracle, ts: g.ts });
      nextGrid = g.ts - (g.ts % setup.oracleIntervalNs) + setup.oracleIntervalNs;
    }
  }
  advance(endTs);

  const account = engine.account(WHALE);
  const left = Math.abs(account?.positions[SYMBOL]?.qty ?? 0);
  const closed = setup.qty - left;
  let marketVwap: number | null = null;
  if (lastFillTs >= 0) {
    let qty = 0;
    let notional = 0;
    for (let i = 0; i < day.tradeTs.length; i++) {
      const ts = day.tradeTs[i] as number;
      if (ts < breachTs) continue;
      if (ts > lastFillTs) break;
      qty += day.tradeSize[i] as number;
      notional += (day.tradePrice[i] as number) * (day.tradeSize[i] as number);
    }
    if (qty > 0) marketVwap = Math.floor(notional / qty);
  }
  const avgPrice = sum.lotsClosed === 0 ? 0 : Math.floor(sum.notional / sum.lotsClosed);
  const vs =
    marketVwap === null || sum.lotsClosed === 0
      ? null
      : Math.floor(
          ((long ? marketVwap * sum.lotsClosed - sum.notional : sum.notional - marketVwap * sum.lotsClosed) * PPM) /
            (marketVwap * sum.lotsClosed),
        );
  const done = !inLiquidation || left === 0;
  const doneTs = completedTs >= 0 ? completedTs : lastFillTs;
  return {
    mode,
    accountsLiquidated: closed > 0 && left === 0 ? 1 : 0,
    accountsTouched: closed > 0 ? 1 : 0,
    badDebt: sum.badDebt,
    maxDrawdownPpm,
    liquidationSlippagePpm: sum.slipNotional === 0 ? 0 : Math.floor((sum.slipWeighted * PPM) / sum.slipNotional),
    equityRetained: account?.equity ?? 0,
    adlQty: sum.adlQty,
    backstopQty: sum.backstopQty,
    lotsClosed: closed,
    lotsLeft: left,
    childOrders: sum.childOrders,
    closedNotional: sum.closedNotional,
    avgPrice,
    shortfall: sum.shortfall,
    shortfallPpm: sum.lotsClosed === 0 ? 0 : Math.floor((sum.shortfall * PPM) / (arrivalMid * sum.lotsClosed)),
    marketVwap,
    vsMarketVwapPpm: vs,
    timeToCompleteNs: done && doneTs >= 0 ? doneTs - breachTs : null,
    lastFillNs: lastFillTs < 0 ? null : lastFillTs - breachTs,
    equityAtBreach,
    healthAtBreachPpm,
    equityLeft: account?.equity ?? 0,
    penalties: sum.penalties,
    insuranceFund: engine.accounts().insuranceFund,
    stale,
    commands,
    restingQty: restingQty(engine),
    stateHash: engine.stateHash(),
  };
}

function restingQty(engine: Engine): number {
  const d = engine.depth(SYMBOL);
  let qty = 0;
  for (const level of [...d.bids, ...d.asks]) qty += level[1];
  return qty;
}

/**
 * One group's commands against the engine's book: a cancel or partial cancellation of an order the
 * engine no longer holds is skipped; a partial cancellation takes its shares off what the engine
 * holds (a cancel when that is all of it). Counted in `stale`.
 */
function applyGroup(
  engine: Engine,
  g: LobsterDay["groups"][number],
  apply: (c: Command) => void,
  stale: StaleCounts,
  filledByLiquidation: ReadonlySet<string | number>,
): void {
  for (let i = 0; i < g.commands.length; i++) {
    const c = g.commands[i] as Command;
    if (c.type !== "cancel" && c.type !== "modify") {
      apply(c);
      continue;
    }
    const held = engine.order(c.id);
    if (held === null) {
      if (i >= g.holdFrom) stale.skippedHoldCommands++;
      else {
        stale.skippedMessages++;
        if (filledByLiquidation.has(c.id)) stale.skippedFilledByLiquidation++;
      }
      continue;
    }
    if (c.type === "cancel") {
      apply(c);
      continue;
    }
    const qty = held.open - (g.decrease[i] as number);
    if (qty === c.qty) {
      apply(c);
      continue;
    }
    if (i < g.holdFrom) stale.resizedMessages++;
    apply(qty > 0 ? { ...c, qty } : { type: "cancel", id: c.id, ts: c.ts });
  }
}
