/**
 * One side of the cascade simulation: a scenario played through the engine (in process) with one
 * liquidation mode, and what it did to the accounts and the market.
 *
 * Each step: the makers re-quote their ladders around the fair price (each level back to what the
 * last step left of it plus its refill: a dumped book comes back slowly), then the oracle moves to
 * the fair price pulled toward this book's mid by the scenario's weight, at the step's time. The
 * liquidator acts after every command, maker quotes included, as it would on a live venue.
 */
import { Engine } from "../exchange.js";
import type { LiquidationMode } from "../liquidator/liquidation-params.js";
import type { Command } from "../protocol/commands.js";
import type { EngineEvent } from "../protocol/events.js";
import { MAX_SAFE, PPM } from "../protocol/units.js";
import type { Scenario } from "./scenario.js";

export interface SideResult {
  mode: LiquidationMode;
  /** Accounts a liquidation closed out entirely (flat at the end after liquidation fills). */
  accountsLiquidated: number;
  /** Accounts with at least one liquidation fill. */
  accountsTouched: number;
  /** Shortfall of accounts left flat in debt (paid by the fund or still owed). */
  badDebt: number;
  /** The deepest traded price below the fair price of its step (ppm of the fair price). */
  maxDrawdownPpm: number;
  /** Liquidation fills' distance below the oracle, notional-weighted (ppm). */
  liquidationSlippagePpm: number;
  /**
   * The touched accounts' equity at the end (quote units). When both modes run (runModes), the
   * accounts touched in either: the same accounts on both sides.
   */
  equityRetained: number;
  /** The deepest oracle below the fair price (ppm): how far the book dragged the index. */
  maxOracleGapPpm: number;
  childOrders: number;
  closedQty: number;
  closedNotional: number;
  penalties: number;
  insuranceFund: number;
  stateHash: string;
}

/** Per step: the oracle, and the lowest traded price (0: no trade). For the chart. */
export interface SidePath {
  oracle: number[];
  lowTrade: number[];
}

export interface SideRun {
  result: SideResult;
  path: SidePath;
  /** Every account's equity at the end, and the accounts touched. */
  equity: Map<string, number>;
  touched: Set<string>;
}

const SYMBOL = "X";

/**
 * Plays the scenario in `mode`. `flow`, when given, receives every command applied: replaying it
 * (`softliq replay`, same mode) gives the same run and state hash.
 */
export function runSide(s: Scenario, mode: LiquidationMode, flow: Command[] | null = null): SideRun {
  const touched = new Set<string>();
  const path: SidePath = { oracle: [], lowTrade: [] };
  let step = -1;
  let fairNow = s.startPrice;
  let maxDrawdownPpm = 0;
  let slipWeighted = 0;
  let slipNotional = 0;
  let tradedQty = 0;
  let tradedNotional = 0;
  const counts = { childOrders: 0, closedQty: 0, closedNotional: 0, penalties: 0, badDebt: 0 };
  let engine: Engine;
  const onEvent = (e: EngineEvent): void => {
    switch (e.type) {
      case "fill": {
        if (step >= 0) {
          tradedQty += e.qty;
          tradedNotional += e.price * e.qty;
          if (e.price < fairNow)
            maxDrawdownPpm = Math.max(maxDrawdownPpm, Math.floor(((fairNow - e.price) * PPM) / fairNow));
          const low = path.lowTrade[step] as number;
          if (low === 0 || e.price < low) path.lowTrade[step] = e.price;
        }
        if (e.liquidation) {
          const oracle = engine.oraclePrice(SYMBOL);
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
  open(s, apply);
  const makers = new MakerLadders(s);
  for (step = 0; step < s.steps; step++) {
    const fair = s.fair[step] as number;
    // The index follows where this venue traded last step, by its weight: a dumped book drags it.
    const traded = tradedQty === 0 ? fairNow : Math.floor(tradedNotional / tradedQty);
    const drag = traded < fairNow ? Math.floor(((traded - fairNow) * s.bookWeightPpm) / PPM) : 0;
    tradedQty = 0;
    tradedNotional = 0;
    fairNow = fair;
    path.lowTrade.push(0);
    makers.requote(fair, apply, (id) => engine.order(id)?.open ?? 0);
    const oracle = Math.max(1, fair + drag);
    apply({ type: "oracle", symbol: SYMBOL, price: oracle, ts: (step + 1) * s.stepNs });
    path.oracle.push(oracle);
  }
  let equityRetained = 0;
  let liquidated = 0;
  for (const name of touched) {
    const a = engine.account(name);
    if (a === null) continue;
    equityRetained += a.equity;
    if (Object.keys(a.positions).length === 0) liquidated++;
  }
  let maxOracleGapPpm = 0;
  for (let t = 0; t < s.steps; t++) {
    const fair = s.fair[t] as number;
    const gap = fair - (path.oracle[t] as number);
    if (gap > 0) maxOracleGapPpm = Math.max(maxOracleGapPpm, Math.floor((gap * PPM) / fair));
  }
  const report = engine.accounts();
  const equity = new Map<string, number>();
  for (const [name, a] of Object.entries(report.accounts)) equity.set(name, a.equity);
  const result: SideResult = {
    mode,
    accountsLiquidated: liquidated,
    accountsTouched: touched.size,
    maxDrawdownPpm,
    liquidationSlippagePpm: slipNotional === 0 ? 0 : Math.floor((slipWeighted * PPM) / slipNotional),
    equityRetained,
    maxOracleGapPpm,
    ...counts,
    insuranceFund: report.insuranceFund,
    stateHash: engine.stateHash(),
  };
  return { result, path, equity, touched };
}

/**
 * Plays the scenario once per mode. With more than one mode, `equityRetained` is taken over the
 * accounts any of them touched, so that both sides count the same accounts.
 */
export function runModes(
  s: Scenario,
  modes: readonly LiquidationMode[],
  flowOf: LiquidationMode | null = null,
  flow: Command[] | null = null,
): SideRun[] {
  const runs = modes.map((m) => runSide(s, m, m === flowOf ? flow : null));
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

/** The market, the accounts' collateral and their long positions, bought from one seller at the start price. */
function open(s: Scenario, apply: (c: Command) => void): void {
  apply({
    type: "instrument",
    symbol: SYMBOL,
    tiers: [{ maxNotional: MAX_SAFE, imrPpm: s.imrPpm, mmrPpm: s.mmrPpm }],
    liquidation: { sliceIntervalNs: s.stepNs, ...s.liquidation },
  });
  apply({ type: "oracle", symbol: SYMBOL, price: s.startPrice });
  let total = 0;
  for (const a of s.accounts) total += a.qty;
  apply({ type: "limit", id: "seed", symbol: SYMBOL, side: "sell", price: s.startPrice, qty: total });
  let n = 0;
  for (const a of s.accounts) {
    apply({ type: "deposit", account: a.name, amount: a.collateral });
    apply({
      type: "limit",
      id: `open${n++}`,
      symbol: SYMBOL,
      side: "buy",
      price: s.startPrice,
      qty: a.qty,
      tif: "IOC",
      account: a.name,
    });
  }
}

/**
 * The makers' two ladders. A level keeps what trading left of it plus its refill each step, and is
 * re-posted at its place relative to the new fair price (a fresh order: it joins the back).
 */
class MakerLadders {
  private readonly left: number[];
  private readonly ids: string[] = [];
  private seq = 0;

  constructor(private readonly s: Scenario) {
    this.left = new Array<number>(2 * s.maker.levels).fill(s.maker.depth);
  }

  requote(fair: number, apply: (c: Command) => void, openOf: (id: string) => number): void {
    const m = this.s.maker;
    for (let i = 0; i < this.ids.length; i++) {
      const id = this.ids[i] as string;
      this.left[i] = openOf(id);
      if ((this.left[i] as number) > 0) apply({ type: "cancel", id });
    }
    this.ids.length = 0;
    for (let i = 0; i < 2 * m.levels; i++) {
      const level = i % m.levels;
      const bid = i < m.levels;
      const qty = Math.min(m.depth, (this.left[i] as number) + m.refill);
      this.left[i] = qty;
      const price = bid ? fair - m.spread - level * m.gap : fair + m.spread + level * m.gap;
      const id = `m${this.seq++}`;
      this.ids.push(id);
      if (qty > 0 && price > 0) apply({ type: "limit", id, symbol: SYMBOL, side: bid ? "buy" : "sell", price, qty });
    }
  }
}
