import { createReadStream } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { replayFlow } from "../cli/replay-flow.js";

const SAMPLE = fileURLToPath(new URL("../samples/sample.jsonl", import.meta.url));

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
      stateHash: "776fa48589e0030e7bd12ce496dc09b89a077d1218293a2bfb489e33a06f942d",
    });
  });
});
