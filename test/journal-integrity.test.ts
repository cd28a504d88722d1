import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { exportState, restoreState } from "../engine/state-snapshot.js";
import { Engine } from "../exchange.js";
import { LIQUIDATION_MODES, type LiquidationMode } from "../liquidator/liquidation-params.js";
import { commandToJsonl } from "../protocol/flow-writer.js";
import { generateFlow } from "../sim/flow-generator.js";
import { EngineClient } from "../worker/engine-client.js";
import { JournalWriteError, listSegments } from "../worker/journal.js";
import { JournalInUseError, LOCK_FILE, lockJournal, TAKEOVER_FILE } from "../worker/journal-lock.js";
import { RecoveryError, recover } from "../worker/recovery.js";
import { listSnapshots, snapshotName } from "../worker/snapshot-store.js";
import { crc32 } from "../worker/wire/crc32.js";
import { CLI, softliq } from "./cli-run.js";
import { breachFlow } from "./margin-flows.js";
import { type AnyCommand, referenceRun, tempDir } from "./worker-helpers.js";

/** A child process's stdout once it exits; rejects (with its stderr) if it fails. */
function outputOf(child: ChildProcess): Promise<string> {
  let out = "";
  let err = "";
  child.stdout?.on("data", (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on("data", (d: Buffer) => {
    err += d.toString();
  });
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}: ${err}`))));
  });
}

/** Journals `commands`, one frame per `perFrame` commands (each batch awaited). */
async function journal(
  dir: string,
  commands: readonly AnyCommand[],
  perFrame: number,
  snapshotEvery = 0,
): Promise<void> {
  const client = new EngineClient({ journal: { dir, fsync: "batch", snapshotEvery } });
  await client.start();
  for (let i = 0; i < commands.length; i += perFrame) await client.submitBatchInput(commands.slice(i, i + perFrame));
  await client.close();
}

/** Every file of the directory with its bytes (to show that nothing was touched). */
function contents(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of listSegments(dir)) out[s.path] = readFileSync(s.path).toString("hex");
  return out;
}

/** A five-frame journal, one command a frame, with its only segment's bytes spoiled by `spoil`. */
async function damagedJournal(
  seed: number,
  spoil: (bytes: Buffer) => void,
): Promise<{ dir: string; remove: () => void }> {
  const tmp = tempDir("damaged");
  await journal(tmp.dir, generateFlow({ commands: 5, seed, accountPpm: 0 }), 1);
  const segment = listSegments(tmp.dir)[0] as { path: string };
  const bytes = readFileSync(segment.path);
  spoil(bytes);
  writeFileSync(segment.path, bytes);
  return tmp;
}

function flowFile(dir: string, commands: readonly unknown[]): string {
  const path = join(dir, "flow.jsonl");
  writeFileSync(path, `${commands.map((c) => commandToJsonl(c as never)).join("\n")}\n`);
  return path;
}

describe("damage is refused, never cut as a torn tail", () => {
  it("refuses a journal whose middle frame is damaged, says where, and touches nothing", async () => {
    // One bit inside the first frame (the segment header is 32 bytes).
    const { dir, remove } = await damagedJournal(31, (bytes) => {
      bytes[40] = (bytes[40] as number) ^ 1;
    });
    try {
      const before = contents(dir);
      expect(() => recover(dir)).toThrow(RecoveryError);
      expect(() => recover(dir)).toThrow(/journal-0000000000000000\.log is damaged at byte 32 \(checksum mismatch\)/);
      // Neither an inspection, nor a writer that would continue the journal, changes a byte.
      const client = new EngineClient({ journal: { dir, fsync: "batch", snapshotEvery: 0 } });
      await expect(client.start()).rejects.toThrow(/damaged at byte 32/);
      await client.close();
      const cli = await softliq("recover", dir, "--json");
      expect(cli.code).toBe(2);
      expect(cli.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^softliq: .*damaged at byte 32/)]);
      expect(contents(dir)).toEqual(before);
    } finally {
      remove();
    }
  });

  it("refuses a whole-length last frame whose checksum fails", async () => {
    // A frame is at least 48 bytes: 30 from the end is inside the last one.
    const { dir, remove } = await damagedJournal(32, (bytes) => {
      bytes[bytes.length - 30] = (bytes[bytes.length - 30] as number) ^ 0x80;
    });
    try {
      expect(() => recover(dir)).toThrow(/is damaged at byte \d+ \(checksum mismatch\)/);
    } finally {
      remove();
    }
  });

  it("refuses a frame cut short when whole frames follow it", async () => {
    // The first frame's length now runs past the end of the file.
    const { dir, remove } = await damagedJournal(33, (bytes) => bytes.writeUInt32LE(1 << 20, 32));
    try {
      expect(() => recover(dir)).toThrow(/damaged at byte 32 \(a frame cut short, followed by valid frames\)/);
    } finally {
      remove();
    }
  });
});

describe("one writer per journal directory", () => {
  it("refuses a second writer with one clear line, in process and from the command line", async () => {
    const { dir, remove } = tempDir("two-writers");
    try {
      const first = new EngineClient({ journal: { dir, fsync: "batch", snapshotEvery: 0 } });
      await first.start();
      await first.submit({ type: "limit", id: 1, side: "buy", price: 10, qty: 1 });
      const second = new EngineClient({ journal: { dir, fsync: "batch", snapshotEvery: 0 } });
      await expect(second.start()).rejects.toThrow(JournalInUseError);
      await expect(second.start()).rejects.toThrow(/in use by another writer in this process/);
      const flow = flowFile(dir, generateFlow({ commands: 50, seed: 34 }));
      const cli = await softliq("replay", flow, "--journal", dir, "--json");
      expect(cli.code).toBe(75);
      expect(cli.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^softliq: .* is in use by process \d+/)]);
      await first.close();
      expect(existsSync(join(dir, LOCK_FILE))).toBe(false);
      // Once the first is done, the journal is free again (and holds the first's command).
      const third = new EngineClient({ journal: { dir, fsync: "batch", snapshotEvery: 0 } });
      await third.start();
      expect((await third.snapshot()).liveOrders).toBe(1);
      await third.close();
    } finally {
      remove();
    }
  });

  it("lets one of two replays started together journal the directory; the other exits non-zero", async () => {
    const tmp = tempDir("two-replays");
    try {
      const commands = generateFlow({ commands: 20_000, seed: 35, accountPpm: 0 });
      const flow = flowFile(tmp.dir, commands);
      const dir = join(tmp.dir, "journal");
      const [a, b] = await Promise.all([
        softliq("replay", flow, "--journal", dir, "--json"),
        softliq("replay", flow, "--journal", dir, "--json"),
      ]);
      const codes = [a.code, b.code].sort();
      expect(codes[0]).toBe(0);
      expect([2, 75]).toContain(codes[1]); // "in use", or "already holds a journal" if it came late
      const winner = a.code === 0 ? a : b;
      const hash = (JSON.parse(winner.stdout.trim().split("\n").at(-1) as string) as { stateHash: string }).stateHash;
      const report = recover(dir);
      expect(report.journalLength).toBe(commands.length);
      expect(report.engine.stateHash()).toBe(hash);
    } finally {
      tmp.remove();
    }
  });

  it("takes over a stale lock whose process is gone", async () => {
    const { dir, remove } = tempDir("stale-lock");
    try {
      const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
      writeFileSync(join(dir, LOCK_FILE), `${dead}\n`);
      const client = new EngineClient({ journal: { dir, fsync: "batch", snapshotEvery: 0 } });
      await client.start();
      expect(readFileSync(join(dir, LOCK_FILE), "utf8").trim()).toBe(String(process.pid));
      await client.close();
    } finally {
      remove();
    }
  });

  it("gives a stale lock to exactly one of several processes taking it over at the same moment", async () => {
    const { dir, remove } = tempDir("stale-race");
    try {
      const lockModule = join(CLI, "..", "..", "worker", "journal-lock.js");
      // Each taker waits for the same instant, tries, and holds a won lock long enough for the rest to see it.
      const taker = `
        const { JournalInUseError, lockJournal } = await import(${JSON.stringify(pathToFileURL(lockModule).href)});
        const at = Number(process.argv[1]);
        while (Date.now() < at) {}
        let lock = null;
        try { lock = lockJournal(${JSON.stringify(dir)}); } catch (err) { if (!(err instanceof JournalInUseError)) throw err; }
        process.stdout.write(lock === null ? "lost" : "won");
        if (lock !== null) { await new Promise((r) => setTimeout(r, 4000)); lock.release(); }`;
      const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
      for (let round = 0; round < 2; round++) {
        writeFileSync(join(dir, LOCK_FILE), `${dead}\n`);
        const at = Date.now() + 1500; // after every process has started (one starting up to 4 s late still finds the winner holding)
        const results = await Promise.all(
          Array.from({ length: 6 }, () =>
            outputOf(spawn(process.execPath, ["--input-type=module", "-e", taker, String(at)])),
          ),
        );
        expect(results.filter((r) => r === "won")).toHaveLength(1);
        expect(results.filter((r) => r === "lost")).toHaveLength(5);
        expect(existsSync(join(dir, LOCK_FILE))).toBe(false); // the winner released it
        expect(existsSync(join(dir, TAKEOVER_FILE))).toBe(false);
      }
    } finally {
      remove();
    }
  });

  it("leaves a stale lock alone while another process holds the takeover guard (a slow one too); a guard whose taker died is removed", () => {
    const { dir, remove } = tempDir("takeover-guard");
    try {
      const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"]).stdout.toString();
      const path = join(dir, LOCK_FILE);
      const guard = join(dir, TAKEOVER_FILE);
      writeFileSync(path, `${dead}\n`);
      writeFileSync(guard, ""); // another process is taking the stale lock over now
      expect(() => lockJournal(dir)).toThrow(JournalInUseError);
      expect(readFileSync(path, "utf8").trim()).toBe(dead); // not removed under the other taker
      const old = new Date(Date.now() - 10_000);
      writeFileSync(guard, `${process.pid}\n`); // a taker that is alive, however slow, keeps its guard
      utimesSync(guard, old, old);
      expect(() => lockJournal(dir)).toThrow(JournalInUseError);
      expect(readFileSync(guard, "utf8").trim()).toBe(String(process.pid));
      writeFileSync(guard, `${dead}\n`); // that taker died in its few system calls
      const lock = lockJournal(dir);
      expect(readFileSync(path, "utf8").trim()).toBe(String(process.pid));
      expect(existsSync(guard)).toBe(false);
      lock.release();
    } finally {
      remove();
    }
  });

  it("holds a lock whose pid is not written yet (a writer between create and write); takes it over once it stays empty", () => {
    const { dir, remove } = tempDir("unwritten-lock");
    try {
      const path = join(dir, LOCK_FILE);
      writeFileSync(path, ""); // another writer has created it and not yet written its pid
      expect(() => lockJournal(dir)).toThrow(JournalInUseError);
      expect(readFileSync(path, "utf8")).toBe(""); // left to its writer
      const old = new Date(Date.now() - 10_000);
      utimesSync(path, old, old); // it stayed empty: its writer died in the gap
      const lock = lockJournal(dir);
      expect(readFileSync(path, "utf8").trim()).toBe(String(process.pid));
      lock.release();
      expect(existsSync(path)).toBe(false);
    } finally {
      remove();
    }
  });

  it("refuses to recover a directory with a live writer, and an inspection never truncates", async () => {
    const { dir, remove } = tempDir("recover-live");
    try {
      const client = new EngineClient({ journal: { dir, fsync: "batch", snapshotEvery: 0 } });
      await client.start();
      await client.submitBatch(generateFlow({ commands: 200, seed: 36 }));
      const segment = listSegments(dir)[0] as { path: string };
      // A frame being written looks torn: half a frame at the end of the file.
      const whole = readFileSync(segment.path);
      writeFileSync(segment.path, Buffer.concat([whole, whole.subarray(32, 60)]));
      const before = contents(dir);
      const cli = await softliq("recover", dir, "--json");
      expect(cli.code).toBe(75);
      expect(cli.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^softliq: .* is in use by process \d+/)]);
      const report = recover(dir); // the library's read: sees the torn tail, leaves it
      expect(report.tornBytes).toBe(28);
      expect(report.journalLength).toBe(200);
      expect(contents(dir)).toEqual(before);
      writeFileSync(segment.path, whole);
      await client.close();
    } finally {
      remove();
    }
  });
});

describe("the liquidation mode and the segment chain are in the journal itself", () => {
  const breach = breachFlow;

  function hashIn(liquidation: LiquidationMode, commands: readonly unknown[]): string {
    const engine = new Engine({ liquidation });
    for (const c of commands) engine.applyInput(c);
    return engine.stateHash();
  }
  const hardHash = (commands: readonly unknown[]): string => hashIn("hard", commands);

  /** Journals the breach flow into `dir` with a client in `liquidation` mode, in two batches. */
  async function journalBreach(dir: string, liquidation: LiquidationMode, snapshotEvery: number): Promise<void> {
    const client = new EngineClient({ journal: { dir, fsync: "batch", snapshotEvery }, liquidation });
    await client.start();
    await client.submitBatchInput(breach.slice(0, 4));
    await client.submitBatchInput(breach.slice(4));
    await client.close();
  }

  it("records every liquidation mode in the segment headers and snapshots, venue policies included", async () => {
    for (const liquidation of LIQUIDATION_MODES) {
      const { dir, remove } = tempDir(`mode-${liquidation}`);
      try {
        await journalBreach(dir, liquidation, 3);
        const report = recover(dir);
        expect(report.liquidation).toBe(liquidation);
        expect(report.snapshotIndex).not.toBeNull();
        expect(report.engine.stateHash()).toBe(hashIn(liquidation, breach));
        const other = liquidation === "soft" ? "hard" : "soft";
        expect(() => recover(dir, { liquidation: other })).toThrow(`liquidation mode ${liquidation}, not ${other}`);
      } finally {
        remove();
      }
    }
  });

  it("recovers a hard-mode journal in hard mode without any mode file", async () => {
    const { dir, remove } = tempDir("mode-file");
    try {
      await journalBreach(dir, "hard", 3);
      rmSync(join(dir, "liquidation-mode"), { force: true });
      expect(existsSync(join(dir, "liquidation-mode"))).toBe(false);
      const report = recover(dir);
      expect(report.liquidation).toBe("hard");
      expect(report.snapshotIndex).not.toBeNull();
      expect(report.engine.stateHash()).toBe(hardHash(breach));
      expect(() => recover(dir, { liquidation: "soft" })).toThrow(/liquidation mode hard, not soft/);
    } finally {
      remove();
    }
  });

  it("still reads a format-2 journal, its mode from the side file", async () => {
    const { dir, remove } = tempDir("format-2");
    try {
      await journalBreach(dir, "hard", 0);
      // Rewrite it as the old software wrote it: an 8-byte header, no seal, the mode beside it.
      const segment = listSegments(dir)[0] as { path: string };
      const bytes = readFileSync(segment.path);
      const old = Buffer.concat([bytes.subarray(0, 8), bytes.subarray(32)]);
      old.writeUInt32LE(2, 4);
      writeFileSync(segment.path, old);
      writeFileSync(join(dir, "liquidation-mode"), "hard\n");
      const report = recover(dir);
      expect(report.liquidation).toBe("hard");
      expect(report.engine.stateHash()).toBe(hardHash(breach));
      // A new writer continues it in format 3, the mode agreeing.
      const again = new EngineClient({ journal: { dir, fsync: "batch", snapshotEvery: 0 } });
      await again.start();
      await again.submit({ type: "tick", ts: 2_000 });
      await again.close();
      expect(recover(dir).journalLength).toBe(breach.length + 1);
      writeFileSync(join(dir, "liquidation-mode"), "soft\n");
      expect(() => recover(dir)).toThrow(/mixes liquidation modes/);
    } finally {
      remove();
    }
  });

  it("detects a deleted newest segment, after a snapshot or after a restart", async () => {
    const flow = generateFlow({ commands: 3_000, seed: 37 });
    for (const snapshotEvery of [1_000, 0]) {
      const { dir, remove } = tempDir("deleted-segment");
      try {
        if (snapshotEvery > 0) await journal(dir, flow, 100, snapshotEvery);
        else for (let i = 0; i < 3; i++) await journal(dir, flow.slice(i * 1_000, (i + 1) * 1_000), 100);
        expect(recover(dir).journalLength).toBe(flow.length);
        const segments = listSegments(dir);
        expect(segments.length).toBeGreaterThan(1);
        rmSync((segments.at(-1) as { path: string }).path);
        expect(() => recover(dir)).toThrow(RecoveryError);
        expect(() => recover(dir)).toThrow(/is sealed: the journal goes on at command \d+, but .* holds no segment/);
        const cli = await softliq("recover", dir);
        expect(cli.code).toBe(2);
      } finally {
        remove();
      }
    }
  });

  it("refuses a segment that does not continue the one before it", async () => {
    const flow = generateFlow({ commands: 400, seed: 38 });
    const a = tempDir("chain-a");
    const b = tempDir("chain-b");
    try {
      // The same indices, other commands: b's second segment put into a.
      for (const [dir, seed] of [
        [a.dir, 38],
        [b.dir, 39],
      ] as const) {
        const commands = seed === 38 ? flow : generateFlow({ commands: 400, seed });
        await journal(dir, commands.slice(0, 200), 50);
        await journal(dir, commands.slice(200), 50);
      }
      const second = listSegments(b.dir).at(-1) as { path: string; first: number };
      writeFileSync(join(a.dir, `journal-${String(second.first).padStart(16, "0")}.log`), readFileSync(second.path));
      expect(() => recover(a.dir)).toThrow(/does not continue/);
    } finally {
      a.remove();
      b.remove();
    }
  });
});

describe("snapshots are validated on restore", () => {
  function margined(): Engine {
    const e = new Engine();
    e.apply({ type: "oracle", price: 100 });
    e.apply({ type: "deposit", account: "a", amount: 1_000_000 });
    e.apply({ type: "limit", id: 1, side: "buy", price: 99, qty: 5, account: "a" });
    e.apply({ type: "limit", id: 2, side: "sell", price: 101, qty: 5 });
    e.apply({ type: "limit", id: 3, side: "buy", price: 98, qty: 2 });
    return e;
  }

  const cases: [string, (state: ReturnType<typeof exportState>) => void, RegExp][] = [
    ["a negative quantity", (s) => ((s.books[0]?.bids[0] as unknown[])[2] = -5), /open quantity -5/],
    ["a string quantity", (s) => ((s.books[0]?.bids[0] as unknown[])[2] = "5"), /open quantity "5"/],
    ["a crossed book", (s) => ((s.books[0]?.asks[0] as unknown[])[1] = 97), /crossed/],
    ["a duplicate id", (s) => ((s.books[0]?.asks[0] as unknown[])[0] = 3), /order 3 twice/],
    ["a missing margin section", (s) => delete s.sections.margin, /margin section is missing/],
    ["a negative seq", (s) => (s.seq = -1), /seq -1/],
  ];
  for (const [name, spoil, reason] of cases) {
    it(`refuses a state with ${name}`, () => {
      const state = JSON.parse(JSON.stringify(exportState(margined()))) as ReturnType<typeof exportState>;
      expect(() => restoreState(JSON.parse(JSON.stringify(state)), new Engine())).not.toThrow();
      spoil(state);
      expect(() => restoreState(state, new Engine())).toThrow(reason);
    });
  }

  it("does not use a snapshot whose checksum passes but whose state is invalid", async () => {
    const flow = generateFlow({ commands: 3_000, seed: 40 });
    const { dir, remove } = tempDir("invalid-snapshot");
    try {
      await journal(dir, flow, 200, 1_000);
      const [newest, older] = listSnapshots(dir) as [number, number];
      const path = join(dir, snapshotName(newest));
      const text = readFileSync(path, "utf8");
      const header = JSON.parse(text.slice(0, text.indexOf("\n"))) as Record<string, unknown>;
      const state = JSON.parse(text.slice(text.indexOf("\n") + 1)) as ReturnType<typeof exportState>;
      const order = (state.books[0]?.bids[0] ?? state.books[0]?.asks[0]) as unknown[];
      order[2] = -1;
      const body = Buffer.from(JSON.stringify(state));
      writeFileSync(path, `${JSON.stringify({ ...header, bytes: body.length, crc32: crc32(body) })}\n${body}`);
      const report = recover(dir);
      expect(report.skippedSnapshots).toEqual([{ index: newest, reason: expect.stringMatching(/open quantity -1/) }]);
      expect(report.snapshotIndex).toBe(older);
      expect(report.engine.stateHash()).toBe(referenceRun(flow).stateHash);
    } finally {
      remove();
    }
  });
});

describe("a journal that cannot be written", () => {
  it("ends a replay into an unwritable path with one line and exit 73", async () => {
    const tmp = tempDir("unwritable");
    try {
      const flow = flowFile(tmp.dir, generateFlow({ commands: 100, seed: 41 }));
      const notDir = join(tmp.dir, "a-file");
      writeFileSync(notDir, "x");
      for (const args of [
        ["--journal", join(notDir, "journal")],
        ["--events", join(tmp.dir, "missing", "events.jsonl")],
      ]) {
        const ran = await softliq("replay", flow, ...args, "--json");
        expect(ran.code).toBe(73);
        expect(ran.stderr.trim().split("\n")).toEqual([
          expect.stringMatching(/^softliq: cannot write .*\((ENOTDIR|ENOENT|EEXIST)\)$/),
        ]);
      }
    } finally {
      tmp.remove();
    }
  });

  // A real full disk: a 192 KiB tmpfs (needs root; skipped where mounting is not allowed).
  const mountable =
    process.getuid?.() === 0 &&
    (() => {
      const probe = tempDir("probe");
      const ok = spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", probe.dir]).status === 0;
      if (ok) spawnSync("umount", [probe.dir]);
      probe.remove();
      return ok;
    })();

  it.skipIf(!mountable)(
    "stops journaling at the first failed write: no gap, recover gives an exact prefix",
    async () => {
      const tmp = tempDir("enospc");
      const mnt = join(tmp.dir, "mnt");
      mkdirSync(mnt);
      expect(spawnSync("mount", ["-t", "tmpfs", "-o", "size=192k", "tmpfs", mnt]).status).toBe(0);
      try {
        const commands = generateFlow({ commands: 20_000, seed: 42 });
        const flow = flowFile(tmp.dir, commands);
        const dir = join(mnt, "journal");
        const ran = await softliq("replay", flow, "--journal", dir, "--json");
        expect(ran.code).toBe(73);
        expect(ran.stderr.trim().split("\n")).toEqual([
          expect.stringMatching(/^softliq: cannot write .*journal-[0-9]+\.log: no space left on device \(ENOSPC\)$/),
        ]);
        // What is there is a prefix of the file, exactly: nothing was journaled after the failure.
        const report = recover(dir);
        expect(report.journalLength).toBeGreaterThan(0);
        expect(report.journalLength).toBeLessThan(commands.length);
        expect(report.engine.stateHash()).toBe(referenceRun(commands.slice(0, report.journalLength)).stateHash);
        // In process: the client fails with the cause and is not restarted.
        rmSync(dir, { recursive: true });
        const client = new EngineClient({ journal: { dir, fsync: "batch", snapshotEvery: 0 }, maxRestarts: 5 });
        await client.start();
        const results = await Promise.allSettled(commands.map((c) => client.submit(c)));
        const failed = results.findIndex((r) => r.status === "rejected");
        expect(failed).toBeGreaterThan(0);
        expect(results.slice(failed).every((r) => r.status === "rejected")).toBe(true);
        const reason = (results[failed] as PromiseRejectedResult).reason as Error;
        expect(reason.cause).toBeInstanceOf(JournalWriteError);
        expect(client.stats.restarts).toBe(0);
        await client.close().catch(() => {});
        expect(recover(dir).journalLength).toBe(failed);
      } finally {
        spawnSync("umount", [mnt]);
        tmp.remove();
      }
    },
  );
});

describe("kill -9 of a journaled replay", () => {
  it("leaves a journal that recovers to exactly the state of its first N commands", async () => {
    const tmp = tempDir("kill9");
    try {
      const commands = generateFlow({ commands: 60_000, seed: 43 });
      const flow = flowFile(tmp.dir, commands);
      for (const [trial, fsync] of (["batch", "off", "5ms"] as const).entries()) {
        const dir = join(tmp.dir, `journal-${trial}`);
        const child = spawn(
          process.execPath,
          [CLI, "replay", flow, "--journal", dir, "--fsync", fsync, "--snapshot-every", "5000"],
          { stdio: "ignore" },
        );
        // Listened for from the start: a replay that ends before the kill must not leave the wait hanging.
        const exited = new Promise((resolve) => child.on("exit", resolve));
        await new Promise((resolve) => setTimeout(resolve, 400 + 150 * trial));
        child.kill("SIGKILL");
        await exited;
        const report = recover(dir);
        expect(report.engine.stateHash()).toBe(referenceRun(commands.slice(0, report.journalLength)).stateHash);
        // The next writer takes over the dead one's lock and continues the journal.
        const client = new EngineClient({ journal: { dir, fsync: "batch", snapshotEvery: 0 } });
        await client.start();
        await client.close();
        expect(recover(dir).journalLength).toBe(report.journalLength);
      }
    } finally {
      tmp.remove();
    }
  });
});
