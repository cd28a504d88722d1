import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { validateInternalState } from "../engine/consistency.js";
import type { MatchingEngine } from "../engine/engine.js";
import { type Command, type OrderId, STP_NAMES } from "../protocol/commands.js";
import type { EventObject } from "../protocol/events.js";
import { generateFlow } from "../sim/flow-generator.js";
import { engineWith, limit, recordingEngine } from "./helpers.js";

/** Per order (one life of an id): what was submitted and where it went, from the events alone. */
interface Ledger {
  submitted: number;
  filled: number;
  cancelled: number;
}

/**
 * Follows the event stream and checks conservation: for every order, filled + resting + cancelled
 * = submitted (a modify changes what was submitted by its new open quantity minus the old one).
 */
class ConservationCheck {
  private readonly ledgers = new Map<OrderId, Ledger>();
  readonly problems: string[] = [];

  constructor(private readonly engine: MatchingEngine) {}

  onEvent(e: EventObject): void {
    switch (e.type) {
      case "accepted":
        if ((e.command === "limit" || e.command === "market") && e.id !== undefined) {
          const previous = this.ledgers.get(e.id);
          if (previous !== undefined) this.close(e.id, previous);
          this.ledgers.set(e.id, { submitted: e.qty ?? 0, filled: 0, cancelled: 0 });
        }
        break;
      case "fill": {
        this.ledger(e.makerId).filled += e.qty;
        this.ledger(e.takerId).filled += e.qty;
        break;
      }
      case "cancelled":
        this.ledger(e.id).cancelled += e.remaining;
        break;
      case "modified":
        this.ledger(e.id).submitted += e.qty - e.prevQty;
        break;
      default:
        break;
    }
  }

  private ledger(id: OrderId): Ledger {
    const l = this.ledgers.get(id);
    if (l === undefined) {
      this.problems.push(`event for order ${String(id)} that was never accepted`);
      return { submitted: 0, filled: 0, cancelled: 0 };
    }
    return l;
  }

  /** An id is reused: its previous order must be done (nothing left resting) and balanced. */
  private close(id: OrderId, l: Ledger): void {
    if (l.filled + l.cancelled !== l.submitted) this.problems.push(`order ${String(id)}: ${JSON.stringify(l)}`);
  }

  /** Every order balances against what rests now. */
  checkAll(): string[] {
    const out = [...this.problems];
    for (const [id, l] of this.ledgers) {
      const resting = this.engine.order(id)?.open ?? 0;
      if (l.filled + l.cancelled + resting !== l.submitted) {
        out.push(
          `order ${String(id)}: filled ${l.filled} + cancelled ${l.cancelled} + resting ${resting} ≠ ${l.submitted}`,
        );
      }
    }
    return out;
  }
}

/** Book-level promises seen from the public API: not crossed, levels are the sums of their orders. */
function publicViewProblems(engine: MatchingEngine): string[] {
  const problems: string[] = [];
  for (const symbol of engine.symbols()) {
    const depth = engine.depth(symbol);
    const bid = depth.bids[0];
    const ask = depth.asks[0];
    if (bid !== undefined && ask !== undefined && bid[0] >= ask[0]) problems.push(`${symbol} crossed`);
    for (const side of ["buy", "sell"] as const) {
      const levels = side === "buy" ? depth.bids : depth.asks;
      const sums = new Map<number, [number, number]>();
      for (const o of engine.restingOrders(symbol, side)) {
        const s = sums.get(o.price) ?? [0, 0];
        sums.set(o.price, [s[0] + o.open, s[1] + 1]);
      }
      const expected = [...sums].map(([price, [qty, n]]) => [price, qty, n]);
      if (JSON.stringify(levels) !== JSON.stringify(expected)) problems.push(`${symbol} ${side} level totals`);
    }
  }
  return problems;
}

function checkFlow(commands: readonly unknown[], fullCheckEvery: number): void {
  const { engine, events } = recordingEngine();
  const conservation = new ConservationCheck(engine);
  let seen = 0;
  for (let i = 0; i < commands.length; i++) {
    engine.applyInput(commands[i]);
    for (; seen < events.length; seen++) conservation.onEvent(events[seen] as EventObject);
    const internal = validateInternalState(engine);
    if (internal.length > 0) throw new Error(`after command ${i + 1}: ${internal.join("; ")}`);
    if (i % fullCheckEvery === fullCheckEvery - 1 || i === commands.length - 1) {
      const problems = [...publicViewProblems(engine), ...conservation.checkAll()];
      if (problems.length > 0) throw new Error(`after command ${i + 1}: ${problems.slice(0, 5).join("; ")}`);
    }
  }
}

const randomCommand = fc.oneof(
  fc.record({
    type: fc.constant("limit"),
    id: fc.integer({ min: 1, max: 12 }),
    side: fc.constantFrom("buy", "sell"),
    price: fc.integer({ min: 96, max: 104 }),
    qty: fc.integer({ min: 1, max: 9 }),
    account: fc.constantFrom(undefined, "A", "B"),
    tif: fc.constantFrom("GTC", "GTC", "IOC", "FOK"),
    stp: fc.constantFrom("expire_maker", "expire_taker", "expire_both"),
  }),
  fc.record({
    type: fc.constant("market"),
    id: fc.integer({ min: 1, max: 12 }),
    side: fc.constantFrom("buy", "sell"),
    qty: fc.integer({ min: 1, max: 20 }),
    account: fc.constantFrom(undefined, "A"),
    protectionPpm: fc.constantFrom(undefined, 0, 20_000),
  }),
  fc.record(
    {
      type: fc.constant("modify"),
      id: fc.integer({ min: 1, max: 12 }),
      qty: fc.integer({ min: 1, max: 12 }),
      price: fc.integer({ min: 96, max: 104 }),
    },
    { requiredKeys: ["type", "id"] },
  ),
  fc.record({ type: fc.constant("cancel"), id: fc.integer({ min: 1, max: 12 }) }),
);

describe("invariants after every command", () => {
  it("hold on random command sequences", () => {
    fc.assert(
      fc.property(fc.array(randomCommand, { maxLength: 100 }), (commands) => checkFlow(commands, 1)),
      { numRuns: 500 },
    );
  });

  it("hold on generated flows", () => {
    checkFlow(generateFlow({ commands: 6_000, seed: 3 }), 200);
    checkFlow(generateFlow({ commands: 3_000, seed: 4, accountPpm: 800_000, accounts: 4 }), 100);
  });

  it("the consistency check notices a corrupted book", () => {
    const { engine } = engineWith(limit(1, "buy", 100, 5), limit(2, "buy", 100, 5), limit(3, "sell", 101, 1));
    const book = engine.internalBooks[0];
    const level = book?.bids.best;
    if (level === null || level === undefined) throw new Error("no level");
    level.totalQty += 1;
    expect(validateInternalState(engine).join()).toMatch(/totalQty 11, sum of orders 10/);
    level.totalQty -= 1;
    const order = level.head;
    if (order === null) throw new Error("no order");
    order.open = 0;
    expect(validateInternalState(engine).join()).toMatch(/open 0/);
    order.open = 5;
    level.tail = order;
    expect(validateInternalState(engine).join()).toMatch(/tail is not the last order/);
  });
});

/** An engine built directly from another's final state: instruments, oracle, orders in queue order. */
function rebuild(from: MatchingEngine): MatchingEngine {
  const commands: Command[] = [];
  for (const book of from.internalBooks) {
    const spec = book.spec;
    const instrument: Command = { type: "instrument", symbol: spec.symbol };
    if (spec.tiers !== null) instrument.tiers = spec.tiers;
    if (spec.makerFeePpm !== null) instrument.makerFeePpm = spec.makerFeePpm;
    if (spec.takerFeePpm !== null) instrument.takerFeePpm = spec.takerFeePpm;
    if (spec.liquidation !== null) instrument.liquidation = spec.liquidation;
    commands.push(instrument);
    if (book.oraclePrice > 0) commands.push({ type: "oracle", symbol: book.symbol, price: book.oraclePrice });
    for (const side of ["buy", "sell"] as const) {
      for (const o of from.restingOrders(book.symbol, side)) {
        const stp = STP_NAMES[from.internalOrderIndex.get(o.id)?.stp ?? 0];
        commands.push(
          limit(o.id, side, o.price, o.open, {
            symbol: book.symbol,
            ...(o.account === null ? {} : { account: o.account }),
            ...(o.postOnly ? { postOnly: true } : {}),
            ...(o.reduceOnly ? { reduceOnly: true } : {}),
            ...(stp === undefined ? {} : { stp }),
          }),
        );
      }
    }
  }
  const { engine, events } = recordingEngine();
  for (const c of commands) engine.apply(c);
  if (events.some((e) => e.type !== "accepted")) throw new Error(`rebuild was not clean: ${JSON.stringify(events)}`);
  return engine;
}

describe("state hash", () => {
  it("is the same for the same state reached two different ways", () => {
    const a = engineWith(limit(1, "buy", 100, 3), limit(2, "buy", 100, 4), limit(3, "sell", 105, 1));
    const b = engineWith(
      { type: "tick", ts: 1000 },
      limit(1, "buy", 100, 9),
      limit(9, "buy", 100, 1),
      limit(2, "buy", 101, 4),
      limit(3, "sell", 101, 6, { tif: "IOC" }), // trades 4 with id 2, the rest is cancelled
      { type: "cancel", id: 9 },
      { type: "modify", id: 1, qty: 3 }, // keeps priority
      limit(2, "buy", 100, 4),
      limit(3, "sell", 105, 1),
      limit(4, "sell", 101, 1),
      { type: "market", id: 5, side: "buy", qty: 1 },
    );
    expect(b.engine.seq).not.toBe(a.engine.seq);
    expect(b.engine.stateHash()).toBe(a.engine.stateHash());
  });

  it("differs when only the queue order differs", () => {
    const a = engineWith(limit(1, "buy", 100, 3), limit(2, "buy", 100, 3));
    const b = engineWith(limit(2, "buy", 100, 3), limit(1, "buy", 100, 3));
    expect(b.engine.stateHash()).not.toBe(a.engine.stateHash());
  });

  it('differs between the id 1 and the id "a", and between accounts', () => {
    const base = engineWith(limit(1, "buy", 100, 3)).engine.stateHash();
    expect(engineWith(limit("a", "buy", 100, 3)).engine.stateHash()).not.toBe(base);
    expect(engineWith(limit(1, "buy", 100, 3, { account: "a" })).engine.stateHash()).not.toBe(base);
    expect(engineWith(limit("1", "buy", 100, 3)).engine.stateHash()).toBe(base);
  });

  it("does not depend on the order fields of an instrument were written in", () => {
    const a = engineWith({
      type: "instrument",
      symbol: "Y",
      takerFeePpm: 5,
      makerFeePpm: 1,
      liquidation: { penaltyPpm: 1, targetHealthPpm: 2_000_000 },
    });
    const b = engineWith({
      type: "instrument",
      symbol: "Y",
      makerFeePpm: 1,
      liquidation: { targetHealthPpm: 2_000_000, penaltyPpm: 1 },
      takerFeePpm: 5,
    });
    expect(b.engine.stateHash()).toBe(a.engine.stateHash());
  });

  it("does not depend on the order instruments were defined in", () => {
    const a = engineWith({ type: "instrument", symbol: "A" }, { type: "instrument", symbol: "B" });
    const b = engineWith({ type: "instrument", symbol: "B" }, { type: "instrument", symbol: "A" });
    expect(b.engine.stateHash()).toBe(a.engine.stateHash());
  });

  it("equals the hash of an engine built directly from the final state of random flows", () => {
    fc.assert(
      fc.property(fc.array(randomCommand, { maxLength: 80 }), fc.boolean(), (commands, withY) => {
        const { engine } = engineWith(
          ...(withY ? [{ type: "instrument", symbol: "Y", takerFeePpm: 3 } as Command] : []),
          ...(commands as Command[]),
        );
        expect(rebuild(engine).stateHash()).toBe(engine.stateHash());
      }),
      { numRuns: 200 },
    );
    const { engine } = engineWith(...generateFlow({ commands: 5000, seed: 5 }));
    expect(rebuild(engine).stateHash()).toBe(engine.stateHash());
  });
});
