/**
 * The margin engine's state as a section of the engine state (engine/state-snapshot.ts): every
 * account in creation order (its place is its tie-break seq), each position in first-touch order
 * with its open-order tracking and its resting reduce-only orders by id, the funds, and the
 * accounts whose at-risk triggers wait to be re-placed. Integers and strings only.
 *
 * The at-risk index is not written as heaps: each position's live trigger prices are, and import
 * pushes them back. A heap's layout depends on history, but nothing read from it does: an oracle
 * update collects the set of crossed triggers and re-checks their accounts in creation order.
 * Per-command scratch (re-check and re-fit queues) is empty between commands and not written.
 */
import type { OrderId } from "../protocol/commands.js";

export const MARGIN_SECTION = "margin";
export const MARGIN_STATE_VERSION = 1;

/**
 * [symbol, qty, entryNotional, openBuyQty, openBuyNotional, openSellQty, openSellNotional,
 *  down trigger price, up trigger price (0: none indexed), reduce-only order ids in join order]
 */
export type PositionState = [
  symbol: string,
  qty: number,
  entryNotional: number,
  openBuyQty: number,
  openBuyNotional: number,
  openSellQty: number,
  openSellNotional: number,
  down: number,
  up: number,
  reduceOnly: OrderId[],
  /** The soft liquidator's pacing: no child before this engine time (absent in older states: 0). */
  nextSliceAt: number,
  /** PnL realized since the position opened (absent in older states and when 0 with no cap allowance). */
  realizedPnl?: number,
  /** Its market-wide cap allowance: the window's end and the lots left (absent: none). */
  capEnd?: number,
  capLeft?: number,
  /** Since when the soft liquidator found nothing inside its bound (absent: −1, not starved). */
  starvedSince?: number,
  /** The unrestorable ramp's start and the lots held then (absent: not on it). */
  rampSince?: number,
  rampQty?: number,
];

/** The backstop offers on one instrument, cheapest first, ties by age: [symbol, [account, discountPpm, notional left]…]. */
export type BackstopState = [symbol: string, offers: [account: string, discountPpm: number, left: number][]];

/** The pre-emptive stage's volatility on one instrument: [symbol, last price folded, its ts, variance (ppm²/s)]. */
export type VolState = [symbol: string, price: number, ts: number, variance: number];

/** A market-wide cap's windows on one instrument: [symbol, bids' end, bids' lots left, asks' end, asks' lots left]. */
export type CapState = [symbol: string, bidEnd: number, bidLeft: number, askEnd: number, askLeft: number];

/**
 * [name, collateral, stage (0 healthy, 1 in breach, 2 stage 2, 3 bankrupt, 4 unrestorable: account.ts), positions,
 * 1 when the fund has been asked to pay its debt (0 or absent otherwise), and the drift policy's
 * clock: when its liquidation began and the margin freed since (absent when not under it)].
 */
export type AccountState = [
  name: string,
  collateral: number,
  stage: number,
  positions: PositionState[],
  debtCovered?: number,
  liquidationSince?: number,
  marginFreed?: number,
];

export interface MarginState {
  version: number;
  insuranceFund: number;
  feesCollected: number;
  crossedCount: number;
  /** Liquidation child orders sent so far (absent in older states: 0). */
  childSeq: number;
  /** In creation order. */
  accounts: AccountState[];
  /** Instruments with a market-wide cap window opened, by symbol (absent in older states: none). */
  caps: CapState[];
  /** Instruments with backstop offers, by symbol (absent in older states: none). */
  backstops: BackstopState[];
  /** Instruments whose pre-emptive volatility has seen an oracle (absent in older states: none). */
  vols: VolState[];
  /** Soft slices deferred by the market-wide cap (absent in older states: 0). */
  capDeferrals: number;
  /** Accounts (places in `accounts`) whose triggers are re-placed before the next oracle update, in queue order. */
  placeQueue: number[];
}

function fail(what: string): never {
  throw new Error(`cannot restore margin state: ${what}`);
}

// Checks name the offending field only when they fail: a large state reads without building strings.
function int(v: unknown, where: string | number, field: string): number {
  return Number.isSafeInteger(v) ? (v as number) : fail(`${where} ${field} is not a safe integer`);
}

function list(v: unknown, where: string | number, field: string): unknown[] {
  return Array.isArray(v) ? v : fail(`${where} ${field} is not a list`);
}

function text(v: unknown, where: string | number, field: string): string {
  return typeof v === "string" ? v : fail(`${where} ${field} is not a string`);
}

function orderId(v: unknown, where: string | number): OrderId {
  return typeof v === "string" || Number.isSafeInteger(v) ? (v as OrderId) : fail(`${where} holds a bad order id`);
}

/** Checks the shape and the integers of a section read from a file; throws on anything else. */
export function readMarginState(value: unknown): MarginState {
  if (typeof value !== "object" || value === null) fail("not an object");
  const v = value as Record<string, unknown>;
  if (v.version !== MARGIN_STATE_VERSION) fail(`version ${String(v.version)}`);
  const accounts = list(v.accounts, "state", "accounts").map((raw, i): AccountState => {
    const a = list(raw, "account", String(i));
    const name = text(a[0], "account", "name");
    const positions = list(a[3], name, "positions").map((rawP): PositionState => {
      const p = list(rawP, name, "position");
      const realized = p[11] === undefined ? 0 : int(p[11], name, "realized PnL");
      const position: PositionState = [
        text(p[0], name, "position symbol"),
        int(p[1], name, "qty"),
        int(p[2], name, "entry notional"),
        int(p[3], name, "open buy qty"),
        int(p[4], name, "open buy notional"),
        int(p[5], name, "open sell qty"),
        int(p[6], name, "open sell notional"),
        int(p[7], name, "down trigger"),
        int(p[8], name, "up trigger"),
        list(p[9], name, "reduce-only orders").map((id) => orderId(id, name)),
        p[10] === undefined ? 0 : int(p[10], name, "next slice time"),
      ];
      if (p[12] !== undefined)
        position.push(realized, int(p[12], name, "cap window end"), int(p[13], name, "cap lots left"));
      else if (realized !== 0) position.push(realized);
      if (p[14] !== undefined) {
        if (p[12] === undefined) position.push(realized, 0, 0);
        position.push(int(p[14], name, "starved since"));
      }
      if (p[15] !== undefined) {
        if (p[14] === undefined) fail(`${name} ramp without the fields before it`);
        const since = int(p[15], name, "ramp start");
        if (since < 0) fail(`${name} ramp start ${since}`);
        position.push(since, int(p[16], name, "ramp lots"));
      }
      return position;
    });
    const stage = int(a[2], name, "stage");
    if (stage < 0 || stage > 5) fail(`${name} stage ${stage}`);
    const covered = a[4] === undefined ? 0 : int(a[4], name, "debt covered");
    const account: AccountState = [name, int(a[1], name, "collateral"), stage, positions];
    if (a[5] !== undefined) {
      const since = int(a[5], name, "liquidation start");
      if (since < 0) fail(`${name} liquidation start ${since}`);
      account.push(covered === 1 ? 1 : 0, since, int(a[6], name, "margin freed"));
    } else if (covered === 1) account.push(1);
    return account;
  });
  const placeQueue = list(v.placeQueue, "state", "placeQueue").map((x) => {
    const at = int(x, "placeQueue", "entry");
    return at >= 0 && at < accounts.length ? at : fail(`placeQueue names no account (${at})`);
  });
  return {
    version: MARGIN_STATE_VERSION,
    insuranceFund: int(v.insuranceFund, "state", "insuranceFund"),
    feesCollected: int(v.feesCollected, "state", "feesCollected"),
    crossedCount: int(v.crossedCount, "state", "crossedCount"),
    childSeq: v.childSeq === undefined ? 0 : int(v.childSeq, "state", "childSeq"),
    accounts,
    caps:
      v.caps === undefined
        ? []
        : list(v.caps, "state", "caps").map((raw): CapState => {
            const c = list(raw, "caps", "entry");
            const symbol = text(c[0], "caps", "symbol");
            return [
              symbol,
              int(c[1], symbol, "bids' window end"),
              int(c[2], symbol, "bids' lots left"),
              int(c[3], symbol, "asks' window end"),
              int(c[4], symbol, "asks' lots left"),
            ];
          }),
    backstops:
      v.backstops === undefined
        ? []
        : list(v.backstops, "state", "backstops").map((raw): BackstopState => {
            const b = list(raw, "backstops", "entry");
            const symbol = text(b[0], "backstops", "symbol");
            const offers = list(b[1], symbol, "offers").map((o): [string, number, number] => {
              const offer = list(o, symbol, "offer");
              const discount = int(offer[1], symbol, "offer discount");
              const left = int(offer[2], symbol, "offer notional");
              if (discount < 0 || discount > 1_000_000 || left < 1) fail(`${symbol} holds a bad backstop offer`);
              return [text(offer[0], symbol, "offer account"), discount, left];
            });
            return [symbol, offers];
          }),
    capDeferrals: v.capDeferrals === undefined ? 0 : int(v.capDeferrals, "state", "capDeferrals"),
    vols:
      v.vols === undefined
        ? []
        : list(v.vols, "state", "vols").map((raw): VolState => {
            const x = list(raw, "vols", "entry");
            const symbol = text(x[0], "vols", "symbol");
            const state: VolState = [
              symbol,
              int(x[1], symbol, "volatility price"),
              int(x[2], symbol, "volatility ts"),
              int(x[3], symbol, "variance"),
            ];
            if (state[1] < 1 || state[2] < 0 || state[3] < 0) fail(`${symbol} holds a bad volatility estimate`);
            return state;
          }),
    placeQueue,
  };
}
