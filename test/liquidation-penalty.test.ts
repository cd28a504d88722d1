import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { exportState, restoreState } from "../engine/state-snapshot.js";
import { Engine } from "../exchange.js";
import type { Account } from "../liquidator/account.js";
import type { LiquidationMode } from "../liquidator/liquidation-params.js";
import type { MarginEngine } from "../liquidator/margin-engine.js";
import { DEFAULT_TIERS } from "../liquidator/margin-tiers.js";
import { healthPpmOf } from "../liquidator/money.js";
import { penaltyRoom, slicePenalty } from "../liquidator/penalty.js";
import { equityOf, maintenanceOf } from "../liquidator/pre-trade-risk.js";
import type { Command, LiquidationParams, MarginTier } from "../protocol/commands.js";
import { type EventObject, eventToObject } from "../protocol/events.js";
import { HAND_WORKED } from "./support/hand-worked.js";

type Of<T extends EventObject["type"]> = Extract<EventObject, { type: T }>;
const ofType = <T extends EventObject["type"]>(events: readonly EventObject[], type: T): Of<T>[] =>
  events.filter((e): e is Of<T> => e.type === type);

interface Case {
  mode: LiquidationMode;
  collateral: number;
  /** Account `a` goes long `qty` at `open` (default 100 at 1,000). */
  qty?: number;
  open?: number;
  oracle: number;
  bids: [number, number][];
  tiers?: MarginTier[];
  liquidation?: LiquidationParams;
  takerFeePpm?: number;
  /** Ticks after the shock, one slice interval apart (default 100 ms intervals, 200 ticks). */
  ticks?: number;
}

/** Health of every slice, read when its liquidation_order and its liquidation_reduced are published. */
interface Slice {
  before: [number, number];
  after: [number, number];
  penalty: number;
}

interface Outcome {
  events: EventObject[];
  account: Account;
  margin: MarginEngine;
  slices: Slice[];
  deposits: number;
  engine: Engine;
}

/**
 * The flow: an instrument (the default tiers unless given), a margined maker `m` with a large
 * deposit that sells `a` its position at `open`, `m`'s bids below, the oracle moved to `oracle`,
 * then time passing. Every order is margined, so Σ equity + fees + fund = Σ deposits exactly.
 */
function play(c: Case): Outcome {
  const qty = c.qty ?? 100;
  const open = c.open ?? 1000;
  const interval = c.liquidation?.sliceIntervalNs ?? 100_000_000;
  const events: EventObject[] = [];
  const slices: Slice[] = [];
  let margin: MarginEngine | null = null;
  const healthOf = (): [number, number] => {
    const a = (margin as MarginEngine).accounts.get("a") as Account;
    return [equityOf(a), maintenanceOf(a)];
  };
  let pending: [number, number] = [0, 0];
  const engine = new Engine({
    liquidation: c.mode,
    onEvent(e) {
      if (e.type === "liquidation_order" && e.account === "a") pending = healthOf();
      if (e.type === "liquidation_reduced" && e.account === "a") {
        slices.push({ before: pending, after: healthOf(), penalty: e.penalty });
      }
      events.push(eventToObject(e));
    },
  });
  margin = engine.marginEngine as MarginEngine;
  const makerDeposit = 10 * qty * open;
  const commands: Command[] = [
    {
      type: "instrument",
      symbol: "X",
      ...(c.tiers === undefined ? {} : { tiers: c.tiers }),
      ...(c.takerFeePpm === undefined ? {} : { takerFeePpm: c.takerFeePpm }),
      liquidation: { ...HAND_WORKED, ...c.liquidation },
    },
    { type: "oracle", price: open },
    { type: "deposit", account: "a", amount: c.collateral },
    { type: "deposit", account: "m", amount: makerDeposit },
    { type: "limit", id: "open-maker", side: "sell", price: open, qty, account: "m" },
    { type: "limit", id: "open", side: "buy", price: open, qty, account: "a" },
    ...c.bids.map(
      ([price, lots], n): Command => ({
        type: "limit",
        id: `bid${n}`,
        side: "buy",
        price,
        qty: lots,
        account: "m",
      }),
    ),
    { type: "oracle", price: c.oracle, ts: 1 },
  ];
  for (let t = 1; t <= (c.ticks ?? 200); t++) commands.push({ type: "tick", ts: 1 + t * interval });
  for (const command of commands) engine.apply(command);
  return {
    events,
    account: margin.accounts.get("a") as Account,
    margin,
    slices,
    deposits: c.collateral + makerDeposit,
    engine,
  };
}

const health = ([equity, mm]: [number, number]): number => (mm === 0 ? Number.POSITIVE_INFINITY : equity / mm);

describe("the penalty rule", () => {
  it("never takes more than its share of the slice's health-neutral room, nor more than the nominal rate", () => {
    // E 200 over MM 400 (50%); a slice gains 10 and releases 100 of MM: room 10 + 200 × 100 / 400 = 60.
    expect(penaltyRoom(200, 400, 10, 100)).toBe(60);
    expect(slicePenalty(5_000, 500_000, 10_000, 200, 400, 10, 100)).toBe(30); // half the room < 50 nominal
    expect(slicePenalty(5_000, 1_000_000, 10_000, 200, 400, 10, 100)).toBe(50); // the nominal binds
    expect(slicePenalty(5_000, 500_000, 10_000, 200, 400, -60, 100)).toBe(0); // the slice lowered health
    expect(slicePenalty(5_000, 500_000, 10_000, 0, 400, 10, 100)).toBe(0); // no equity, nothing to charge
  });

  it("leaves health at least where it was, whatever the slice (property)", () => {
    const args = fc.record({
      equity: fc.integer({ min: 1, max: 10_000_000 }),
      mm: fc.integer({ min: 1, max: 10_000_000 }),
      releasedShare: fc.integer({ min: 0, max: 1_000_000 }),
      gain: fc.integer({ min: -1_000_000, max: 1_000_000 }),
      notional: fc.integer({ min: 1, max: 1_000_000_000 }),
      penaltyPpm: fc.integer({ min: 0, max: 100_000 }),
      share: fc.integer({ min: 0, max: 1_000_000 }),
    });
    fc.assert(
      fc.property(args, (s) => {
        const released = Math.floor((s.mm * s.releasedShare) / 1_000_000);
        const penalty = slicePenalty(s.penaltyPpm, s.share, s.notional, s.equity, s.mm, s.gain, released);
        expect(penalty).toBeGreaterThanOrEqual(0);
        if (penalty === 0) return;
        const after = s.equity + s.gain - penalty;
        const mmAfter = s.mm - released;
        // after / mmAfter ≥ equity / mm, exactly, in BigInt
        if (mmAfter > 0) expect(BigInt(after) * BigInt(s.mm) >= BigInt(s.equity) * BigInt(mmAfter)).toBe(true);
      }),
      { numRuns: 500 },
    );
  });
});

describe("soft liquidation with the default tiers (the penalty spiral)", () => {
  // Long 100 at 1,000 on 1,000 (default first tier: IM 0.8%, MM 0.4%, penalty 0.5%); oracle 992:
  // equity 200 against MM 397 (50.3%).
  const spiral: Omit<Case, "mode"> = {
    collateral: 1_000,
    oracle: 992,
    bids: [
      [995, 30],
      [994, 30],
      [993, 30],
      [990, 100],
    ],
  };
  // The 5,000-collateral variant: oracle 953, equity 300 against MM 382 (78.5%, stage 2).
  const variant: Omit<Case, "mode"> = {
    collateral: 5_000,
    oracle: 953,
    bids: [
      [952, 30],
      [951, 30],
      [950, 30],
      [945, 100],
    ],
  };

  it.each([
    ["the 1,000-collateral case", spiral],
    ["the 5,000-collateral variant", variant],
  ])("%s: restores the account with a partial close and leaves it better off than hard mode", (_, c) => {
    const soft = play({ ...c, mode: "soft" });
    const hard = play({ ...c, mode: "hard" });
    const a = soft.account;
    const held = a.positions[0]?.qty as number;
    expect(held).toBeGreaterThan(0); // partial
    expect(held).toBeLessThan(100);
    expect(healthPpmOf(equityOf(a), maintenanceOf(a))).toBeGreaterThanOrEqual(1_250_000);
    expect(a.stage).toBe(0); // restored: healthy
    expect(ofType(soft.events, "liquidation_stage").at(-1)?.stage).toBe("restored");
    expect(hard.account.positions[0]?.qty).toBe(0);
    expect(equityOf(a)).toBeGreaterThan(equityOf(hard.account));
    // Every slice raised health; each penalised one raised it with its penalty paid.
    for (const s of soft.slices) expect(health(s.after)).toBeGreaterThanOrEqual(health(s.before));
  });

  it("the 1,000-collateral case: the figures worked by hand", () => {
    // Stage 2 (50% < 80%): 20% of the depth inside the limit, the bankruptcy price 992 − 200 / 100 = 990
    // (the 1% bound, 983, lies beyond it), each level weighted by its distance from the touch 995 over the
    // bound's 10 ticks: 30 + floor(30 × 0.91) + floor(30 × 0.82) + floor(100 × 0.55) = 30 + 27 + 24 + 55 = 136
    // → 27 lots, all at 995: a gain of 81 against the oracle; MM released 397 − ceil(73 × 992 × 0.4%) =
    // 397 − 290 = 107; room 81 + floor(200 × 107 / 397) = 81 + 53 = 134; penalty min(floor(0.5% × 26,865) =
    // 134, floor(134 / 2) = 67) = 67.
    const soft = play({ ...spiral, mode: "soft" });
    const [first] = ofType(soft.events, "liquidation_reduced");
    expect(first).toMatchObject({ qty: 27, notional: 26_865, penalty: 67, position: 73 });
    expect(soft.slices[0]?.after).toEqual([200 + 81 - 67, 290]);
  });

  it("holds on every tier of the default table: a breached account is restored by a partial close", () => {
    // One account per tier, at its maximum leverage, the oracle moved to halfway between IM and MM, and a
    // book of 20 levels 0.02% apart near the touch (each a tenth of the position).
    for (let tier = 0; tier < DEFAULT_TIERS.length - 1; tier++) {
      const t = DEFAULT_TIERS[tier] as MarginTier;
      const low = tier === 0 ? 0 : (DEFAULT_TIERS[tier - 1] as MarginTier).maxNotional;
      const open = 100_000;
      const qty = Math.floor((low + (t.maxNotional - low) / 2) / open);
      const im = Math.ceil((qty * open * t.imrPpm) / 1_000_000);
      // Health after the move: (IM − 1% of notional) / MM at the new price; pick a move that breaches it.
      const move = Math.ceil((t.imrPpm + t.mmrPpm) / 2);
      const oracle = open - Math.ceil((open * move) / 1_000_000);
      const bids: [number, number][] = Array.from({ length: 20 }, (_, i) => [
        oracle - Math.ceil((oracle * i * 2) / 10_000),
        Math.ceil(qty / 10),
      ]);
      const c = { collateral: im, qty, open, oracle, bids, ticks: 400 };
      const soft = play({ ...c, mode: "soft" });
      const hard = play({ ...c, mode: "hard" });
      const a = soft.account;
      expect(ofType(soft.events, "liquidation_stage")[0]?.stage, `tier ${tier}`).not.toBe("restored");
      const left = a.positions[0]?.qty as number;
      expect(left, `tier ${tier}`).toBeGreaterThan(0);
      expect(healthPpmOf(equityOf(a), maintenanceOf(a)), `tier ${tier}`).toBeGreaterThanOrEqual(1_250_000);
      expect(equityOf(a), `tier ${tier}`).toBeGreaterThanOrEqual(equityOf(hard.account));
      for (const s of soft.slices) if (s.penalty > 0) expect(health(s.after)).toBeGreaterThan(health(s.before));
    }
  });
});

/**
 * Cross margin with MM 5%: `a` long 100 X and 100 Y at 1,000 on 20,000 (IM 10%). Both oracles at 945:
 * equity 9,000 against MM 9,450 (95.2%). X's bankruptcy price 945 − 9,000 / 100 = 855 (all the equity
 * backs it); X's only bids at 880 lose 65 a lot against the oracle while a lot releases 47.25 of MM,
 * worth 45 of equity at 95%: every lot sold lowers health, and closing all of X leaves 2,500 against
 * Y's 4,725 (53%). No bids on Y.
 */
function crossMargined(
  mode: LiquidationMode,
  ticks: number,
  extra: LiquidationParams = {},
): { engine: Engine; events: EventObject[]; a: () => Account } {
  const events: EventObject[] = [];
  const engine = new Engine({ liquidation: mode, onEvent: (e) => events.push(eventToObject(e)) });
  const tiers = [{ maxNotional: 1e12, imrPpm: 100_000, mmrPpm: 50_000 }];
  const liquidation = { maxSlippagePpm: 100_000, sliceIntervalNs: 1_000, participationPpm: 20_000, ...extra };
  const flow: Command[] = [
    { type: "instrument", symbol: "X", tiers, liquidation: { ...HAND_WORKED, ...liquidation } },
    { type: "instrument", symbol: "Y", tiers, liquidation: { ...HAND_WORKED, ...liquidation } },
    { type: "oracle", symbol: "X", price: 1000 },
    { type: "oracle", symbol: "Y", price: 1000 },
    { type: "deposit", account: "a", amount: 20_000 },
    { type: "deposit", account: "m", amount: 100_000_000 },
    { type: "limit", id: "mx", side: "sell", price: 1000, qty: 100, symbol: "X", account: "m" },
    { type: "limit", id: "ax", side: "buy", price: 1000, qty: 100, symbol: "X", account: "a" },
    { type: "limit", id: "my", side: "sell", price: 1000, qty: 100, symbol: "Y", account: "m" },
    { type: "limit", id: "ay", side: "buy", price: 1000, qty: 100, symbol: "Y", account: "a" },
    { type: "limit", id: "bx", side: "buy", price: 880, qty: 1_000, symbol: "X", account: "m" },
    { type: "oracle", symbol: "Y", price: 945, ts: 1 },
    { type: "oracle", symbol: "X", price: 945, ts: 2 },
  ];
  for (let t = 1; t <= ticks; t++) flow.push({ type: "tick", ts: 2 + t * 1_000 });
  for (const c of flow) engine.apply(c);
  const margin = engine.marginEngine as MarginEngine;
  return { engine, events, a: () => margin.accounts.get("a") as Account };
}

describe("an account no partial close can restore", () => {
  it("is reported unrestorable and worked down whole, paced, without a penalty on slices that lower health", () => {
    const soft = crossMargined("soft", 100, { unrestorableRampNs: 0 });
    const stages = ofType(soft.events, "liquidation_stage").map((e) => e.stage);
    expect(stages).toEqual(["breach", "unrestorable"]);
    const reduced = ofType(soft.events, "liquidation_reduced");
    expect(reduced.length).toBeGreaterThan(1); // paced, not at once
    for (const r of reduced) expect(r.penalty).toBe(0);
    const a = soft.a();
    expect(a.positions[0]?.qty).toBe(0); // X closed whole
    expect(a.positions[1]?.qty).toBe(100); // Y has no bids: it waits
    expect(equityOf(a)).toBe(2_500);
    const hard = crossMargined("hard", 100);
    expect(equityOf(soft.a())).toBeGreaterThan(equityOf(hard.a())); // hard paid 0.5% on 88,000
  });

  it("is worked down on the ramp: the participation share at once, the whole position only at its end", () => {
    // The first slice at the shock (ts 2), then one a tick (1 µs apart); the ramp 50 µs: the lots
    // closed may reach 2% (the participation) + 2% a µs of the 100 held when the ramp began.
    const run = (ticks: number) => crossMargined("soft", ticks, { unrestorableRampNs: 50_000 });
    const closedBy = (ticks: number): number => 100 - (run(ticks).a().positions[0]?.qty as number);
    expect(closedBy(0)).toBe(2);
    expect(closedBy(1)).toBe(4);
    expect(closedBy(10)).toBe(22);
    expect(closedBy(25)).toBe(52);
    expect(closedBy(48)).toBe(98); // still open just before the end of the ramp
    expect(closedBy(49)).toBe(100);
    const mid = run(10);
    const p = mid.a().positions[0];
    expect(p?.rampSince).toBe(2);
    expect(p?.rampQty).toBe(100);
    expect(mid.engine.stateHash()).toBe(run(10).engine.stateHash());
    expect(mid.engine.stateHash()).not.toBe(crossMargined("soft", 10, { unrestorableRampNs: 0 }).engine.stateHash());
    // A snapshot mid-ramp carries its clock: the copy closes on the same schedule as the original.
    const copy = restoreState(JSON.parse(JSON.stringify(exportState(mid.engine))), new Engine({ liquidation: "soft" }));
    expect(copy.stateHash()).toBe(mid.engine.stateHash());
    for (let t = 11; t <= 30; t++) {
      mid.engine.apply({ type: "tick", ts: 2 + t * 1_000 });
      copy.apply({ type: "tick", ts: 2 + t * 1_000 });
    }
    expect(copy.stateHash()).toBe(mid.engine.stateHash());
    expect(copy.account("a")?.positions.X?.qty).toBe(100 - 62);
  });

  it("becomes restorable again when the book refills near the oracle", () => {
    const soft = crossMargined("soft", 0);
    expect(soft.a().stage).toBe(4); // UNRESTORABLE
    const from = soft.events.length;
    soft.engine.apply({
      type: "limit",
      id: "near",
      side: "buy",
      price: 944,
      qty: 500,
      symbol: "X",
      account: "m",
      ts: 10,
    });
    for (let t = 1; t <= 50; t++) soft.engine.apply({ type: "tick", ts: 10 + t * 1_000 });
    const stages = ofType(soft.events.slice(from), "liquidation_stage").map((e) => e.stage);
    expect(stages[0]).toBe("breach");
    expect(stages.at(-1)).toBe("restored");
    expect(soft.a().positions[0]?.qty).toBeGreaterThan(0); // restored by a partial close of X
  });
});

/** The tier tables the property draws from: the default one, and small random ones. */
const tierTables = fc.oneof(
  fc.constant(DEFAULT_TIERS as MarginTier[]),
  fc
    .array(
      fc.record({
        step: fc.integer({ min: 1_000_000, max: 50_000_000 }),
        mmr: fc.integer({ min: 2_000, max: 60_000 }),
        extra: fc.integer({ min: 0, max: 60_000 }),
      }),
      { minLength: 1, maxLength: 4 },
    )
    .map((rows) => {
      let cap = 0;
      let mmr = 0;
      return rows.map((r, i): MarginTier => {
        cap += r.step;
        mmr = Math.max(mmr, r.mmr); // rates rise with notional, as venues' brackets do
        return {
          maxNotional: i === rows.length - 1 ? 1e15 : cap,
          imrPpm: Math.min(1_000_000, mmr + r.extra),
          mmrPpm: mmr,
        };
      });
    }),
);

const scenario = fc.record({
  tiers: tierTables,
  tierPick: fc.integer({ min: 0, max: 9 }),
  where: fc.integer({ min: 1, max: 999 }), // per mille into the tier's range of notional
  open: fc.integer({ min: 1_000, max: 100_000 }),
  leverage: fc.integer({ min: 1_000_000, max: 3_000_000 }), // collateral = IM × this / 1e6: up to the tier's maximum leverage
  healthPpm: fc.integer({ min: -300_000, max: 990_000 }), // the health the shock leaves (before any liquidation)
  // Bids below the oracle (ppm away): mostly near the touch, some deep; each a share (per mille) of the position.
  levels: fc.array(
    fc.tuple(
      fc.oneof(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 0, max: 30_000 })),
      fc.integer({ min: 1, max: 1_000 }),
    ),
    {
      minLength: 1,
      maxLength: 8,
    },
  ),
  penaltyPpm: fc.integer({ min: 0, max: 30_000 }),
  gainShare: fc.integer({ min: 0, max: 1_000_000 }),
  slippage: fc.integer({ min: 1_000, max: 100_000 }),
  participation: fc.integer({ min: 10_000, max: 1_000_000 }),
  target: fc.integer({ min: 1_000_000, max: 2_000_000 }),
  takerFeePpm: fc.integer({ min: 0, max: 1_000 }),
});

/** What the account's own trading left: its equity less what the insurance fund paid it. */
function ownEquity(o: Outcome): number {
  const paid = ofType(o.events, "liquidation_insurance").reduce((n, e) => n + (e.account === "a" ? e.amount : 0), 0);
  return equityOf(o.account) - paid;
}

describe("soft against hard on the same book and flow (property)", () => {
  it("never leaves less equity than hard, never charges a penalty on a slice that lowered health, never leaves the account in debt; money conserved", () => {
    fc.assert(
      fc.property(scenario, (s) => {
        const tier = Math.min(s.tierPick, s.tiers.length - 1);
        const t = s.tiers[tier] as MarginTier;
        const low = tier === 0 ? 0 : (s.tiers[tier - 1] as MarginTier).maxNotional;
        const high = Math.min(t.maxNotional, low * 2 + 1e8, 2e13);
        const notional = low + Math.floor(((high - low) * s.where) / 1_000);
        const qty = Math.max(1, Math.floor(notional / s.open));
        const im = Math.ceil((qty * s.open * t.imrPpm) / 1_000_000);
        const collateral = Math.max(1, Math.ceil((im * s.leverage) / 1_000_000));
        // The oracle at which equity / MM = healthPpm (MM at the tier's rate): (q·open − C) / (q·(1 − h·mmr)).
        const hm = (s.healthPpm * t.mmrPpm) / 1e12;
        const oracle = Math.max(1, Math.round((qty * s.open - collateral) / (qty * (1 - hm))));
        const bids = s.levels.map(([offset, per]): [number, number] => [
          Math.max(1, oracle - Math.ceil((oracle * offset) / 1_000_000)),
          Math.max(1, Math.floor((qty * per) / 1_000)),
        ]);
        const liquidation = {
          penaltyPpm: s.penaltyPpm,
          penaltyGainSharePpm: s.gainShare,
          maxSlippagePpm: s.slippage,
          participationPpm: s.participation,
          targetHealthPpm: s.target,
          sliceIntervalNs: 1_000,
        };
        const c = {
          collateral,
          qty,
          open: s.open,
          oracle,
          bids,
          tiers: s.tiers,
          liquidation,
          takerFeePpm: s.takerFeePpm,
        };
        const soft = play({ ...c, mode: "soft", ticks: 300 });
        const hard = play({ ...c, mode: "hard", ticks: 3 });
        for (const o of [soft, hard]) {
          const report = o.engine.accounts();
          const equity = Object.values(report.accounts).reduce((n, a) => n + a.equity, 0);
          expect(equity + report.feesCollected + report.insuranceFund).toBe(o.deposits);
        }
        // Up to the fee's rounding: each fill's fee rounds up on its own, so soft's extra fills (many
        // small children where hard sent one) may cost one quote unit each.
        const fills = (o: Outcome): number => ofType(o.events, "fill").filter((f) => f.liquidation).length;
        const rounding = s.takerFeePpm > 0 ? Math.max(0, fills(soft) - fills(hard)) : 0;
        // Auto-deleveraging trades at the bankruptcy price rounded to a whole tick, which can leave the
        // deleveraged account up to a tick a lot above zero: a windfall, not the liquidator's doing.
        const adl = (o: Outcome): boolean => ofType(o.events, "liquidation_adl").length > 0;
        if (!adl(soft) && !adl(hard)) expect(ownEquity(soft) + rounding).toBeGreaterThanOrEqual(ownEquity(hard));
        for (const slice of soft.slices) {
          if (slice.penalty === 0) continue;
          const [e0, m0] = slice.before;
          const [e1, m1] = slice.after;
          if (m1 > 0) expect(BigInt(e1) * BigInt(m0) >= BigInt(e0) * BigInt(m1)).toBe(true);
        }
        // Soft sells nothing past the bankruptcy price and holds a bankrupt account: it never leaves
        // the account flat in debt, and at zero equity or below it sent nothing.
        expect(ofType(soft.events, "liquidation_insurance")).toEqual([]);
        if (equityOf(soft.account) <= 0) expect(ofType(soft.events, "liquidation_reduced")).toEqual([]);
      }),
      { numRuns: 200 },
    );
  });
});
