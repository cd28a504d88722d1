import { existsSync, statSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import { LiquidationLedger } from "../liquidator/liquidation-ledger.js";
import { listSegments } from "../worker/journal.js";
import { type JournalLock, lockJournal } from "../worker/journal-lock.js";
import { recover } from "../worker/recovery.js";
import { listSnapshots } from "../worker/snapshot-store.js";
import { accountDetail, formatAccount, formatLiquidatedAccounts, liquidationsDocument } from "./account-report.js";
import { type ParsedArgs, stringFlag, UsageError } from "./args.js";
import type { CommandSpec } from "./command-spec.js";
import { EXIT_CANNOT_WRITE, EXIT_IN_USE, EXIT_INTERNAL, EXIT_OK, EXIT_UNREADABLE } from "./exit-codes.js";
import { checkOutputFiles } from "./output-check.js";

const RECOVER_EXITS =
  `exit codes: ${EXIT_OK} recovered; ` +
  `${EXIT_UNREADABLE} usage error, or a journal that cannot be recovered (damaged, a gap, a missing segment, another format or mode: nothing is changed); ` +
  `${EXIT_CANNOT_WRITE} an output cannot be written; ${EXIT_IN_USE} DIR is in use by a live writer; ${EXIT_INTERNAL} internal error`;

export const RECOVER_COMMAND: CommandSpec = {
  name: "recover",
  usage: "softliq recover DIR [--book OUT.json] [--accounts OUT.json] [--liquidations OUT.json] [--account A] [--json]",
  what: "Rebuilds the engine state from a journal directory (latest valid snapshot, then the commands after it) and prints its summary. It only reads: a torn last record is reported and left for the next writer; damage is refused.",
  flags: [
    { flag: "--book OUT.json", help: "write the recovered book" },
    {
      flag: "--accounts OUT.json",
      help: "write every recovered account and the insurance fund (as replay --accounts)",
    },
    {
      flag: "--liquidations OUT.json",
      help: "write the liquidator's record per account over the replayed commands (all of them without a snapshot, the tail after one)",
    },
    { flag: "--account A", help: "print recovered account A and its liquidation record" },
    { flag: "--json", help: "end with one JSON summary line" },
  ],
  exits: RECOVER_EXITS,
  run: runRecover,
};

/**
 * `softliq recover DIR`: rebuilds the engine state a journal directory holds (newest valid
 * snapshot + journal tail) and says what it used and replayed. It only reads: a torn last record
 * is reported and left for the next writer to cut. It holds the directory's lock while it reads,
 * so it refuses a directory with a live writer (exit 75), and a writer cannot start meanwhile.
 */
async function runRecover(args: ParsedArgs): Promise<number> {
  const bookPath = stringFlag(args, "book");
  const accountsPath = stringFlag(args, "accounts");
  const liquidationsPath = stringFlag(args, "liquidations");
  checkOutputFiles(bookPath, accountsPath, liquidationsPath);
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
  const ledger = new LiquidationLedger();
  let report: ReturnType<typeof recover>;
  try {
    // What the liquidator did in the commands replayed after the snapshot (before it: in its state only).
    report = recover(dir, { onEvent: (e) => ledger.observe(e), deliverFrom: 0 });
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
  if (bookPath !== undefined) await writeFile(bookPath, `${JSON.stringify(engine.bookSnapshot())}\n`);
  const accounts = engine.accounts();
  if (accountsPath !== undefined) await writeFile(accountsPath, `${JSON.stringify(accounts)}\n`);
  if (liquidationsPath !== undefined) await writeFile(liquidationsPath, liquidationsDocument(ledger));
  const accountName = stringFlag(args, "account");
  const detail = accountName === undefined ? null : accountDetail(accountName, accounts, ledger);
  if (args.flags.has("json")) {
    process.stdout.write(`${JSON.stringify(detail === null ? summary : { ...summary, account: detail })}\n`);
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
  if (summary.snapshotIndex !== null && (ledger.size > 0 || detail !== null)) {
    out.write(
      `  (the liquidator's record below covers the ${summary.replayed} commands replayed after the snapshot)\n`,
    );
  }
  out.write(detail === null ? formatLiquidatedAccounts(ledger, "--liquidations") : formatAccount(detail));
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
