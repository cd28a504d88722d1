import { existsSync, statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { listSegments } from "../worker/journal.js";
import { RecoveryError, recover } from "../worker/recovery.js";
import { listSnapshots } from "../worker/snapshot-store.js";
import { parseArgs, stringFlag, UsageError } from "./args.js";
import { EXIT_OK, EXIT_UNREADABLE } from "./replay.js";

export const RECOVER_USAGE = "softliq recover DIR [--book OUT.json] [--json]";

/**
 * `softliq recover DIR`: rebuilds the engine state a journal directory holds (newest valid
 * snapshot + journal tail, a torn last record cut) and says what it used and replayed.
 */
export async function runRecover(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, ["book"], ["json"]);
  const dir = args.positionals[0];
  if (dir === undefined || args.positionals.length > 1) throw new UsageError("recover takes one journal DIR");
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    process.stderr.write(`softliq: ${dir} is not a directory\n`);
    return EXIT_UNREADABLE;
  }
  if (listSegments(dir).length === 0 && listSnapshots(dir).length === 0) {
    process.stderr.write(`softliq: ${dir} holds no journal\n`);
    return EXIT_UNREADABLE;
  }
  const started = process.hrtime.bigint();
  let report: ReturnType<typeof recover>;
  try {
    report = recover(dir);
  } catch (err) {
    if (!(err instanceof RecoveryError)) throw err;
    process.stderr.write(`softliq: ${err.message}\n`);
    return EXIT_UNREADABLE;
  }
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  const { engine } = report;
  const summary = {
    dir,
    snapshotIndex: report.snapshotIndex,
    skippedSnapshots: report.skippedSnapshots,
    replayed: report.replayed,
    journalLength: report.journalLength,
    segmentsRead: report.segmentsRead,
    tornBytesCut: report.tornBytes,
    mode: engine.marginEngine?.mode ?? "off",
    seq: engine.seq,
    clock: engine.clock,
    liveOrders: engine.liveOrderCount,
    stateHash: engine.stateHash(),
    elapsedMs: Math.round(elapsedMs * 1000) / 1000,
  };
  const bookPath = stringFlag(args, "book");
  if (bookPath !== undefined) await writeFile(bookPath, `${JSON.stringify(engine.bookSnapshot())}\n`);
  if (args.flags.has("json")) {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
    return EXIT_OK;
  }
  const out = process.stdout;
  const from =
    summary.snapshotIndex === null ? "the start of the journal" : `snapshot at command ${summary.snapshotIndex}`;
  out.write(`recovered ${dir} in ${summary.elapsedMs.toFixed(1)} ms\n`);
  out.write(`  from ${from}, replayed ${summary.replayed} journaled commands (${summary.segmentsRead} segments)\n`);
  for (const s of summary.skippedSnapshots) out.write(`  skipped snapshot at command ${s.index}: ${s.reason}\n`);
  if (summary.tornBytesCut > 0) out.write(`  cut a torn last record (${summary.tornBytesCut} bytes)\n`);
  out.write(`  commands in the journal ${summary.journalLength}, last event seq ${summary.seq}\n`);
  out.write(`  live orders ${summary.liveOrders}\n`);
  out.write(`  state hash ${summary.stateHash}\n`);
  return EXIT_OK;
}
