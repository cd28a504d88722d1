/**
 * The library's types hold callers to the contract: `npm run typecheck` compiles this file, so each
 * `@ts-expect-error` below is a promise that the mistake does not compile. The runtime half checks
 * that the typed unions name every value the engine really emits, and that the errors are exported.
 */
import { createReadStream } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  BUSINESS_REJECT_CODES,
  type CancelReason,
  type Command,
  Engine,
  EngineClient,
  EngineClientStateError,
  type EventObject,
  eventToObject,
  JournalInUseError,
  JournalWriteError,
  LIQUIDATION_STAGES,
  type LiquidationStage,
  MALFORMED_REJECT_CODES,
  RecoveryError,
  type RejectCode,
} from "../index.js";
import { replayFlow } from "../worker/replay-flow.js";

describe("the typed API", () => {
  it("refuses at compile time what the engine would reject by shape, and takes anything through applyInput", () => {
    const events: EventObject[] = [];
    const engine = new Engine({ onEvent: (e) => events.push(eventToObject(e)) });
    // @ts-expect-error a typo in the type
    engine.apply({ type: "limt", id: 1, side: "buy", price: 100, qty: 1 });
    // @ts-expect-error a limit order without its quantity
    engine.apply({ type: "limit", id: 2, side: "buy", price: 100 });
    // @ts-expect-error a side that is not buy or sell
    engine.apply({ type: "limit", id: 3, side: "long", price: 100, qty: 1 });
    // @ts-expect-error a backstop offer must name its symbol
    const offer: Command = { type: "backstop", account: "b", discountPpm: 0, maxNotional: 0 };
    engine.applyInput(offer);
    const line: unknown = JSON.parse('{"type":"limit","id":4,"side":"buy","price":100,"qty":1}');
    engine.applyInput(line, 7);
    // The engine checks the typed path as strictly as the untyped one.
    const reasons = events.filter((e) => e.type === "rejected").map((e) => e.reason);
    expect(reasons).toEqual(["UNKNOWN_COMMAND", "INVALID_QTY", "INVALID_SIDE", "INVALID_SYMBOL"]);
    expect(engine.depth("X").bids).toEqual([[100, 1, 1]]);
  });

  it("types a rejection's reason, a cancellation's reason and a stage by their unions", async () => {
    const rejects = new Set<string>();
    const cancels = new Set<string>();
    const stages = new Set<string>();
    await replayFlow(createReadStream("samples/cascade.jsonl"), "jsonl", {
      liquidation: "soft",
      onEvent(e) {
        const o = eventToObject(e);
        if (o.type === "rejected") {
          const reason: RejectCode = o.reason;
          rejects.add(reason);
        } else if (o.type === "cancelled") {
          const reason: CancelReason = o.reason;
          cancels.add(reason);
        } else if (o.type === "liquidation_stage") {
          const stage: LiquidationStage = o.stage;
          stages.add(stage);
        }
      },
    });
    const codes: readonly string[] = [...MALFORMED_REJECT_CODES, ...BUSINESS_REJECT_CODES];
    for (const r of rejects) expect(codes).toContain(r);
    const known: readonly string[] = LIQUIDATION_STAGES;
    expect(stages.size).toBeGreaterThan(1);
    for (const s of stages) expect(known).toContain(s);
    expect(cancels.size).toBeGreaterThan(0);
  });

  it("exports the errors a caller handles, with what they carry", async () => {
    for (const E of [RecoveryError, JournalWriteError, JournalInUseError, EngineClientStateError]) {
      expect(E.prototype).toBeInstanceOf(Error);
    }
    expect(new JournalWriteError("cannot write j", "ENOSPC", "j")).toMatchObject({ code: "ENOSPC", path: "j" });
    const client = new EngineClient();
    let early: unknown = null;
    try {
      client.enqueue({ type: "cancel", id: 1 });
    } catch (err) {
      early = err;
    }
    expect(early).toBeInstanceOf(EngineClientStateError);
    expect((early as EngineClientStateError).state).toBe("new");
    await client.start();
    await expect(client.start()).rejects.toBeInstanceOf(EngineClientStateError);
    await client.close();
    await expect(client.submit({ type: "cancel", id: 1 })).rejects.toMatchObject({ state: "closed" });
    expect(() => new EngineClient({ journal: { dir: "x", fsync: "sometimes" } })).toThrow(RangeError);
  });
});
