/**
 * Backstop liquidators: standing offers (`backstop` command) to take liquidated positions of an
 * instrument off the book at a discount from the oracle, up to a notional in all. The cheapest
 * offer serves first (ties: the earlier offer); a transfer never goes past the liquidated
 * account's bankruptcy price and leaves the backstop within its initial margin. Each transfer is a
 * `liquidation_backstop` event. Which policy calls on them, for what, is the policy's: soft for
 * what the book cannot take, hyperliquid's vault below 2/3 of maintenance margin, drift's
 * liquidators at its own price.
 */
import type { EventStream } from "../engine/event-stream.js";
import { mulDivCeil, mulDivFloor, PPM } from "../protocol/units.js";
import type { Account, Position } from "./account.js";
import type { OffBookTransfer } from "./auto-deleverage.js";
import type { FundHolder } from "./child-orders.js";
import type { InstrumentMargin } from "./instrument-margin.js";
import { accountExposureSafe, equityOf, exposureSafe, requirement, requirementOf } from "./pre-trade-risk.js";

export class BackstopOffer {
  constructor(
    readonly account: string,
    readonly discountPpm: number,
    /** Notional (quote units) it will still take. */
    public left: number,
  ) {}
}

/** Places an offer (replacing the account's earlier one; `maxNotional` 0 only withdraws it), cheapest first, ties by age. */
export function placeOffer(inst: InstrumentMargin, account: string, discountPpm: number, maxNotional: number): void {
  const offers = inst.backstops;
  const old = offers.findIndex((o) => o.account === account);
  if (old >= 0) offers.splice(old, 1);
  if (maxNotional === 0) return;
  let at = offers.length;
  while (at > 0 && (offers[at - 1] as BackstopOffer).discountPpm > discountPpm) at--;
  offers.splice(at, 0, new BackstopOffer(account, discountPpm, maxNotional));
}

/** The offer's price for `p`'s lots: the oracle less its discount for a long, plus it for a short, rounded toward the oracle. */
export function offerPrice(p: Position, discountPpm: number): number {
  const o = p.instrument.book.oraclePrice;
  return p.qty > 0 ? Math.max(1, mulDivCeil(o, PPM - discountPpm, PPM)) : mulDivFloor(o, PPM + discountPpm, PPM);
}

/**
 * Whether `price` for the whole of `p` leaves its account's equity at zero or more (off the book:
 * no fee). False when the account's figures cannot be priced exactly (an exposure past 2^53).
 */
export function withinBankruptcy(p: Position, price: number): boolean {
  if (!accountExposureSafe(p.account)) return false;
  const o = p.instrument.book.oraclePrice;
  const loss = Math.abs(p.qty) * (p.qty > 0 ? o - price : price - o);
  return loss <= Math.max(0, equityOf(p.account));
}

/** What the backstop side needs of the margin engine: accounts by name, off-book trades, the fund. */
export interface BackstopHost extends OffBookTransfer, FundHolder {
  accountNamed(name: string): Account;
  /** Moves settled collateral between accounts (a vault keeping what a taken-over account had left). */
  moveCollateral(from: Account, to: Account, amount: number): void;
}

/** What a policy charges on a transfer (the insurance fund's share), after it; none by default. */
export type TransferCharge = (p: Position, qty: number, price: number) => number;

const NO_CHARGE: TransferCharge = () => 0;

/**
 * Transfers up to `wanted` lots of `p` to the offers, cheapest first, each at `priceOf(offer)`
 * (null: this offer does not serve), as far as its notional left and its initial margin allow.
 * Returns the lots transferred.
 */
export function takeByOffers(
  p: Position,
  wanted: number,
  priceOf: (offer: BackstopOffer) => number | null,
  host: BackstopHost,
  events: EventStream,
  charge: TransferCharge = NO_CHARGE,
): number {
  const offers = p.instrument.backstops;
  let taken = 0;
  for (let i = 0; i < offers.length && taken < wanted && p.qty !== 0; i++) {
    const offer = offers[i] as BackstopOffer;
    if (offer.account === p.account.name) continue;
    const price = priceOf(offer);
    if (price === null || !withinBankruptcy(p, price)) continue;
    const backstop = host.accountNamed(offer.account);
    const lots = Math.min(wanted - taken, Math.abs(p.qty), Math.floor(offer.left / price));
    const qty = largestWithinMargin(backstop, p.instrument, p.qty > 0, price, lots);
    if (qty === 0) continue;
    transfer(p, backstop, price, qty, host, events, charge);
    offer.left -= qty * price;
    taken += qty;
  }
  if (offers.some((o) => o.left < 1)) p.instrument.backstops = offers.filter((o) => o.left >= 1);
  return taken;
}

/**
 * Books `qty` lots of `p` to `backstop` at `price`, charges the policy's share for the fund, and
 * reports both: `liquidation_backstop`, then `liquidation_reduced` (what the account closed, the
 * charge as its penalty), as for a child order.
 */
export function transfer(
  p: Position,
  backstop: Account,
  price: number,
  qty: number,
  host: BackstopHost,
  events: EventStream,
  charge: TransferCharge = NO_CHARGE,
): void {
  const long = p.qty > 0;
  host.transferOffBook(p, !long, price, qty);
  host.transferOffBook(backstop.positionFor(p.instrument), long, price, qty);
  const e = events.begin();
  e.type = "liquidation_backstop";
  e.account = p.account.name;
  e.counterparty = backstop.name;
  e.symbol = p.instrument.symbol;
  e.side = long ? "sell" : "buy";
  e.price = price;
  e.qty = qty;
  events.publish(e);
  const penalty = charge(p, qty, price);
  p.account.collateral -= penalty;
  host.insuranceFund += penalty;
  const r = events.begin();
  r.type = "liquidation_reduced";
  r.account = p.account.name;
  r.symbol = p.instrument.symbol;
  r.qty = qty;
  r.notional = qty * price;
  r.penalty = penalty;
  r.position = p.qty;
  events.publish(r);
}

/**
 * A venue's liquidator vault taking an account over (hyperliquid below 2/3 of its maintenance
 * margin): every position whole at the oracle, each to the cheapest offer on its instrument that
 * can take all of it within its notional and initial margin, and the account's remaining
 * collateral with them, shared by the notional each took (the rest of the division to the
 * first). All or nothing: when some position finds no offer, nothing moves (false).
 */
export function takeOverAccount(a: Account, host: BackstopHost, events: EventStream): boolean {
  const plan: { p: Position; offer: BackstopOffer; backstop: Account }[] = [];
  for (const p of a.positions) {
    if (p.qty === 0) continue;
    const o = p.instrument.book.oraclePrice;
    const held = Math.abs(p.qty);
    const offer = p.instrument.backstops.find(
      (x) =>
        x.account !== a.name &&
        x.left >= held * o &&
        largestWithinMargin(host.accountNamed(x.account), p.instrument, p.qty > 0, o, held) === held,
    );
    if (offer === undefined) return false;
    plan.push({ p, offer, backstop: host.accountNamed(offer.account) });
  }
  if (plan.length === 0) return false;
  const notionals = plan.map(({ p }) => p.notional());
  for (const { p, offer, backstop } of plan) {
    const o = p.instrument.book.oraclePrice;
    const held = Math.abs(p.qty);
    offer.left -= held * o;
    transfer(p, backstop, o, held, host, events);
  }
  for (const { p } of plan) {
    if (p.instrument.backstops.some((x) => x.left < 1))
      p.instrument.backstops = p.instrument.backstops.filter((x) => x.left >= 1);
  }
  const collateral = Math.max(0, a.collateral);
  if (collateral > 0) {
    const total = notionals.reduce((x, y) => x + y, 0);
    let given = 0;
    for (let i = plan.length - 1; i >= 0; i--) {
      const share = i === 0 ? collateral - given : mulDivFloor(collateral, notionals[i] as number, total);
      given += share;
      host.moveCollateral(a, (plan[i] as (typeof plan)[number]).backstop, share);
    }
  }
  return true;
}

/**
 * The most lots, up to `most`, that `backstop` can take on `inst` (buying when `buy`) at `price`
 * and stay within its initial margin: equity after the transfer (its gain or loss against the
 * oracle) at least its pre-trade requirement with the position grown. Bisection on the count,
 * then checked: the answer is always within margin. Only figures that are exact count: none while
 * the backstop's exposure (lots × oracle) is past a safe integer, before or after.
 */
export function largestWithinMargin(
  backstop: Account,
  inst: InstrumentMargin,
  buy: boolean,
  price: number,
  most: number,
): number {
  if (most <= 0 || !accountExposureSafe(backstop)) return 0;
  const p = backstop.positionIn(inst);
  const o = inst.book.oraclePrice;
  const equity = equityOf(backstop);
  const others = requirementOf(backstop) - (p === null || p.isIdle() ? 0 : ownRequirement(p));
  const fits = (k: number): boolean => {
    const qty = (p?.qty ?? 0) + (buy ? k : -k);
    if (!exposureSafe(inst, qty, p?.openBuyQty ?? 0, p?.openSellQty ?? 0) || !Number.isSafeInteger(k * o)) return false;
    const gain = k * (buy ? o - price : price - o);
    const need =
      others +
      requirement(
        inst,
        qty,
        p?.openBuyQty ?? 0,
        p?.openSellQty ?? 0,
        p?.openBuyNotional ?? 0,
        p?.openSellNotional ?? 0,
      );
    return equity + gain >= need;
  };
  if (fits(most)) return most;
  let lo = 0;
  let hi = most;
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid;
  }
  return lo > 0 && fits(lo) ? lo : 0;
}

function ownRequirement(p: Position): number {
  return requirement(p.instrument, p.qty, p.openBuyQty, p.openSellQty, p.openBuyNotional, p.openSellNotional);
}

/**
 * The smallest number of `p`'s lots whose transfer at `price` brings the account (at `equity`
 * over `mm`) to `target` health (ppm); the whole position when no fewer does. Health in the lots
 * transferred k is (E − k × loss) / (MM − m(n) + m(n − k)), n the lots held, m the position's
 * maintenance margin: within one tier bracket of the rest n − k it moves one way (m is one rate
 * there), so each bracket's lots that reach the target are its first or its last, and bisection
 * finds the first; the brackets are tried from the fewest lots up.
 */
export function restoreLots(p: Position, price: number, equity: number, mm: number, target: number): number {
  const inst = p.instrument;
  const o = inst.book.oraclePrice;
  const held = Math.abs(p.qty);
  const loss = p.qty > 0 ? o - price : price - o;
  const others = mm - inst.tiers.maintenance(held * o);
  const reaches = (k: number): boolean => {
    const after = BigInt(others + inst.tiers.maintenance((held - k) * o));
    return BigInt(equity - k * loss) * BigInt(PPM) >= BigInt(target) * after;
  };
  // Bracket edges in k: the rest n − k moves to a lower tier below ⌊cap / o⌋ lots.
  const edges = [1, held];
  for (let t = 0; t < inst.tiers.count - 1; t++) {
    const k = held - Math.floor(inst.tiers.capOf(t) / o);
    if (k > 1 && k <= held) edges.push(k - 1, k);
  }
  edges.sort((x, y) => x - y);
  for (let i = 0; i + 1 < edges.length; i++) {
    const first = edges[i] as number;
    const last = edges[i + 1] as number;
    if (reaches(first)) return first;
    if (!reaches(last)) continue;
    let lo = first;
    let hi = last; // reaches(hi), not reaches(lo)
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (reaches(mid)) hi = mid;
      else lo = mid;
    }
    return hi;
  }
  return held;
}
