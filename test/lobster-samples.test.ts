/**
 * The real LOBSTER sample days (NASDAQ, 2012-06-21), read in place from ../shared/data/lobster
 * beside the repository: never copied into the project. Without them these tests are skipped with
 * a message saying so.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { importLobster } from "../lobster/import-stream.js";
import { measureFidelity } from "../lobster/lobster-fidelity.js";
import { closeLobster, openLobster } from "../lobster/sources.js";

const DATA = fileURLToPath(new URL("../../shared/data/lobster/", import.meta.url));
const present = existsSync(`${DATA}LOBSTER_SampleFile_GOOG_2012-06-21_1.zip`);

/** Imports a sample day into memory and scores the replay against the same day's files. */
async function importAndMeasure(name: string) {
  const zip = `${DATA}LOBSTER_SampleFile_${name}.zip`;
  const lines: string[] = [];
  const source = await openLobster([zip]);
  const { counts } = await importLobster(source.messages, source.orderbook, {
    comment: (text) => lines.push(text),
    command: (c) => lines.push(JSON.stringify(c)),
  });
  closeLobster(source);
  const again = await openLobster([zip]);
  const report = await measureFidelity({
    flow: flowOf(lines),
    messages: again.messages,
    orderbook: again.orderbook as NonNullable<typeof again.orderbook>,
  });
  closeLobster(again);
  return { counts, report };
}

/** The flow as a stream of ~1 MB pieces. */
function flowOf(lines: string[]) {
  async function* pieces() {
    for (let i = 0; i < lines.length; i += 10_000) yield `${lines.slice(i, i + 10_000).join("\n")}\n`;
  }
  return pieces();
}

describe.runIf(present)("LOBSTER sample days replayed through the engine", () => {
  // Level-1 and level-5 GOOG; the level-10 file gives 100% book / 99.83% executions too, more slowly.
  it("GOOG level 5: holds the visible book to NASDAQ's after every message and reproduces ≥ 99% of in-file executions", async () => {
    const { counts, report } = await importAndMeasure("GOOG_2012-06-21_5");
    expect(counts.messages).toBe(112_673);
    expect(report.rejected).toBe(0);
    expect(report.comparedMessages + report.insideRuns).toBe(counts.messages);
    expect(report.bookEqual).toBe(report.comparedMessages);
    expect(report.holdingFills).toBe(0);
    expect(report.executionAgreementPct).toBeGreaterThanOrEqual(99);
    console.info(`GOOG level 5: executions of in-file orders reproduced ${report.executionAgreementPct}%`);
  });

  it("GOOG level 1: holds the top of book after every message; in-file executions ≥ 95% (one visible level hides most churn)", async () => {
    const { counts, report } = await importAndMeasure("GOOG_2012-06-21_1");
    expect(counts.messages).toBe(49_482);
    expect(report.rejected).toBe(0);
    expect(report.comparedMessages + report.insideRuns).toBe(counts.messages);
    expect(report.bookEqual).toBe(report.comparedMessages);
    expect(report.executionAgreementPct).toBeGreaterThanOrEqual(95);
    console.info(`GOOG level 1: executions of in-file orders reproduced ${report.executionAgreementPct}%`);
  });
});

describe.runIf(present)("softliq fidelity on the sample days", () => {
  const CLI = fileURLToPath(new URL("../dist/cli/softliq.js", import.meta.url));
  const run = (args: string[]) => spawnSync(process.execPath, [CLI, ...args], { encoding: "utf8" });

  it("refuses to score a flow against another day's files, in one line, exit 2; --json prints only the JSON", () => {
    const dir = mkdtempSync(join(tmpdir(), "softliq-fidelity-"));
    try {
      const flow = join(dir, "goog.jsonl");
      const goog = `${DATA}LOBSTER_SampleFile_GOOG_2012-06-21_1.zip`;
      expect(run(["import", "lobster", goog, "-o", flow]).status).toBe(0);
      expect(readFileSync(flow, "utf8").split("\n").slice(0, 3)).toContain("# lobster day: GOOG 2012-06-21");
      const wrong = run(["fidelity", flow, `${DATA}LOBSTER_SampleFile_AAPL_2012-06-21_1.zip`]);
      expect(wrong.status).toBe(2);
      expect(wrong.stdout).toBe("");
      expect(wrong.stderr).toBe(
        `softliq: ${flow} was imported from GOOG 2012-06-21, ${DATA}LOBSTER_SampleFile_AAPL_2012-06-21_1.zip holds AAPL 2012-06-21\n`,
      );
      const right = run(["fidelity", flow, goog, "--json"]);
      expect(right.status).toBe(0);
      const lines = right.stdout.trim().split("\n");
      expect(lines).toHaveLength(1);
      expect(JSON.parse(lines[0] as string).bookAgreementPct).toBeGreaterThan(99);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe.skipIf(present)("LOBSTER sample days", () => {
  it(`skipped: no LOBSTER sample data at ${DATA}`, () => {
    console.warn(`LOBSTER sample tests skipped: ${DATA} not found`);
  });
});
