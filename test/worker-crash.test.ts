import { describe, expect, it } from "vitest";
import type { Command } from "../protocol/commands.js";
import type { EventObject } from "../protocol/events.js";
import { generateFlow } from "../sim/flow-generator.js";
import { SeededRandom } from "../sim/random.js";
import { EngineClient } from "../worker/engine-client.js";
import { recover } from "../worker/recovery.js";
import { marginedFlowSample } from "./margin-flows.js";
import { FAULTY_WORKER_URL, type Fault, FaultPlan } from "./support/fault-plan.js";
import { referenceRun, tempDir } from "./worker-helpers.js";

type Outcome = { ok: true; events: EventObject[] } | { ok: false; error: Error };

const FAULTS = ["throw", "exit", "after-journal", "mid-command"] as const;

/** One of the faults, drawn from `random`. */
function drawFault(random: SeededRandom): Fault {
  const kind = FAULTS[random.below(FAULTS.length)] as (typeof FAULTS)[number];
  return kind === "mid-command" ? { kind, records: random.below(8) } : { kind };
}

/**
 * Drives a flow through a journaled client in chunks, killing the worker at seeded random points;
 * a command rejected because it never reached the journal is resubmitted, as a caller would.
 */
async function runWithCrashes(seed: number, flow: readonly Command[], snapshotEvery = 1500): Promise<void> {
  const ref = referenceRun(flow);
  const { dir, remove } = tempDir("crash");
  const faults = new FaultPlan();
  try {
    const client = new EngineClient({
      journal: { dir, fsync: "off", snapshotEvery },
      ringSlots: 2048,
      maxBatch: 256,
      maxRestarts: 100,
      workerUrl: FAULTY_WORKER_URL,
    });
    await client.start();
    const random = new SeededRandom(seed);
    const got: string[][] = [];
    let crashes = 0;
    let rejected = 0;
    let i = 0;
    while (i < flow.length) {
      const chunk = flow.slice(i, i + 1 + random.below(1200));
      const faultAt = crashes < 6 && random.chance(400_000) ? random.below(chunk.length) : -1;
      const fault = drawFault(random);
      const outcomes: Promise<Outcome>[] = [];
      chunk.forEach((command, k) => {
        if (k === faultAt) {
          crashes++;
          // Every command before this chunk is in the journal: chunk[k] is its command i + k.
          faults.at(i + k, fault);
        }
        outcomes.push(
          client.submit(command).then(
            (events): Outcome => ({ ok: true, events }),
            (error: Error): Outcome => ({ ok: false, error }),
          ),
        );
      });
      const results = await Promise.all(outcomes);
      const firstLost = results.findIndex((r) => !r.ok);
      const applied = firstLost === -1 ? results.length : firstLost;
      // Lost commands are always a suffix: nothing after a lost command was applied.
      expect(results.slice(applied).every((r) => !r.ok)).toBe(true);
      for (const r of results.slice(0, applied)) {
        if (r.ok) got.push(r.events.map((e) => JSON.stringify(e)));
      }
      rejected += results.length - applied;
      i += applied;
    }
    const snap = await client.snapshot();
    const restarts = client.stats.restarts;
    await client.close();

    expect(restarts).toBeGreaterThan(0);
    expect(restarts).toBe(crashes); // every planned fault struck, once
    expect(got).toEqual(ref.perCommand);
    expect(snap.stateHash).toBe(ref.stateHash);
    expect(snap.seq).toBe(ref.seq);
    // The directory alone recovers the same state.
    const report = recover(dir);
    expect(report.snapshotIndex).not.toBeNull(); // from a snapshot and the journal's tail
    expect(report.replayed).toBeLessThan(flow.length);
    expect(report.engine.stateHash()).toBe(ref.stateHash);
    expect(report.engine.accounts()).toEqual(ref.accounts);
    expect(report.journalLength).toBe(flow.length);
    expect(rejected).toBeGreaterThanOrEqual(0);
  } finally {
    faults.close();
    remove();
  }
}

describe("crash recovery through the journal", () => {
  for (const seed of [1, 2, 3]) {
    it(`reaches the uninterrupted run's events and state when the worker dies at random points (seed ${seed})`, async () => {
      // Odd seeds trade without accounts, even seeds with margined accounts as well.
      await runWithCrashes(
        seed,
        generateFlow({ commands: 8_000, seed: 1000 + seed, ...(seed % 2 === 1 ? { accountPpm: 0 } : {}) }),
      );
    });
  }

  for (const seed of [4, 5]) {
    it(`recovers all-margined flows (breaches, reduce-only, tiers) from snapshots and the journal (seed ${seed})`, async () => {
      const flow = marginedFlowSample(seed);
      expect(referenceRun(flow).all.some((line) => line.includes('"liquidation_stage"'))).toBe(true);
      await runWithCrashes(seed, flow, 400);
    });
  }
});
