import { describe, expect, it } from "vitest";
import { EngineClient } from "../worker/engine-client.js";
import { recover } from "../worker/recovery.js";
import { FAULTY_WORKER_URL, FaultPlan } from "./support/fault-plan.js";
import { referenceRun, tempDir } from "./worker-helpers.js";

describe("an instrument spec split from its command by a snapshot's segment rotation", () => {
  it("recovers the instrument command whose TEXT_SPEC record ended the batch before a snapshot", async () => {
    const { dir, remove } = tempDir("spec-rotation");
    try {
      // maxBatch 4: [tick, tick, INTERN "ETH", TEXT_SPEC] is one batch; a snapshot (every 2
      // commands) follows it and rotates the journal, so the instrument's command record is the
      // first record of the next segment, whose decoder never saw the spec.
      const flow = [
        { type: "tick", ts: 1 },
        { type: "tick", ts: 2 },
        { type: "instrument", symbol: "ETH", makerFeePpm: 100, takerFeePpm: 200 },
      ];
      const client = new EngineClient({ journal: { dir, fsync: "batch", snapshotEvery: 2 }, maxBatch: 4 });
      await client.start();
      const live = await client.submitBatchInput(flow);
      await client.close();
      const ref = referenceRun(flow);
      expect(live.map((evs) => evs.map((e) => JSON.stringify(e)))).toEqual(ref.perCommand);
      // The directory alone must give the same state (as after a crash).
      const report = recover(dir);
      expect(report.engine.stateHash()).toBe(ref.stateHash);
      expect(report.engine.symbols()).toContain("ETH");
    } finally {
      remove();
    }
  });

  it("keeps a journaled client running after a crash that follows such a batch", async () => {
    const { dir, remove } = tempDir("spec-rotation-crash");
    const faults = new FaultPlan();
    try {
      const client = new EngineClient({
        journal: { dir, fsync: "batch", snapshotEvery: 2 },
        maxBatch: 4,
        maxRestarts: 3,
        workerUrl: FAULTY_WORKER_URL,
      });
      await client.start();
      await client.submitBatch([
        { type: "tick", ts: 1 },
        { type: "tick", ts: 2 },
        { type: "instrument", symbol: "ETH" },
      ]);
      faults.at(3, { kind: "exit" }); // the worker dies; the client restarts it from the journal
      const after = await client.submit({ type: "oracle", symbol: "ETH", price: 100 }).catch((e: Error) => e);
      const again = await client.submit({ type: "oracle", symbol: "ETH", price: 101 }).catch((e: Error) => e);
      await client.close().catch(() => {});
      // The first may be lost to the crash (resubmit); the resubmission must be applied.
      expect(after instanceof Error ? String(after.message) : "ok").not.toMatch(/recovering from the journal/);
      expect(again).not.toBeInstanceOf(Error);
      expect((again as { type: string }[])[0]?.type).toBe("accepted");
    } finally {
      faults.close();
      remove();
    }
  });
});
