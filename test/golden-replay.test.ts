import { createReadStream } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { runSide } from "../sim/run.js";
import { buildScenario } from "../sim/scenario.js";
import { replayFlow } from "../worker/replay-flow.js";

const SAMPLE = fileURLToPath(new URL("../samples/sample.jsonl", import.meta.url));
const CASCADE = fileURLToPath(new URL("../samples/cascade.jsonl", import.meta.url));

describe("golden replay of the bundled sample", () => {
  it("reproduces the pinned counts and state hash", async () => {
    const result = await replayFlow(createReadStream(SAMPLE), "jsonl");
    expect({
      commands: result.commands,
      accepted: result.accepted,
      rejected: result.rejected,
      fills: result.fills,
      volume: result.volume,
      liveOrders: result.engine.liveOrderCount,
      stateHash: result.engine.stateHash(),
    }).toEqual({
      commands: 20000,
      accepted: 19933,
      rejected: 67,
      fills: 6113,
      volume: 51371,
      liveOrders: 1299,
      stateHash: "134e9b7850ebb6280c4350f6ff78245de9c305f3332a5b0b7e5ff24083f21721",
    });
  });

  it("replays the bundled cascade (softliq simulate --mode soft --flow) to the simulation's own state", async () => {
    const result = await replayFlow(createReadStream(CASCADE), "jsonl");
    const scenario = buildScenario("cascade", 1);
    if (scenario === null) throw new Error("no cascade scenario");
    const simulated = runSide(scenario, "soft").result;
    expect(result.engine.stateHash()).toBe(simulated.stateHash);
    // The makers ask again before each cancel or modify: the flow never names a spent order.
    expect(result.rejected).toBe(0);
    expect(result.liquidations).toEqual({
      triggered: 70,
      childOrders: simulated.childOrders,
      closedQty: simulated.closedQty,
      closedNotional: simulated.closedNotional,
      penalties: simulated.penalties,
      badDebt: simulated.badDebt,
      adl: 626,
      backstops: 0,
      backstopQty: 0,
      preemptive: 0,
      capDeferrals: 333,
      stillInLiquidation: 15,
    });
    expect(result.engine.stateHash()).toBe("a7f2f9c91171bd5af621caa076adbb5082ecf1100174a69c8ac9375418732c3f");
  });
});
