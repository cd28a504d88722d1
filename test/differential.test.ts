import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { MatchingEngine } from "../engine/engine.js";
import type { Side } from "../protocol/commands.js";
import { generateFlow } from "../sim/flow-generator.js";
import { recordingEngine } from "./helpers.js";
import { ReferenceEngine } from "./reference-book.js";

const ids = fc.oneof(
  { weight: 8, arbitrary: fc.integer({ min: 1, max: 10 }) },
  { weight: 1, arbitrary: fc.constantFrom("3", "7", "a", "b", "01") },
);
const price = fc.integer({ min: 95, max: 105 });
const qty = fc.integer({ min: 1, max: 8 });
const side = fc.constantFrom<Side>("buy", "sell");
// Y is defined by most sequences' first command, Z never: UNKNOWN_SYMBOL stays rare.
const symbol = fc.oneof(
  { weight: 12, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.constant("X") },
  { weight: 5, arbitrary: fc.constant("Y") },
  { weight: 1, arbitrary: fc.constant("Z") },
);
const account = fc.constantFrom(undefined, undefined, "A", "B", 7, "7");
const stp = fc.constantFrom(undefined, undefined, "expire_maker", "expire_taker", "expire_both");
const tif = fc.constantFrom(undefined, undefined, "GTC", "IOC", "FOK");
/** A step forward in time; 0 stands for a step back (see withClock). */
const ts = fc.option(fc.integer({ min: 0, max: 9 }), { freq: 3 });

/** Drops undefined fields so commands look like file lines. */
function clean(o: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(o)) if (v !== undefined && v !== null) out[k] = v;
  return out;
}

const limitCmd = fc
  .record({
    id: ids,
    side,
    price,
    qty,
    symbol,
    account,
    tif,
    postOnly: fc.constantFrom(undefined, undefined, undefined, true, false),
    stp,
    ts,
  })
  .map((r) => {
    const c = clean({ type: "limit", ...r });
    if (c.postOnly === true) delete c.tif; // a post-only IOC is a stateless reject: keep most of them valid
    return c;
  });

const marketCmd = fc
  .record({
    id: ids,
    side,
    qty: fc.integer({ min: 1, max: 20 }),
    symbol,
    account,
    stp,
    protectionPpm: fc.constantFrom(undefined, 0, 1, 10_000, 20_000, 40_000, 1_000_000, 3_000_000),
    ts,
  })
  .map((r) => clean({ type: "market", ...r }));

const modifyCmd = fc
  .record({
    id: ids,
    change: fc.oneof(
      { weight: 4, arbitrary: fc.record({ qty }) },
      { weight: 4, arbitrary: fc.record({ price }) },
      { weight: 4, arbitrary: fc.record({ qty, price }) },
      { weight: 1, arbitrary: fc.constant({}) }, // NOTHING_TO_MODIFY
    ),
    ts,
  })
  .map(({ change, ...r }) => clean({ type: "modify", ...r, ...change }));

const cancelCmd = fc.record({ id: ids, ts }).map((r) => clean({ type: "cancel", ...r }));

const otherCmd = fc.oneof(
  fc.constant({ type: "instrument", symbol: "Y" }),
  fc.constant({ type: "instrument", symbol: "X" }),
  fc.record({ type: fc.constant("oracle"), price, symbol }).map(clean),
  fc.record({ type: fc.constant("tick"), ts: fc.integer({ min: 0, max: 9 }) }),
  fc.constantFrom<unknown>(
    { type: "limit", id: 1, side: "buy", price: 0, qty: 1 },
    { type: "limit", id: 1, side: "buy", price: 100, qty: 1, tif: "IOC", postOnly: true },
    { type: "limit", id: 1, side: "buy", price: 100, qty: 1, reduceOnly: true },
    { type: "market", id: 2, side: "sell", qty: 1.5 },
    { type: "modify", id: 3 },
    { type: "cancel", id: -1 },
    { type: "deposit", account: "A", amount: 10 },
    { type: "nope" },
    "not an object",
    null,
  ),
);

const command = fc.oneof(
  { weight: 10, arbitrary: limitCmd },
  { weight: 3, arbitrary: marketCmd },
  { weight: 4, arbitrary: modifyCmd },
  { weight: 3, arbitrary: cancelCmd },
  { weight: 1, arbitrary: otherCmd },
);

/**
 * Turns the generated ts steps into times that mostly move forward (a step of 0 goes back one,
 * for TS_DECREASING), so that few commands are refused for their time.
 */
function withClock(commands: readonly unknown[]): unknown[] {
  let clock = 0;
  return commands.map((c) => {
    if (typeof c !== "object" || c === null || typeof (c as { ts?: unknown }).ts !== "number") return c;
    const step = (c as { ts: number }).ts;
    const ts = step === 0 ? Math.max(0, clock - 1) : clock + step;
    if (step > 0) clock = ts;
    return { ...c, ts };
  });
}

/** Random sequences, most starting by defining the instrument Y. */
const sequences = fc
  .tuple(fc.integer({ min: 0, max: 4 }), fc.array(command, { minLength: 5, maxLength: 100, size: "max" }))
  .map(([defineY, commands]) => withClock(defineY > 0 ? [{ type: "instrument", symbol: "Y" }, ...commands] : commands));

function booksOf(engine: MatchingEngine): string {
  const out: unknown[] = [engine.symbols()];
  for (const symbol of engine.symbols()) {
    for (const s of ["buy", "sell"] as const) {
      out.push(
        engine
          .restingOrders(symbol, s)
          .map((o) => [o.id, o.account, o.side, o.price, o.open, o.postOnly, o.reduceOnly]),
      );
    }
  }
  return JSON.stringify(out);
}

function referenceBooksOf(ref: ReferenceEngine): string {
  const out: unknown[] = [ref.symbols()];
  for (const symbol of ref.symbols()) {
    for (const s of ["buy", "sell"] as const) {
      out.push(ref.resting(symbol, s).map((o) => [o.id, o.account, o.side, o.price, o.open, o.postOnly, o.reduceOnly]));
    }
  }
  return JSON.stringify(out);
}

/**
 * Drives both engines with `commands`, comparing events after each command and books every
 * `every` commands. Returns the first difference (cheap to compute, so shrinking stays fast).
 */
function firstDifference(commands: readonly unknown[], every: number): string | null {
  const { engine, events } = recordingEngine();
  const ref = new ReferenceEngine();
  for (let i = 0; i < commands.length; i++) {
    const from = events.length;
    engine.applyInput(commands[i], i + 1);
    const expected = JSON.stringify(ref.apply(commands[i], i + 1));
    const actual = JSON.stringify(events.slice(from));
    const where = `command ${i + 1} ${JSON.stringify(commands[i])}`;
    if (actual !== expected) return `${where}\n  engine:    ${actual}\n  reference: ${expected}`;
    if (i % every === every - 1 || i === commands.length - 1) {
      const a = booksOf(engine);
      const b = referenceBooksOf(ref);
      if (a !== b) return `books after ${where}\n  engine:    ${a}\n  reference: ${b}`;
    }
  }
  return null;
}

describe("differential test against the plain reference book", () => {
  it("gives identical events and books on random command sequences", () => {
    fc.assert(
      fc.property(sequences, (commands) => {
        const difference = firstDifference(commands, 1);
        if (difference !== null) throw new Error(difference);
      }),
      { numRuns: 3000 },
    );
  });

  it("gives identical events and books on a 100k-command generated flow", () => {
    expect(firstDifference(generateFlow({ commands: 100_000, seed: 7 }), 1000)).toBeNull();
  });

  it("gives identical events on a generated flow with many accounts trading against themselves", () => {
    expect(
      firstDifference(generateFlow({ commands: 20_000, seed: 11, accountPpm: 900_000, accounts: 3 }), 500),
    ).toBeNull();
  });
});
