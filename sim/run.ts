/**
 * One side of the cascade simulation: a scenario played through the engine (in process) with one
 * liquidation mode, and what it did to the accounts and the market.
 *
 * Each step, per instrument: the makers re-quote their ladders around the fair price (each level
 * back toward its stressed depth by its half-life share: a dumped book comes back slowly), then the
 * oracle moves to the index (the fair price pulled toward this venue's own price), at the step's
 * time; `substeps − 1` ticks follow inside the step so that paced liquidation may go on between
 * quotes. The liquidator acts after every command, maker quotes included, as on a live venue.
 */
import { Engine } from "../exchange.js";
import { HEALTHY, PREEMPTIVE } from "../liquidator/account.js";
import type { LiquidationMode } from "../liquidator/liquidation-params.js";
import { equityOf } from "../liquidator/pre-trade-risk.js";
import type { Command, LiquidationParams } from "../protocol/commands.js";
import type { EngineEvent } from "../protocol/events.js";
import { PPM } from "../protocol/units.js";
import { criticalityPpm, healthHistogram } from "./criticality.js";
import { MakerLadders } from "./makers.js";
import type { Scenario } from "./scenario.js";

/** The simulation's liquidating modes, in the order `--mode all` runs them. */
export const SIM_MODES = ["soft", "hard", "hyperliquid", "dydx", "drift"] as const;
export type SimMode = (typeof SIM_MODES)[number];

export const BACKSTOP_ACCOUNT = "backstop";

/** An index away from the fair price by more than this (ppm) is not yet recovered. */
const RECOVERED_GAP_PPM = 1_000;

/** The contract's keys of one mode's result (`softliq simulate --json`), every scenario's. */
export type ContractFigures = Pick<
  SideResult,
  | "mode"
  | "accountsLiquidated"
  | "accountsTouched"
  | "badDebt"
  | "maxDrawdownPpm"
  | "liquidationSlippagePpm"
  | "equityRetained"
  | "adlQty"
  | "backstopQty"
>;

export interface SideResult {
  mode: LiquidationMode;
  /** Accounts a liquidation closed out entirely (flat at the end, touched by a liquidation). */
  accountsLiquidated: number;
  /** Accounts with at least one liquidation fill, backstop transfer or auto-deleverage. */
  accountsTouched: number;
  /** Shortfall of accounts left flat in debt (paid by the fund or still owed). */
  badDebt: number;
  /** The deepest traded price below the fair price of its step (ppm of the fair price), over instruments. */
  maxDrawdownPpm: number;
  /** Liquidation fills' distance below the oracle (above, for a short), notional-weighted (ppm). */
  liquidationSlippagePpm: number;
  /**
   * The touched accounts' equity at the end (quote units). When several modes run (runModes), the
   * accounts touched in any of them: the same accounts on every side.
   */
  equityRetained: number;
  /**
   * At the end: accounts still in liquidation (not counted as liquidated, however deep they are),
   * and what the accounts still holding positions owe beyond their collateral at the last oracle
   * (Σ −equity below zero): debt a policy has not realised yet, which `badDebt` does not count.
   */
  stillInLiquidation: number;
  openDeficit: number;
  /** Lots passed to other accounts by auto-deleveraging, and taken over by backstops. */
  adlQty: number;
  backstopQty: number;
  /**
   * From the first account in liquidation until no account is in liquidation and every index is
   * within 0.1% of the fair price for the rest of the run (ns); null: not recovered by the end.
   */
  timeToRecoverNs: number | null;
  /** The criticality ratio R (ppm) before the shock, and its highest value during the run. */
  criticalityPpm: number;
  peakCriticalityPpm: number;
  /** The insurance fund at the end, its lowest, and its path ([ns, fund], at most ~60 points). */
  insuranceFund: number;
  insuranceFundMin: number;
  insuranceFundPath: [number, number][];
  /** The deepest oracle below the fair price (ppm): how far the book dragged the index. */
  maxOracleGapPpm: number;
  childOrders: number;
  closedQty: number;
  closedNotional: number;
  penalties: number;
  stateHash: string;
}

/** Per step, for the report: the time, each instrument's oracle and lowest / highest trade (0: none), the stages. */
export interface SidePath {
  ts: number[];
  oracle: Record<string, number[]>;
  lowTrade: Record<string, number[]>;
  highTrade: Record<string, number[]>;
  /** Accounts per stage (breach, stage2, unrestorable, bankrupt, preemptive) and closed out, per step. */
  stages: Record<string, number[]>;
  /** Cumulative lots closed (by orders and backstops), auto-deleveraged and taken by backstops. */
  closedQty: number[];
  adlQty: number[];
  backstopQty: number[];
  insuranceFund: number[];
  criticalityPpm: number[];
  /** Accounts per health bucket (criticality.ts) before the shock and at the end. */
  healthBefore: number[];
  healthAfter: number[];
}

export interface SideRun {
  result: SideResult;
  path: SidePath;
  /** Every account's equity at the end, and the accounts touched. */
  equity: Map<string, number>;
  touched: Set<string>;
}

export interface SideOptions {
  /** Receives every command applied: replaying it (`softliq replay`, same mode) gives the same run. */
  flow?: Command[] | null;
  /** Overrides of the scenario's liquidation parameters (the parameter sweep). */
  params?: LiquidationParams;
}

const STAGE_NAMES = ["breach", "stage2", "bankrupt", "unrestorable", "preemptive"] as const;
/** account.ts's stage codes IN_BREACH … PREEMPTIVE (1 … 5), by name. */
const STAGE_OF_CODE: Record<number, string> = {
  1: "breach",
  2: "stage2",
  3: "bankrupt",
  4: "unrestorable",
  5: "preemptive",
};

/** Plays the scenario in `mode`. */
export function runSide(s: Scenario, mode: LiquidationMode, options: SideOptions = {}): SideRun {
  const flow = options.flow ?? null;
  const touched = new Set<string>();
  const symbols = s.instruments.map((i) => i.symbol);
  const path: SidePath = {
    ts: [],
    oracle: {},
    lowTrade: {},
    highTrade: {},
    stages: { ...Object.fromEntries(STAGE_NAMES.map((n) => [n, [] as number[]])), closedOut: [] },
    closedQty: [],
    adlQty: [],
    backstopQty: [],
    insuranceFund: [],
    criticalityPpm: [],
    healthBefore: [],
    healthAfter: [],
  };
  const fairNow = new Map<string, number>();
  const traded = new Map<string, { qty: number; notional: number }>();
  for (const inst of s.instruments) {
    path.oracle[inst.symbol] = [];
    path.lowTrade[inst.symbol] = [];
    path.highTrade[inst.symbol] = [];
    fairNow.set(inst.symbol, inst.startPrice);
    traded.set(inst.symbol, { qty: 0, notional: 0 });
  }
  let step = -1;
  let maxDrawdownPpm = 0;
  let slipWeighted = 0;
  let slipNotional = 0;
  const counts = {
    childOrders: 0,
    closedQty: 0,
    closedNotional: 0,
    penalties: 0,
    badDebt: 0,
    adlQty: 0,
    backstopQty: 0,
  };
  let engine: Engine;
  const onEvent = (e: EngineEvent): void => {
    switch (e.type) {
      case "fill": {
        if (step < 0) break;
        const fair = fairNow.get(e.symbol) as number;
        const t = traded.get(e.symbol) as { qty: number; notional: number };
        t.qty += e.qty;
        t.notional += e.price * e.qty;
        if (e.price < fair) maxDrawdownPpm = Math.max(maxDrawdownPpm, Math.floor(((fair - e.price) * PPM) / fair));
        const low = path.lowTrade[e.symbol] as number[];
        const high = path.highTrade[e.symbol] as number[];
        if (low[step] === 0 || e.price < (low[step] as number)) low[step] = e.price;
        if (e.price > (high[step] as number)) high[step] = e.price;
        if (e.liquidation) {
          const oracle = engine.oraclePrice(e.symbol);
          const below = e.side === "sell" ? oracle - e.price : e.price - oracle;
          slipWeighted += below * e.qty;
          slipNotional += oracle * e.qty;
        }
        break;
      }
      case "liquidation_order":
        counts.childOrders++;
        break;
      case "liquidation_reduced":
        counts.closedQty += e.qty;
        counts.closedNotional += e.notional;
        counts.penalties += e.penalty;
        touched.add(e.account as string);
        break;
      case "liquidation_backstop":
        counts.backstopQty += e.qty;
        touched.add(e.account as string);
        break;
      case "liquidation_adl":
        counts.adlQty += e.qty;
        touched.add(e.account as string);
        break;
      case "liquidation_insurance":
        counts.badDebt += e.badDebt;
        break;
      default:
        break;
    }
  };
  engine = new Engine({ liquidation: mode, onEvent });
  const apply = (c: Command): void => {
    flow?.push(c);
    engine.apply(c);
  };
  open(s, { ...s.liquidation, ...options.params }, apply);
  const margin = engine.marginEngine;
  if (margin === null) throw new Error("the simulation needs the margin engine");
  path.healthBefore = healthHistogram(engine, BACKSTOP_ACCOUNT);
  const criticalityAtStart = criticalityPpm(engine, symbols, BACKSTOP_ACCOUNT);
  let peakCriticality = criticalityAtStart;
  const makers = s.instruments.map((i) => new MakerLadders(i.symbol, i.maker));
  const openOf = (id: string | number): number => engine.order(id)?.open ?? 0;
  let firstTrouble = -1;
  let lastTrouble = -1;
  let fundMin = 0;
  for (step = 0; step < s.steps; step++) {
    const ts = (step + 1) * s.stepNs;
    path.ts.push(ts);
    for (let k = 0; k < s.instruments.length; k++) {
      const inst = s.instruments[k];
      const maker = makers[k];
      if (inst === undefined || maker === undefined) continue;
      const fair = inst.fair[step] as number;
      // This venue's own price: what it traded at last step, or else its mid (a thinned side drags it).
      const t = traded.get(inst.symbol) as { qty: number; notional: number };
      const lastTraded = t.qty === 0 ? 0 : Math.floor(t.notional / t.qty);
      t.qty = 0;
      t.notional = 0;
      fairNow.set(inst.symbol, fair);
      (path.lowTrade[inst.symbol] as number[]).push(0);
      (path.highTrade[inst.symbol] as number[]).push(0);
      maker.requote(fair, ts, apply, openOf);
      const venue = lastTraded > 0 ? lastTraded : midOf(engine, inst.symbol, fair);
      const oracle = Math.max(1, fair + Math.trunc(((venue - fair) * s.bookWeightPpm) / PPM));
      apply({ type: "oracle", symbol: inst.symbol, price: oracle, ts });
      maker.observe(oracle);
    }
    for (let sub = 1; sub < s.substeps; sub++)
      apply({ type: "tick", ts: ts + Math.floor((sub * s.stepNs) / s.substeps) });
    // The step's record.
    let inTrouble = false;
    for (const inst of s.instruments) {
      const oracle = engine.oraclePrice(inst.symbol);
      (path.oracle[inst.symbol] as number[]).push(oracle);
      const fair = inst.fair[step] as number;
      if (Math.abs(fair - oracle) * PPM > RECOVERED_GAP_PPM * fair) inTrouble = true;
    }
    const stageCounts: Record<string, number> = { breach: 0, stage2: 0, bankrupt: 0, unrestorable: 0, preemptive: 0 };
    for (const a of margin.accounts.values()) {
      if (a.stage === HEALTHY) continue;
      const name = STAGE_OF_CODE[a.stage];
      if (name !== undefined) stageCounts[name] = (stageCounts[name] as number) + 1;
      if (a.stage !== PREEMPTIVE) {
        inTrouble = true;
        if (firstTrouble < 0) firstTrouble = step;
      }
    }
    let closedOut = 0;
    for (const name of touched) if (isFlat(engine, name)) closedOut++;
    for (const n of STAGE_NAMES) (path.stages[n] as number[]).push(stageCounts[n] as number);
    (path.stages.closedOut as number[]).push(closedOut);
    if (inTrouble && firstTrouble >= 0) lastTrouble = step;
    path.closedQty.push(counts.closedQty);
    path.adlQty.push(counts.adlQty);
    path.backstopQty.push(counts.backstopQty);
    path.insuranceFund.push(margin.insuranceFund);
    fundMin = Math.min(fundMin, margin.insuranceFund);
    const r = criticalityPpm(engine, symbols, BACKSTOP_ACCOUNT);
    path.criticalityPpm.push(r);
    peakCriticality = Math.max(peakCriticality, r);
  }
  path.healthAfter = healthHistogram(engine, BACKSTOP_ACCOUNT);
  let equityRetained = 0;
  let liquidated = 0;
  for (const name of touched) {
    const a = engine.account(name);
    if (a === null) continue;
    equityRetained += a.equity;
    if (Object.keys(a.positions).length === 0) liquidated++;
  }
  let maxOracleGapPpm = 0;
  for (const inst of s.instruments) {
    const oracles = path.oracle[inst.symbol] as number[];
    for (let t = 0; t < s.steps; t++) {
      const fair = inst.fair[t] as number;
      const gap = fair - (oracles[t] as number);
      if (gap > 0) maxOracleGapPpm = Math.max(maxOracleGapPpm, Math.floor((gap * PPM) / fair));
    }
  }
  let stillInLiquidation = 0;
  let openDeficit = 0;
  for (const a of margin.accounts.values()) {
    if (a.stage !== HEALTHY && a.stage !== PREEMPTIVE) stillInLiquidation++;
    if (a.positions.some((p) => p.qty !== 0)) openDeficit += Math.max(0, -equityOf(a));
  }
  const report = engine.accounts();
  const equity = new Map<string, number>();
  for (const [name, a] of Object.entries(report.accounts)) equity.set(name, a.equity);
  const result: SideResult = {
    mode,
    accountsLiquidated: liquidated,
    accountsTouched: touched.size,
    badDebt: counts.badDebt,
    maxDrawdownPpm,
    liquidationSlippagePpm: slipNotional === 0 ? 0 : Math.floor((slipWeighted * PPM) / slipNotional),
    equityRetained,
    stillInLiquidation,
    openDeficit,
    adlQty: counts.adlQty,
    backstopQty: counts.backstopQty,
    timeToRecoverNs:
      firstTrouble < 0 ? 0 : lastTrouble === s.steps - 1 ? null : (lastTrouble + 1 - firstTrouble) * s.stepNs,
    criticalityPpm: criticalityAtStart,
    peakCriticalityPpm: peakCriticality,
    insuranceFund: report.insuranceFund,
    insuranceFundMin: Math.min(fundMin, report.insuranceFund),
    insuranceFundPath: sampled(path.ts, path.insuranceFund, 60),
    maxOracleGapPpm,
    childOrders: counts.childOrders,
    closedQty: counts.closedQty,
    closedNotional: counts.closedNotional,
    penalties: counts.penalties,
    stateHash: engine.stateHash(),
  };
  return { result, path, equity, touched };
}

/**
 * Plays the scenario once per mode. With more than one mode, `equityRetained` is taken over the
 * accounts any of them touched, so that every side counts the same accounts.
 */
export function runModes(
  s: Scenario,
  modes: readonly LiquidationMode[],
  flowOf: LiquidationMode | null = null,
  flow: Command[] | null = null,
  params: LiquidationParams = {},
): SideRun[] {
  const runs = modes.map((m) => runSide(s, m, { flow: m === flowOf ? flow : null, params }));
  if (runs.length < 2) return runs;
  const union = new Set<string>();
  for (const r of runs) for (const name of r.touched) union.add(name);
  for (const r of runs) {
    let sum = 0;
    for (const name of union) sum += r.equity.get(name) ?? 0;
    r.result.equityRetained = sum;
  }
  return runs;
}

function isFlat(engine: Engine, name: string): boolean {
  const a = engine.marginEngine?.accounts.get(name);
  if (a === undefined) return true;
  for (const p of a.positions) if (p.qty !== 0) return false;
  return true;
}

function midOf(engine: Engine, symbol: string, fair: number): number {
  const d = engine.depth(symbol, 1);
  const bid = d.bids[0]?.[0];
  const ask = d.asks[0]?.[0];
  return bid === undefined || ask === undefined ? fair : Math.floor((bid + ask) / 2);
}

/** At most about `n` points of a series, evenly spaced, with the last. */
function sampled(ts: readonly number[], values: readonly number[], n: number): [number, number][] {
  const every = Math.max(1, Math.ceil(values.length / n));
  const out: [number, number][] = [];
  for (let i = 0; i < values.length; i += every) out.push([ts[i] as number, values[i] as number]);
  const last = values.length - 1;
  if (last >= 0 && (last % every !== 0 || out.length === 0)) out.push([ts[last] as number, values[last] as number]);
  return out;
}

/**
 * The markets, the backstop's offers, the accounts' collateral and their positions: per instrument
 * the shorts sell into one pure order-flow bid at the start price, then the longs buy from one ask
 * there (one after the other, so that the two seed orders never meet).
 */
function open(s: Scenario, liquidation: LiquidationParams, apply: (c: Command) => void): void {
  for (const inst of s.instruments) {
    apply({ type: "instrument", symbol: inst.symbol, tiers: inst.tiers, liquidation });
    apply({ type: "oracle", symbol: inst.symbol, price: inst.startPrice });
  }
  if (s.instruments.some((i) => i.backstop !== null)) {
    apply({ type: "deposit", account: BACKSTOP_ACCOUNT, amount: s.backstopCollateral });
    for (const inst of s.instruments) {
      if (inst.backstop === null) continue;
      apply({ type: "backstop", account: BACKSTOP_ACCOUNT, symbol: inst.symbol, ...inst.backstop });
    }
  }
  for (const a of s.accounts) apply({ type: "deposit", account: a.name, amount: a.collateral });
  let n = 0;
  for (const inst of s.instruments) {
    for (const long of [false, true]) {
      let total = 0;
      for (const a of s.accounts)
        for (const p of a.positions) if (p.symbol === inst.symbol && p.qty > 0 === long) total += Math.abs(p.qty);
      if (total === 0) continue;
      const side = long ? "sell" : "buy";
      apply({
        type: "limit",
        id: `${inst.symbol}:seed-${side}`,
        symbol: inst.symbol,
        side,
        price: inst.startPrice,
        qty: total,
      });
      for (const a of s.accounts)
        for (const p of a.positions) {
          if (p.symbol !== inst.symbol || p.qty > 0 !== long) continue;
          apply({
            type: "limit",
            id: `open${n++}`,
            symbol: p.symbol,
            side: long ? "buy" : "sell",
            price: inst.startPrice,
            qty: Math.abs(p.qty),
            tif: "IOC",
            account: a.name,
          });
        }
    }
  }
}
