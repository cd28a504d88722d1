import { appendFileSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Engine } from "../exchange.js";
import { eventToJson } from "../protocol/events.js";
import { generateFlow } from "../sim/flow-generator.js";
import { EngineClient } from "../worker/engine-client.js";
import { listSegments } from "../worker/journal.js";
import { RecoveryError, recover } from "../worker/recovery.js";
import { listSnapshots, snapshotName } from "../worker/snapshot-store.js";
import { crc32, crc32Tables } from "../worker/wire/crc32.js";
import { breachFlow } from "./margin-flows.js";
import { referenceRun, tempDir } from "./worker-helpers.js";

async function journalFlow(dir: string, commands: readonly unknown[], snapshotEvery: number): Promise<void> {
  const client = new EngineClient({ journal: { dir, fsync: "batch", snapshotEvery }, maxBatch: 64 });
  await client.start();
  for (const c of commands) if (!client.enqueueInput(c)) await client.ready();
  await client.drain();
  await client.close();
}

describe("journal and snapshots", () => {
  it("computes the standard CRC-32", () => {
    expect(crc32(Buffer.from("123456789"))).toBe(0xcbf43926);
    expect(crc32(Buffer.from(""))).toBe(0);
    // The word-at-a-time path (aligned) and the byte path (unaligned) agree.
    const data = new Uint8Array(4099).map((_, i) => (i * 7 + (i >> 9)) & 255);
    const shifted = new Uint8Array(data.length + 1);
    shifted.set(data, 1);
    expect(crc32(shifted, 1)).toBe(crc32(data));
    // The table-driven fallback agrees with zlib's, whole and continued piecewise.
    for (const [start, end] of [
      [0, data.length],
      [3, 4001],
      [8, 9],
    ] as const) {
      expect(crc32Tables(data, start, end)).toBe(crc32(data, start, end));
      expect(crc32Tables(shifted, start + 1, end + 1)).toBe(crc32(data, start, end));
    }
    const head = crc32(data, 0, 1000);
    expect(crc32(data, 1000, data.length, head)).toBe(crc32(data));
    expect(crc32Tables(data, 1000, data.length, head)).toBe(crc32(data));
  });

  it("refuses a segment of another journal format with a clear error instead of misreading it", async () => {
    const { dir, remove } = tempDir("journal-format");
    try {
      const client = new EngineClient({ journal: { dir, fsync: "batch", snapshotEvery: 0 } });
      await client.start();
      await client.submitBatch(generateFlow({ commands: 50, seed: 9 }));
      await client.close();
      expect(recover(dir).journalLength).toBe(50);
      const segment = listSegments(dir).at(-1)?.path as string;
      const bytes = readFileSync(segment);
      bytes.writeUInt32LE(1, 4); // an older format number
      writeFileSync(segment, bytes);
      expect(() => recover(dir)).toThrow(RecoveryError);
      expect(() => recover(dir)).toThrow(/not of journal format 3 or 2 \(format 1\)/);
    } finally {
      remove();
    }
  });

  it("recovers every command before a torn last record, which only the next writer cuts", async () => {
    const flow = generateFlow({ commands: 2_000, seed: 22 });
    const { dir, remove } = tempDir("torn");
    try {
      await journalFlow(dir, flow, 0);
      const segments = listSegments(dir);
      const last = segments[segments.length - 1] as { path: string };
      const size = statSync(last.path).size;
      truncateSync(last.path, size - 13); // a crash in the middle of the last frame's write
      const report = recover(dir);
      expect(report.tornBytes).toBeGreaterThan(0);
      expect(report.journalLength).toBeLessThan(flow.length);
      expect(report.journalLength).toBeGreaterThan(flow.length - 100);
      expect(report.engine.stateHash()).toBe(referenceRun(flow.slice(0, report.journalLength)).stateHash);
      expect(statSync(last.path).size).toBe(size - 13); // an inspection changes nothing
      // A writer continuing the journal cuts it first.
      const client = new EngineClient({ journal: { dir, fsync: "batch", snapshotEvery: 0 } });
      await client.start();
      await client.close();
      expect(statSync(last.path).size).toBe(size - 13 - report.tornBytes + 24); // + its seal
      expect(recover(dir).tornBytes).toBe(0);
      expect(recover(dir).journalLength).toBe(report.journalLength);
    } finally {
      remove();
    }
  });

  it("ignores garbage after the last valid record", async () => {
    const flow = generateFlow({ commands: 1_000, seed: 23 });
    const { dir, remove } = tempDir("garbage");
    try {
      await journalFlow(dir, flow, 0);
      const segments = listSegments(dir);
      appendFileSync(
        (segments[segments.length - 1] as { path: string }).path,
        Buffer.from([64, 0, 0, 0, 1, 2, 3, 4, 9, 9]),
      );
      const report = recover(dir);
      expect(report.journalLength).toBe(flow.length);
      expect(report.engine.stateHash()).toBe(referenceRun(flow).stateHash);
    } finally {
      remove();
    }
  });

  it("recovers from the newest snapshot plus the journal tail, falling back when a snapshot is damaged", async () => {
    // With accounts: the margin engine's state rides in the snapshot's "margin" section.
    const flow = generateFlow({ commands: 5_000, seed: 24 });
    const ref = referenceRun(flow);
    const { dir, remove } = tempDir("snap");
    try {
      await journalFlow(dir, flow, 1_000);
      const snapshots = listSnapshots(dir);
      expect(snapshots.length).toBe(2); // the two newest are kept
      const newest = snapshots[0] as number;
      const report = recover(dir);
      expect(report.snapshotIndex).toBe(newest);
      expect(report.replayed).toBe(flow.length - newest);
      expect(report.engine.stateHash()).toBe(ref.stateHash);
      expect(report.engine.seq).toBe(ref.seq);

      const path = join(dir, snapshotName(newest));
      const text = readFileSync(path, "utf8");
      writeFileSync(path, text.replace(/"seq":(\d)/, '"seq":9$1'));
      const fallback = recover(dir);
      expect(fallback.skippedSnapshots.map((s) => s.index)).toEqual([newest]);
      expect(fallback.snapshotIndex).toBe(snapshots[1]);
      expect(fallback.engine.stateHash()).toBe(ref.stateHash);
    } finally {
      remove();
    }
  });

  it("continues a journal across clients: state and sequence numbers carry over", async () => {
    const flow = generateFlow({ commands: 3_000, seed: 25 });
    const ref = referenceRun(flow);
    const { dir, remove } = tempDir("reopen");
    try {
      await journalFlow(dir, flow.slice(0, 1_500), 500);
      const client = new EngineClient({ journal: { dir, fsync: "off", snapshotEvery: 500 } });
      await client.start();
      expect((await client.snapshot()).stateHash).toBe(referenceRun(flow.slice(0, 1_500)).stateHash);
      const events: string[] = [];
      client.onEvent((e) => events.push(eventToJson(e)));
      for (const c of flow.slice(1_500)) client.enqueue(c);
      await client.drain();
      const snap = await client.snapshot();
      await client.close();
      expect(events).toEqual(ref.perCommand.slice(1_500).flat());
      expect(snap.stateHash).toBe(ref.stateHash);
      expect(recover(dir).journalLength).toBe(flow.length);
    } finally {
      remove();
    }
  });

  it("records the liquidation mode it was written in: recovery replays in it and refuses another", async () => {
    const flow = breachFlow;
    const { dir, remove } = tempDir("mode");
    try {
      const client = new EngineClient({ journal: { dir, fsync: "batch", snapshotEvery: 0 }, liquidation: "hard" });
      await client.start();
      await client.submitBatchInput(flow);
      const hash = (await client.snapshot()).stateHash;
      await client.close();
      const hard = new Engine({ liquidation: "hard" });
      for (const c of flow) hard.applyInput(c);
      expect(hash).toBe(hard.stateHash());
      const soft = new Engine({ liquidation: "soft" });
      for (const c of flow) soft.applyInput(c);
      expect(soft.stateHash()).not.toBe(hash);
      expect(recover(dir).engine.stateHash()).toBe(hash); // the recorded mode, whatever the default
      expect(() => recover(dir, { liquidation: "off" })).toThrow(RecoveryError);
      const reopened = new EngineClient({ journal: { dir, fsync: "off", snapshotEvery: 0 }, liquidation: "soft" });
      await expect(reopened.start()).rejects.toThrow(/liquidation mode hard/);
      // Naming no mode reopens it in the one it was written in.
      const again = new EngineClient({ journal: { dir, fsync: "off", snapshotEvery: 0 } });
      await again.start();
      expect((await again.snapshot()).stateHash).toBe(hash);
      await again.close();
    } finally {
      remove();
    }
  });
});
