import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { commandToJsonl } from "../protocol/flow-writer.js";
import { generateFlow } from "../sim/flow-generator.js";
import { type Ran, softliq } from "./cli-run.js";
import { tempDir } from "./worker-helpers.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SAMPLE = join(ROOT, "samples", "sample.jsonl");

function summaryOf(ran: Ran): Record<string, unknown> {
  const lines = ran.stdout.trim().split("\n");
  const summary = JSON.parse(lines[lines.length - 1] as string) as Record<string, unknown>;
  delete summary.elapsedMs;
  delete summary.commandsPerSec;
  return summary;
}

describe("softliq replay through the worker", () => {
  const tmp = tempDir("cli");
  const bad = join(tmp.dir, "bad.jsonl");
  beforeAll(() => {
    writeFileSync(
      bad,
      [
        '{"type":"limit","id":1,"side":"buy","price":5,"qty":1,"ts":3}',
        "not json",
        '{"type":"limit","id":2,"side":"buy","price":5,"qty":1,"bogus":1}',
        '{"type":"limit","id":3,"side":"up","price":5,"qty":1}',
        '{"type":"modify","id":1,"qty":9007199254740991}',
        '{"type":"limit","id":4,"side":"sell","price":5,"qty":2}',
        "",
      ].join("\n"),
    );
  });
  afterAll(() => tmp.remove());

  for (const [name, file] of [
    ["the bundled sample", SAMPLE],
    ["a file with bad lines", "BAD"],
  ] as const) {
    it(`prints the same summary, events, book and bad-line reports as --in-process (${name})`, async () => {
      const path = file === "BAD" ? bad : file;
      const out = (tag: string, kind: string): string => join(tmp.dir, `${tag}.${kind}`);
      const worker = await softliq("replay", path, "--json", "--events", out("w", "ev"), "--book", out("w", "book"));
      const inProcess = await softliq(
        "replay",
        path,
        "--json",
        "--in-process",
        "--events",
        out("p", "ev"),
        "--book",
        out("p", "book"),
      );
      expect(worker.code).toBe(0);
      expect(inProcess.code).toBe(0);
      expect(summaryOf(worker)).toEqual(summaryOf(inProcess));
      expect(readFileSync(out("w", "ev"), "utf8")).toBe(readFileSync(out("p", "ev"), "utf8"));
      expect(readFileSync(out("w", "book"), "utf8")).toBe(readFileSync(out("p", "book"), "utf8"));
      expect(worker.stderr).toBe(inProcess.stderr);
    });
  }

  it("stops at the same line with --strict, even on a rejection only the engine can see", async () => {
    const file = join(tmp.dir, "overflow.jsonl");
    writeFileSync(
      file,
      '{"type":"limit","id":1,"side":"buy","price":5,"qty":1}\n{"type":"modify","id":1,"qty":9007199254740991}\n{"type":"limit","id":4,"side":"buy","price":5,"qty":1}\n',
    );
    const worker = await softliq("replay", file, "--strict", "--json");
    const inProcess = await softliq("replay", file, "--strict", "--json", "--in-process");
    expect(worker.code).toBe(1);
    expect(inProcess.code).toBe(1);
    expect(summaryOf(worker)).toEqual(summaryOf(inProcess));
    expect(summaryOf(worker).stoppedAtLine).toBe(2);
  });

  it("journals a replay that softliq recover rebuilds to the same state hash", async () => {
    const plain = join(tmp.dir, "plain.jsonl");
    writeFileSync(
      plain,
      `${generateFlow({ commands: 20_000, seed: 51, accountPpm: 0 }).map(commandToJsonl).join("\n")}\n`,
    );
    // Both are snapshotted: the plain flow has no accounts, the sample's ride in the "margin" section.
    for (const [file, name] of [
      [plain, "plain"],
      [SAMPLE, "sample"],
    ] as const) {
      const dir = join(tmp.dir, `journal-${name}`);
      const replayed = await softliq(
        "replay",
        file,
        "--journal",
        dir,
        "--snapshot-every",
        "7000",
        "--fsync",
        "off",
        "--json",
      );
      expect(replayed.code).toBe(0);
      const recovered = await softliq("recover", dir, "--json");
      expect(recovered.code).toBe(0);
      const report = JSON.parse(recovered.stdout) as {
        stateHash: string;
        journalLength: number;
        snapshotIndex: number | null;
        replayed: number;
      };
      expect(report.stateHash).toBe(summaryOf(replayed).stateHash);
      expect(report.journalLength).toBe(20_000);
      expect(report.snapshotIndex).not.toBeNull();
      expect(report.replayed).toBe(20_000 - (report.snapshotIndex ?? 0));
      // A directory that already holds a journal is not overwritten.
      expect((await softliq("replay", file, "--journal", dir)).code).toBe(2);
    }
    expect((await softliq("recover", join(tmp.dir, "nowhere"))).code).toBe(2);
  });

  it("replays several files in parallel with a summary each, as one at a time would", async () => {
    const parallel = await softliq("replay", SAMPLE, bad, "--parallel", "2", "--json");
    expect(parallel.code).toBe(0);
    const summaries = parallel.stdout
      .trim()
      .split("\n")
      .map((line) => {
        const s = JSON.parse(line) as Record<string, unknown>;
        delete s.elapsedMs;
        delete s.commandsPerSec;
        return s;
      });
    expect(summaries).toEqual([
      summaryOf(await softliq("replay", SAMPLE, "--json", "--in-process")),
      summaryOf(await softliq("replay", bad, "--json", "--in-process")),
    ]);
    expect((await softliq("replay", SAMPLE, join(tmp.dir, "missing.jsonl"), "--json")).code).toBe(2);
  });
});
