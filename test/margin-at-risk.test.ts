import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Engine } from "../exchange.js";
import { BANKRUPT, HEALTHY, IN_BREACH, STAGE2 } from "../liquidator/account.js";
import type { MarginEngine } from "../liquidator/margin-engine.js";
import { equityOf, maintenanceOf } from "../liquidator/pre-trade-risk.js";
import type { Command } from "../protocol/commands.js";
import { type EventObject, eventToJson, eventToObject } from "../protocol/events.js";
import { marginedFlow, PREAMBLE } from "./margin-flows.js";
import { marginedEngine } from "./margin-helpers.js";

/** These tests watch the monitoring alone: stages are reported, nothing is closed. */
const MONITOR_ONLY = { liquidation: "off" } as const;

/** 100 accounts long 10 @ 100 with collateral 100, 110, …, 1090: breach prices spread below 100. */
function ladder() {
  const m = marginedEngine(MONITOR_ONLY);
  m.run({ type: "oracle", price: 100 }, { type: "limit", id: "seller", side: "sell", price: 100, qty: 1000 });
  for (let i = 0; i < 100; i++) {
    m.run(
      { type: "deposit", account: `a${i}`, amount: 100 + 10 * i },
      { type: "limit", id: `b${i}`, side: "buy", price: 100, qty: 10, account: `a${i}` },
    );
  }
  m.run({ type: "oracle", price: 100 }); // places the triggers of the accounts that just traded
  return m;
}

function breachedNames(margin: MarginEngine): string[] {
  return [...margin.accounts.values()].filter((a) => a.breached).map((a) => a.name);
}

/** The stage an exact scan gives: what the index and the watch lists must agree with. */
function exactStage(margin: MarginEngine, name: string): number {
  const a = margin.accounts.get(name);
  if (a === undefined) return HEALTHY;
  const mm = maintenanceOf(a);
  const equity = equityOf(a);
  if (mm === 0 || equity >= mm) return HEALTHY;
  if (equity < 0) return BANKRUPT;
  return equity * 1_000_000 < 800_000 * mm ? STAGE2 : IN_BREACH; // the default stage-2 health, 80%
}

const STAGES: Record<string, number> = { restored: HEALTHY, breach: IN_BREACH, stage2: STAGE2, bankrupt: BANKRUPT };

type StageEvent = Extract<EventObject, { type: "liquidation_stage" }>;

function stageEvents(events: readonly EventObject[]): StageEvent[] {
  return events.filter((e): e is StageEvent => e.type === "liquidation_stage");
}

function reallyBreached(margin: MarginEngine): string[] {
  return [...margin.accounts.values()]
    .filter((a) => {
      const mm = maintenanceOf(a);
      return mm > 0 && equityOf(a) < mm;
    })
    .map((a) => a.name);
}

/** Account `a` on 400: long 10 X and 10 Y on `ySide`, both opened at 100, MM 10% (monitoring only). */
function twoLegs(ySide: "buy" | "sell") {
  const m = marginedEngine(MONITOR_ONLY);
  const tiers = [{ maxNotional: 1_000_000, imrPpm: 200_000, mmrPpm: 100_000 }];
  m.run(
    { type: "instrument", symbol: "X", tiers },
    { type: "instrument", symbol: "Y", tiers },
    { type: "oracle", symbol: "X", price: 100 },
    { type: "oracle", symbol: "Y", price: 100 },
    { type: "deposit", account: "a", amount: 400 },
    { type: "limit", id: 1, symbol: "X", side: "sell", price: 100, qty: 10 },
    { type: "limit", id: 2, symbol: "X", side: "buy", price: 100, qty: 10, account: "a" },
    { type: "limit", id: 3, symbol: "Y", side: ySide === "buy" ? "sell" : "buy", price: 100, qty: 10 },
    { type: "limit", id: 4, symbol: "Y", side: ySide, price: 100, qty: 10, account: "a" },
  );
  return m;
}

describe("the at-risk index", () => {
  it("re-checks no account on an oracle move that crosses no trigger", () => {
    const m = ladder();
    const before = m.margin.crossedCount;
    m.run({ type: "oracle", price: 99 }, { type: "oracle", price: 120 }, { type: "oracle", price: 95 });
    expect(m.margin.crossedCount).toBe(before);
  });

  it("re-checks exactly the accounts whose trigger a move crosses, and reports those in breach", () => {
    const m = ladder();
    const crossed = [...m.margin.accounts.values()].filter((a) => (a.positions[0]?.down.price ?? 0) >= 85).length;
    const before = m.margin.crossedCount;
    const events = m.run({ type: "oracle", price: 85 });
    expect(m.margin.crossedCount - before).toBe(crossed);
    const expected = reallyBreached(m.margin);
    expect(expected.length).toBeGreaterThan(0);
    expect(expected.length).toBeLessThan(100);
    expect(breachedNames(m.margin)).toEqual(expected);
    const stages = stageEvents(events);
    // the falling tree pops its highest trigger first: the thinnest account (equity below zero)
    expect(stages.map((e) => e.account)).toEqual(expected);
    expect(stages[0]).toMatchObject({ stage: "bankrupt" });
    for (const e of stages) {
      expect(e.stage).toBe(e.equity < 0 ? "bankrupt" : (e.healthPpm as number) < 800_000 ? "stage2" : "breach");
      expect((e.healthPpm as number) < 1_000_000 && e.equity < e.maintenanceMargin).toBe(true);
    }
  });

  it("places a single long's trigger within two ticks of its exact breach price", () => {
    const m = ladder();
    for (const a of m.margin.accounts.values()) {
      const p = a.positions[0];
      if (p === undefined || p.qty === 0) continue;
      const trigger = p.down.price;
      if (trigger === 0) {
        expect(a.collateral).toBeGreaterThanOrEqual(p.entryNotional); // a fully funded long cannot breach
        continue;
      }
      // healthy one tick above the trigger, breached two ticks below it (the bound's rounding costs at most that)
      const equityAt = (o: number) => a.collateral + p.qty * o - p.entryNotional;
      const mmAt = (o: number) => Math.ceil((p.qty * o * 4000) / 1_000_000);
      expect(equityAt(trigger + 1)).toBeGreaterThanOrEqual(mmAt(trigger + 1));
      expect(equityAt(trigger - 2)).toBeLessThan(mmAt(trigger - 2));
    }
  });

  it("reports each change of stage once: stage 2, bankrupt, restored", () => {
    const m = marginedEngine(MONITOR_ONLY);
    m.run(
      { type: "oracle", price: 100 },
      { type: "deposit", account: "a", amount: 50 },
      { type: "limit", id: 1, side: "buy", price: 100, qty: 10 },
      { type: "limit", id: 2, side: "sell", price: 100, qty: 10, account: "a" },
    );
    const stages = () => stageEvents(m.events).map((e) => e.stage);
    // Short 10 from 100 on 50: at 105 equity 0 < MM 5 (health 0: below stage 2's 80%); at 106 equity −10.
    m.run({ type: "oracle", price: 105 });
    expect(stages()).toEqual(["stage2"]);
    m.run({ type: "oracle", price: 106 }, { type: "oracle", price: 107 });
    expect(stages()).toEqual(["stage2", "bankrupt"]);
    m.run({ type: "deposit", account: "a", amount: 1000 });
    expect(m.account("a").breached).toBe(false);
    expect(stages()).toEqual(["stage2", "bankrupt", "restored"]);
    m.run({ type: "oracle", price: 300 });
    expect(stages()).toEqual(["stage2", "bankrupt", "restored", "bankrupt"]);
  });

  it("watches an account in breach on every oracle move: a recovery restores it, a new fall breaches it again", () => {
    const m = marginedEngine(MONITOR_ONLY);
    m.run(
      { type: "instrument", symbol: "X", tiers: [{ maxNotional: 1_000_000, imrPpm: 200_000, mmrPpm: 100_000 }] },
      { type: "oracle", price: 100 },
      { type: "deposit", account: "a", amount: 200 },
      { type: "limit", id: 1, side: "sell", price: 100, qty: 10 },
      { type: "limit", id: 2, side: "buy", price: 100, qty: 10, account: "a" },
    );
    // Long 10 from 100 on 200, MM 10%: equity 10·o − 800 against MM o, so healthy down to 89.
    expect(stageEvents(m.run({ type: "oracle", price: 89 }))).toEqual([]);
    const breach = stageEvents(m.run({ type: "oracle", price: 88 }));
    expect(breach).toMatchObject([
      { account: "a", stage: "breach", equity: 80, maintenanceMargin: 88, healthPpm: 909090 },
    ]);
    expect(m.margin.instrumentList[0]?.watched.length).toBe(1);
    // Still in breach: no event, however it moves inside the stage.
    expect(stageEvents(m.run({ type: "oracle", price: 87 }))).toEqual([]);
    // Deeper: 60 / 86 is below stage 2's 80%.
    expect(stageEvents(m.run({ type: "oracle", price: 86 }))).toMatchObject([{ stage: "stage2", healthPpm: 697674 }]);
    const restored = stageEvents(m.run({ type: "oracle", price: 90 }));
    expect(restored).toMatchObject([{ account: "a", stage: "restored", equity: 100, maintenanceMargin: 90 }]);
    expect(m.account("a").breached).toBe(false);
    expect(m.margin.instrumentList[0]?.watched.length).toBe(0);
    // Healthy again, so back on triggers: the next fall is caught by the index.
    expect(stageEvents(m.run({ type: "oracle", price: 88 })).map((e) => e.stage)).toEqual(["breach"]);
  });

  it("restores an account in breach when another instrument's oracle moves its way", () => {
    const m = twoLegs("sell");
    // Long X, short Y. X at 70: equity 100, MM 170 → breach.
    expect(stageEvents(m.run({ type: "oracle", symbol: "X", price: 70 })).map((e) => e.stage)).toEqual(["stage2"]);
    // Y falls to 60: the short gains 400, equity 500 ≥ MM 130 → restored by Y's move alone.
    const restored = stageEvents(m.run({ type: "oracle", symbol: "Y", price: 60 }));
    expect(restored).toMatchObject([{ account: "a", stage: "restored", equity: 500, maintenanceMargin: 130 }]);
  });

  it("restores an account that trades out of its last position while in breach, with no health to report", () => {
    const lines: string[] = [];
    const engine = new Engine({ ...MONITOR_ONLY, onEvent: (e) => lines.push(eventToJson(e)) });
    const m = marginedEngine(MONITOR_ONLY);
    const commands: Command[] = [
      { type: "oracle", price: 100 },
      { type: "deposit", account: "a", amount: 50 },
      { type: "limit", id: 1, side: "sell", price: 100, qty: 10 },
      { type: "limit", id: 2, side: "buy", price: 100, qty: 10, account: "a" },
      { type: "oracle", price: 95 },
      { type: "limit", id: 3, side: "buy", price: 95, qty: 10 },
      { type: "limit", id: 4, side: "sell", price: 95, qty: 10, account: "a", reduceOnly: true },
    ];
    for (const c of commands) engine.apply(c);
    const events = m.run(...commands);
    expect(stageEvents(events)).toMatchObject([
      { stage: "stage2" },
      { stage: "restored", healthPpm: null, equity: 0, maintenanceMargin: 0 },
    ]);
    expect(lines.at(-1)).toBe(
      '{"seq":11,"ts":0,"type":"liquidation_stage","account":"a","stage":"restored","healthPpm":null,"equity":0,"maintenanceMargin":0}',
    );
    expect(JSON.parse(lines.at(-1) as string)).toEqual(events.at(-1));
  });

  it("reports a long whose rising notional crosses into a bracket it cannot carry", () => {
    const m = marginedEngine(MONITOR_ONLY);
    m.run(
      {
        type: "instrument",
        symbol: "X",
        tiers: [
          { maxNotional: 1000, imrPpm: 200_000, mmrPpm: 100_000 },
          { maxNotional: 1_000_000, imrPpm: 1_000_000, mmrPpm: 900_000 },
        ],
      },
      { type: "oracle", price: 100 },
      { type: "deposit", account: "a", amount: 200 },
      { type: "limit", id: 1, side: "sell", price: 100, qty: 10 },
      { type: "limit", id: 2, side: "buy", price: 100, qty: 10, account: "a" },
    );
    // At 101 the notional 1010 is in the 90% bracket: MM 909 > equity 210, though the price rose.
    const events = m.run({ type: "oracle", price: 101 });
    expect(events.map((e) => e.type)).toEqual(["accepted", "liquidation_stage"]);
  });

  it("catches a breach that takes moves on two instruments, each harmless alone", () => {
    const m = twoLegs("buy");
    // X at 85: equity 250, MM 185. Then Y at 85: equity 100, MM 170.
    expect(m.run({ type: "oracle", symbol: "X", price: 85 }).map((e) => e.type)).toEqual(["accepted"]);
    expect(m.run({ type: "oracle", symbol: "Y", price: 85 }).map((e) => e.type)).toEqual([
      "accepted",
      "liquidation_stage",
    ]);
  });

  it("keeps every account's stage exact after every command, and reports every change once", () => {
    fc.assert(
      fc.property(marginedFlow(3), (commands: Command[]) => {
        const stages: StageEvent[] = [];
        const engine = new Engine({
          ...MONITOR_ONLY,
          onEvent: (e) => {
            if (e.type === "liquidation_stage") stages.push(eventToObject(e) as StageEvent);
          },
        });
        const margin = engine.marginEngine as MarginEngine;
        const last = new Map<string, number>();
        for (const c of PREAMBLE) engine.apply(c);
        for (const c of commands) {
          stages.length = 0;
          engine.apply(c);
          for (const e of stages) {
            const stage = STAGES[e.stage] as number;
            expect(stage).not.toBe(last.get(e.account) ?? HEALTHY); // a change, not a repeat
            last.set(e.account, stage);
          }
          for (const a of margin.accounts.values()) {
            expect(a.stage).toBe(exactStage(margin, a.name));
            expect(last.get(a.name) ?? HEALTHY).toBe(a.stage);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  it("emits liquidation_stage events with a fixed field order", () => {
    const events: string[] = [];
    const engine = new Engine({ ...MONITOR_ONLY, onEvent: (e) => events.push(JSON.stringify(eventToObject(e))) });
    for (const c of [
      { type: "oracle", price: 100 },
      { type: "deposit", account: "a", amount: 10 },
      { type: "limit", id: 1, side: "sell", price: 100, qty: 10 },
      { type: "limit", id: 2, side: "buy", price: 100, qty: 10, account: "a" },
      { type: "oracle", price: 99 },
    ]) {
      engine.apply(c);
    }
    expect(events.at(-1)).toBe(
      '{"seq":7,"ts":0,"type":"liquidation_stage","account":"a","stage":"stage2","healthPpm":0,"equity":0,"maintenanceMargin":4}',
    );
  });
});
