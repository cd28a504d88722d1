import { describe, expect, it } from "vitest";
import { buildBook } from "../bench/book-builder.js";
import { nowNs, spinUntil } from "../bench/clock.js";
import { CANCEL, categoriesOf, mixedFlow } from "../bench/flows.js";
import { LatencySamples } from "../bench/latency-samples.js";
import { DenqueQueue, IntrusiveQueue, type LevelQueue } from "../bench/level-queue.bench.js";
import { MapFloor } from "../bench/peers/map-floor.js";
import { CANCEL_OP, LIMIT_OP, MARKET_OP, MODIFY_OP, toPeerOp } from "../bench/peers/nodejs-order-book.js";
import { openLoop } from "../bench/suites/latency.js";
import { withoutAccounts } from "../bench/suites/margined-flow.js";
import { baseBook, primitives } from "../bench/suites/primitives.js";
import { steadyWorkload } from "../bench/suites/scaling.js";
import { MatchingEngine } from "../engine/engine.js";
import { Order } from "../engine/order.js";
import { Engine as MarginedEngine } from "../exchange.js";
import type { Command } from "../protocol/commands.js";
import { generateFlow } from "../sim/flow-generator.js";

function countingRejects(): { engine: MatchingEngine; rejects: string[] } {
  const rejects: string[] = [];
  const engine = new MatchingEngine({
    onEvent: (e) => {
      if (e.type === "rejected") rejects.push(e.reason);
    },
  });
  return { engine, rejects };
}

describe("the peer adapter", () => {
  it("carries ids as strings and keeps time in force, post-only and self-trade prevention", () => {
    const op = toPeerOp({
      type: "limit",
      id: 7,
      side: "sell",
      price: 101,
      qty: 3,
      tif: "FOK",
      postOnly: true,
      account: "a1",
      stp: "expire_both",
    });
    expect(op.kind).toBe(LIMIT_OP);
    expect(op.limit).toEqual({
      id: "7",
      side: "sell",
      size: 3,
      price: 101,
      timeInForce: "FOK",
      postOnly: true,
      accountId: "a1",
      stpMode: "EXPIRE_BOTH",
    });
  });

  it("drops what the peer cannot express: a market order's protection bound", () => {
    const op = toPeerOp({ type: "market", id: 8, side: "buy", qty: 5, protectionPpm: 5_000 });
    expect(op.kind).toBe(MARKET_OP);
    expect(op.market).toEqual({ side: "buy", size: 5 });
  });

  it("maps cancel and modify by string id", () => {
    expect(toPeerOp({ type: "cancel", id: 9 })).toMatchObject({ kind: CANCEL_OP, id: "9" });
    expect(toPeerOp({ type: "modify", id: 9, qty: 2 })).toMatchObject({
      kind: MODIFY_OP,
      id: "9",
      update: { size: 2 },
    });
  });
});

describe("the benchmark workloads", () => {
  it("returns the primitives' book to the same size after every iteration, without a reject", () => {
    const { engine, rejects } = countingRejects();
    const base = baseBook();
    for (const c of base) engine.apply(c);
    const resting = engine.liveOrderCount;
    for (const p of primitives()) {
      for (let iteration = 0; iteration < 2; iteration++) {
        for (const c of [...p.before, ...p.timed, ...p.after]) engine.apply(c);
        expect(engine.liveOrderCount, p.name).toBe(resting);
      }
    }
    expect(rejects).toEqual([]);
  });

  it("keeps a scaling book's size steady and applies its workload without a reject", () => {
    const { engine, rejects } = countingRejects();
    const shape = { orders: 1_000, levels: 10 };
    const firstId = buildBook(engine, shape);
    for (const c of steadyWorkload(shape, firstId, 5_000, 1)) engine.apply(c);
    expect(rejects).toEqual([]);
    expect(engine.liveOrderCount).toBeGreaterThan(500);
    expect(engine.liveOrderCount).toBeLessThan(1_500);
  });

  it("margins every limit order of the margined flow and strips the margin off the bare one", () => {
    const margined = generateFlow({ commands: 5_000, seed: 3, accountPpm: 1_000_000 });
    const limits = margined.filter((c) => c.type === "limit");
    expect(limits.every((c) => c.account !== undefined)).toBe(true);
    const bare = withoutAccounts(margined);
    expect(bare.some((c) => c.type === "deposit")).toBe(false);
    expect(bare.some((c) => "account" in c || "stp" in c)).toBe(false);
    expect(bare).toHaveLength(margined.length - margined.filter((c) => c.type === "deposit").length);
    // The collateral covers everything: the margin layer refuses nothing on either flow.
    for (const flow of [margined, bare]) {
      const reasons: string[] = [];
      const engine = new MarginedEngine({ onEvent: (e) => e.type === "rejected" && reasons.push(e.reason) });
      for (const c of flow) engine.apply(c);
      expect(reasons.filter((r) => r === "INSUFFICIENT_MARGIN" || r === "NO_MARK_PRICE")).toEqual([]);
    }
  });

  it("lets the floor store, find and delete orders and nothing else", () => {
    const floor = new MapFloor();
    const flow: Command[] = [
      { type: "limit", id: 1, side: "buy", price: 10, qty: 1 },
      { type: "modify", id: 1, qty: 2 },
      { type: "cancel", id: 1 },
      { type: "limit", id: 2, side: "sell", price: 11, qty: 1 },
    ];
    for (const c of flow) floor.apply(c);
    expect([...floor.orders.keys()]).toEqual([2]);
  });
});

describe("latency samples", () => {
  it("summarizes all samples and each command type separately", () => {
    const samples = new LatencySamples(100);
    for (let i = 0; i < 100; i++) {
      samples.ns[i] = i < 50 ? 100 : 1_000;
      samples.category[i] = i < 50 ? 0 : CANCEL;
    }
    samples.count = 100;
    const summary = samples.summarize();
    expect(summary.all?.count).toBe(100);
    expect(summary["limit GTC"]?.p99).toBeLessThanOrEqual(101);
    expect(summary.cancel?.p50).toBeGreaterThanOrEqual(999);
    expect(summary.market).toBeUndefined();
  });
});

describe("the level queues under comparison", () => {
  function fillOrder(queue: LevelQueue): number[] {
    const orders: Order[] = [];
    for (let i = 0; i < 200; i++) {
      const o = new Order();
      o.id = i;
      o.open = 1;
      orders.push(o);
      queue.append(o);
    }
    // Cancel every third order, then fill everything that is left from the front.
    for (let i = 0; i < 200; i += 3) queue.cancel(orders[i] as Order);
    const filled: number[] = [];
    for (let o = queue.popFront(); o !== null; o = queue.popFront()) filled.push(o.id as number);
    return filled;
  }

  it("fill the same orders in the same time priority, cancelled ones skipped", () => {
    const intrusive = fillOrder(new IntrusiveQueue());
    const denque = fillOrder(new DenqueQueue());
    expect(intrusive).toHaveLength(133);
    expect(denque).toEqual(intrusive);
  });
});

describe("open-loop harness", () => {
  it("spinUntil returns a clock reading at or after the target", () => {
    for (const ahead of [0, 500, 5_000, 50_000]) {
      const target = nowNs() + ahead;
      expect(spinUntil(target)).toBeGreaterThanOrEqual(target);
    }
  });

  it("applies every command once, in order, and times each from its scheduled arrival", () => {
    const flow = mixedFlow(3_000);
    const applied: Command[] = [];
    const run = openLoop({ apply: (c) => applied.push(c) }, flow, categoriesOf(flow), 1_000, 2_000, 2_000_000);
    expect(applied).toEqual(flow.slice(1_000, 3_000));
    expect(run.samples.count).toBe(2_000);
    // A command cannot complete before it was scheduled to arrive.
    for (let i = 0; i < run.samples.count; i++) expect(run.samples.ns[i]).toBeGreaterThanOrEqual(0);
    expect(run.achieved).toBeGreaterThan(0);
  });
});
