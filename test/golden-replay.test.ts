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
      fills: 6121,
      volume: 51406,
      liveOrders: 1307,
      stateHash: "6be91b7ebfcbcda7cd81b20e45885d247d582d48d9889b7d2ca1bd8ebae97143",
    });
  });
});
