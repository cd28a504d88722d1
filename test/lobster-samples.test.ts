/**
 * The real LOBSTER sample days (NASDAQ, 2012-06-21), read in place from ../shared/data/lobster
 * beside the repository: never copied into the project. Without them these tests are skipped with
 * a message saying so.
 */
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { measureFidelity } from "../cli/lobster-fidelity.js";
import { importLobster } from "../protocol/lobster/import-stream.js";
import { closeLobster, openLobster } from "../protocol/lobster/sources.js";

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

describe.skipIf(present)("LOBSTER sample days", () => {
  it(`skipped: no LOBSTER sample data at ${DATA}`, () => {
    console.warn(`LOBSTER sample tests skipped: ${DATA} not found`);
  });
});
