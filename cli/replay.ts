import { writeFile } from "node:fs/promises";
import cliProgress from "cli-progress";
import { isLiquidationMode, type LiquidationMode } from "../liquidator/liquidation-params.js";
import type { EngineEvent } from "../protocol/events.js";
import { formatOf } from "../protocol/flow-reader.js";
import type { EngineClientOptions } from "../worker/engine-client.js";
import { parseFsyncPolicy } from "../worker/journal.js";
import { builtModuleUrl } from "../worker/module-url.js";
import { BufferedOutput } from "../worker/output-file.js";
import { TaskPool } from "../worker/pool.js";
import { type BadLine, type FinalState, finalStateOf, replayFlow, replayFlowInWorker } from "../worker/replay-flow.js";
import { intFlag, type ParsedArgs, parseArgs, stringFlag, UsageError } from "./args.js";
import { EXIT_OK, EXIT_STRICT, EXIT_UNREADABLE } from "./exit-codes.js";
import { checkOutputFiles } from "./output-check.js";
import { openSource } from "./replay-source.js";
import { formatSummary, summarize } from "./replay-summary.js";
import type { ReplayTaskInput, ReplayTaskOutput } from "./replay-task.js";

export const REPLAY_USAGE =
  "softliq replay FILE|- [FILE…] [--events OUT.jsonl] [--book OUT.json] [--accounts OUT.json] [--mode soft|hard|hyperliquid|dydx|drift|off] [--in-process] [--json] [--strict]\n" +
  "                 [--journal DIR [--fsync batch|off|Nms] [--snapshot-every N]] [--transport ring|message] [--parallel N]";

/** Bad lines printed before the rest are only counted. */
const MAX_REPORTED_BAD_LINES = 20;

const VALUED = ["events", "book", "accounts", "mode", "journal", "fsync", "snapshot-every", "transport", "parallel"];
const BOOLEANS = ["in-process", "json", "strict"];

export async function runReplay(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, VALUED, BOOLEANS);
  const files = args.positionals;
  if (files.length === 0) throw new UsageError("replay needs a FILE (or - for stdin)");
  const mode = stringFlag(args, "mode") ?? "soft";
  if (!isLiquidationMode(mode)) throw new UsageError("--mode is soft, hard, hyperliquid, dydx, drift or off");
  if (files.length > 1 || args.flags.has("parallel")) return runParallel(args, files, mode);
  return runSingle(args, files[0] as string, mode);
}

/** The engine's placement: the worker (default, optionally journaled) or this thread. */
function clientOptions(args: ParsedArgs): EngineClientOptions | null {
  const inProcess = args.flags.has("in-process");
  const journalDir = stringFlag(args, "journal");
  const transport = stringFlag(args, "transport") ?? "ring";
  if (transport !== "ring" && transport !== "message") throw new UsageError("--transport is ring or message");
  if (inProcess) {
    if (journalDir !== undefined) throw new UsageError("--journal needs the worker; drop --in-process");
    return null;
  }
  if (journalDir === undefined) {
    if (args.flags.has("fsync") || args.flags.has("snapshot-every"))
      throw new UsageError("--fsync and --snapshot-every need --journal DIR");
    return { transport };
  }
  if (args.flags.has("strict")) throw new UsageError("--strict cannot be combined with --journal");
  const fsyncText = stringFlag(args, "fsync") ?? "batch";
  const fsync = parseFsyncPolicy(fsyncText);
  if (fsync === null) throw new UsageError("--fsync is batch, off or a number of ms");
  // `fresh`: a replay starts a journal, it never continues one (checked under the journal's lock).
  return {
    transport,
    journal: { dir: journalDir, fsync, snapshotEvery: intFlag(args, "snapshot-every", 100_000), fresh: true },
  };
}

async function runSingle(args: ParsedArgs, file: string, mode: LiquidationMode): Promise<number> {
  const json = args.flags.has("json");
  const client = clientOptions(args);
  checkOutputFiles(stringFlag(args, "events"), stringFlag(args, "book"), stringFlag(args, "accounts"));

  const opened = await openSource(file);
  if (typeof opened === "string") {
    process.stderr.write(`softliq: ${opened}\n`);
    return EXIT_UNREADABLE;
  }

  const eventsPath = stringFlag(args, "events");
  const events = eventsPath === undefined ? null : new BufferedOutput(eventsPath);
  const bar =
    process.stderr.isTTY && opened.size > 0
      ? new cliProgress.SingleBar(
          { format: "replay [{bar}] {percentage}% | {value}/{total} bytes | {eta}s", stream: process.stderr },
          cliProgress.Presets.shades_classic,
        )
      : null;
  bar?.start(opened.size, 0);

  let reported = 0;
  const reportBad = (bad: BadLine): void => {
    if (reported++ < MAX_REPORTED_BAD_LINES) {
      const detail = bad.detail === "" ? "" : ` (${bad.detail})`;
      process.stderr.write(`line ${bad.line}: ${bad.reason}${detail}\n`);
    }
  };

  const replayOptions = {
    liquidation: mode,
    strict: args.flags.has("strict"),
    onEvent: events === null ? undefined : (e: EngineEvent) => events.writeEvent(e),
    onBadLine: reportBad,
    async onProgress(bytes: number) {
      bar?.update(bytes);
      if (events !== null) await events.maybeFlush();
    },
  };
  const started = process.hrtime.bigint();
  let result: Awaited<ReturnType<typeof replayFlowInWorker>> | Awaited<ReturnType<typeof replayFlow>>;
  let final: FinalState;
  if (client === null) {
    const r = await replayFlow(opened.source, formatOf(file), replayOptions);
    final = finalStateOf(r.engine);
    result = r;
  } else {
    const r = await replayFlowInWorker(opened.source, formatOf(file), { ...replayOptions, client });
    final = r.final;
    result = r;
  }
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  bar?.stop();
  if (reported > MAX_REPORTED_BAD_LINES) {
    process.stderr.write(`… ${reported - MAX_REPORTED_BAD_LINES} more bad lines\n`);
  }
  if (!(opened.source === process.stdin)) opened.source.destroy();

  await events?.close();
  const bookPath = stringFlag(args, "book");
  if (bookPath !== undefined) await writeFile(bookPath, `${JSON.stringify(final.book)}\n`);
  const accountsPath = stringFlag(args, "accounts");
  if (accountsPath !== undefined) await writeFile(accountsPath, `${JSON.stringify(final.accounts)}\n`);

  process.stdout.write(formatSummary(summarize(file, mode, result, final, elapsedMs), json));
  if (result.stoppedAt !== null) {
    process.stderr.write(`softliq: --strict: stopped at line ${result.stoppedAt.line} (${result.stoppedAt.reason})\n`);
    return EXIT_STRICT;
  }
  return EXIT_OK;
}

/**
 * Several files at once, each replayed in a pool thread with a summary of its own (printed in the
 * order given). Exit: 2 when a file could not be read, else 1 when --strict stopped one, else 0.
 */
async function runParallel(args: ParsedArgs, files: readonly string[], mode: LiquidationMode): Promise<number> {
  for (const flag of ["events", "book", "accounts", "journal", "fsync", "snapshot-every", "transport"]) {
    if (args.flags.has(flag)) throw new UsageError(`--${flag} takes a single FILE`);
  }
  if (files.includes("-")) throw new UsageError("stdin (-) cannot be replayed in parallel");
  const json = args.flags.has("json");
  const strict = args.flags.has("strict");
  const threads = intFlag(args, "parallel", files.length);
  if (threads < 1) throw new UsageError("--parallel must be at least 1");
  const pool = new TaskPool({ threads: Math.min(threads, files.length) });
  const task = builtModuleUrl("./replay-task.js", import.meta.url);
  let code = EXIT_OK;
  try {
    const outputs = files.map((file) =>
      pool.run<ReplayTaskInput, ReplayTaskOutput>(task, "replayFileTask", {
        file,
        mode,
        strict,
        maxReported: MAX_REPORTED_BAD_LINES,
      }),
    );
    for (const pending of outputs) {
      const out = await pending;
      for (const line of out.badLineReports) process.stderr.write(`${line}\n`);
      if (out.summary === null) {
        process.stderr.write(`softliq: ${out.error}\n`);
        code = EXIT_UNREADABLE;
        continue;
      }
      process.stdout.write(formatSummary(out.summary, json));
      if (out.summary.stoppedAtLine !== undefined && code === EXIT_OK) code = EXIT_STRICT;
    }
  } finally {
    await pool.close();
  }
  return code;
}
