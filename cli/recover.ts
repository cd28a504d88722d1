import { existsSync, statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { listSegments } from "../worker/journal.js";
import { type JournalLock, lockJournal } from "../worker/journal-lock.js";
import { recover } from "../worker/recovery.js";
import { listSnapshots } from "../worker/snapshot-store.js";
import { parseArgs, stringFlag, UsageError } from "./args.js";
import { EXIT_OK, EXIT_UNREADABLE } from "./exit-codes.js";
import { checkOutputFile } from "./output-check.js";

export const RECOVER_USAGE = "softliq recover DIR [--book OUT.json] [--json]";

/**
 * `softliq recover DIR`: rebuilds the engine state a journal directory holds (newest valid
 * snapshot + journal tail) and says what it used and replayed. It only reads: a torn last record
 * is reported and left for the next writer to cut. It holds the directory's lock while it reads,
 * so it refuses a directory with a live writer (exit 75), and a writer cannot start meanwhile.
 */
export async function runRecover(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, ["book"], ["json"]);
  checkOutputFile(stringFlag(args, "book"));
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
  const lock = readersLock(dir);
  let report: ReturnType<typeof recover>;
  try {
    report = recover(dir);
  } finally {
    lock?.release();
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
    tornBytes: report.tornBytes,
    mode: report.liquidation,
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
  if (summary.tornBytes > 0) {
    out.write(`  a torn last record (${summary.tornBytes} bytes) left in place; the next writer cuts it\n`);
  }
  out.write(`  commands in the journal ${summary.journalLength}, last event seq ${summary.seq}\n`);
  out.write(`  live orders ${summary.liveOrders}\n`);
  out.write(`  state hash ${summary.stateHash}\n`);
  return EXIT_OK;
}

/**
 * The lock for reading: a live writer's lock refuses (JournalInUseError). A directory where no
 * lock can be created (read-only media, a copy without permission) is still read, unlocked.
 */
function readersLock(dir: string): JournalLock | null {
  try {
    return lockJournal(dir);
  } catch (err) {
    if (typeof (err as NodeJS.ErrnoException).code === "string") return null;
    throw err;
  }
}
