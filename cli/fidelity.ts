/** `softliq fidelity`: replays an imported LOBSTER flow and scores it against NASDAQ's own record. */
import { createReadStream } from "node:fs";
import { open, stat } from "node:fs/promises";
import cliProgress from "cli-progress";
import { type FidelityReport, measureFidelity } from "../lobster/lobster-fidelity.js";
import { closeLobster, LOBSTER_DAY_COMMENT, openLobster } from "../lobster/sources.js";
import { intFlag, type ParsedArgs, UsageError } from "./args.js";
import type { CommandSpec } from "./command-spec.js";

export const FIDELITY_COMMAND: CommandSpec = {
  name: "fidelity",
  usage: "softliq fidelity OUT.jsonl FILE.zip | MESSAGE.csv ORDERBOOK.csv [--examples N] [--json]",
  what: "Replays an imported LOBSTER flow and compares the engine's book with LOBSTER's order book file, level by level.",
  flags: [
    { flag: "--examples N", help: "print up to N differing snapshots", default: "5" },
    { flag: "--json", help: "end with one JSON report line" },
  ],
  run: runFidelity,
};

async function runFidelity(args: ParsedArgs): Promise<number> {
  const [flowPath, ...lobsterPaths] = args.positionals;
  if (flowPath === undefined || lobsterPaths.length === 0 || lobsterPaths.length > 2) {
    throw new UsageError("fidelity takes the imported flow, then FILE.zip or MESSAGE.csv ORDERBOOK.csv");
  }
  if (flowPath.toLowerCase().endsWith(".csv")) throw new UsageError("fidelity reads a JSONL flow");
  let flowSize: number;
  let source: Awaited<ReturnType<typeof openLobster>>;
  try {
    flowSize = (await stat(flowPath)).size;
    source = await openLobster(lobsterPaths);
  } catch (err) {
    process.stderr.write(`softliq: cannot read input: ${(err as Error).message}\n`);
    return 2;
  }
  if (source.orderbook === null) {
    closeLobster(source);
    process.stderr.write("softliq: fidelity needs the orderbook file (or the zip holding it)\n");
    return 2;
  }
  const flowDay = await importedDay(flowPath);
  if (flowDay !== null && source.day !== null && flowDay !== source.day) {
    closeLobster(source);
    process.stderr.write(`softliq: ${flowPath} was imported from ${flowDay}, ${source.label} holds ${source.day}\n`);
    return 2;
  }
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        { format: "fidelity [{bar}] {percentage}% | {value}/{total} bytes | {eta}s", stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(flowSize, 0);
  const started = process.hrtime.bigint();
  let report: FidelityReport;
  try {
    report = await measureFidelity({
      flow: createReadStream(flowPath, { highWaterMark: 1 << 16 }),
      messages: source.messages,
      orderbook: source.orderbook,
      maxExamples: intFlag(args, "examples"),
      onProgress: (bytes) => bar?.update(bytes),
    });
  } catch (err) {
    bar?.stop();
    closeLobster(source);
    process.stderr.write(`softliq: ${(err as Error).message}\n`);
    return 1;
  }
  bar?.update(flowSize);
  bar?.stop();
  closeLobster(source);
  const elapsedMs = Math.round(Number(process.hrtime.bigint() - started) / 1e6);
  const r = report;
  const out = process.stdout;
  if (args.flags.has("json")) {
    const { bookExamples: _b, fillExamples: _f, ...figures } = r;
    out.write(`${JSON.stringify({ flow: flowPath, lobster: source.label, ...figures, elapsedMs })}\n`);
    return 0;
  }
  out.write(`fidelity of ${flowPath} against ${source.label} (${elapsedMs} ms)\n`);
  out.write(
    `  book: ${r.bookAgreementPct}% of ${r.comparedMessages} compared messages equal NASDAQ's top levels` +
      ` (${r.insideRuns} messages inside execution runs not compared)\n`,
  );
  out.write(
    `  book before holding: ${r.bookAgreementBeforeHoldingPct}% (the importer held the book after ${r.heldMessages} messages)\n`,
  );
  out.write(
    `  executions of in-file orders: ${r.executionAgreementPct}% (${r.matchedExecutions} of ${r.inFileExecutions} reproduced,` +
      ` same maker and quantity); missed: ${r.missedInBook} held by the engine behind others,` +
      ` ${r.missedNotInBook} no longer in the engine's book; engine fills of LOBSTER orders NASDAQ did not make: ${r.unmatchedEngineFills}\n`,
  );
  if (r.rejected > 0) out.write(`  engine rejects: ${JSON.stringify(r.rejectsByReason)}\n`);
  if (r.holdingFills > 0) out.write(`  fills outside message commands: ${r.holdingFills}\n`);
  if (r.bookExamples.length > 0) out.write(`  first book disagreements:\n  ${r.bookExamples.join("\n  ")}\n`);
  if (r.fillExamples.length > 0) out.write(`  first execution disagreements:\n  ${r.fillExamples.join("\n  ")}\n`);
  return 0;
}

/** The LOBSTER day an imported flow names in its first lines (import writes it), or null. */
async function importedDay(path: string): Promise<string | null> {
  const handle = await open(path, "r");
  try {
    const head = Buffer.alloc(4096);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    for (const line of head.subarray(0, bytesRead).toString("utf8").split("\n")) {
      if (!line.startsWith("#")) break;
      if (line.startsWith(LOBSTER_DAY_COMMENT)) return line.slice(LOBSTER_DAY_COMMENT.length).trim();
    }
    return null;
  } finally {
    await handle.close();
  }
}
