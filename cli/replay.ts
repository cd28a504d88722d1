import { createReadStream } from "node:fs";
import { open, stat, writeFile } from "node:fs/promises";
import type { Readable } from "node:stream";
import cliProgress from "cli-progress";
import { eventToJson } from "../protocol/event-json.js";
import { formatOf } from "../protocol/flow-reader.js";
import { parseArgs, stringFlag, UsageError } from "./args.js";
import { BufferedOutput } from "./output-file.js";
import { type BadLine, replayFlow } from "./replay-flow.js";

export const REPLAY_USAGE =
  "softliq replay FILE|- [--events OUT.jsonl] [--book OUT.json] [--accounts OUT.json] [--mode soft|hard|off] [--in-process] [--json] [--strict]";

/** Bad lines printed before the rest are only counted. */
const MAX_REPORTED_BAD_LINES = 20;

/** Exit codes of the contract. */
export const EXIT_OK = 0;
export const EXIT_STRICT = 1;
export const EXIT_UNREADABLE = 2;

async function openSource(path: string): Promise<{ source: Readable; size: number } | string> {
  if (path === "-") return { source: process.stdin, size: 0 };
  try {
    const info = await stat(path);
    if (!info.isFile()) return `${path} is not a file`;
    // Opening proves read permission before any output is produced.
    const handle = await open(path, "r");
    await handle.close();
    return { source: createReadStream(path, { highWaterMark: 1 << 16 }), size: info.size };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return `cannot read ${path}: ${e.code === "ENOENT" ? "no such file" : e.code === "EACCES" ? "permission denied" : e.message}`;
  }
}

export async function runReplay(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, ["events", "book", "accounts", "mode"], ["in-process", "json", "strict"]);
  const file = args.positionals[0];
  if (file === undefined || args.positionals.length > 1) throw new UsageError("replay takes one FILE (or - for stdin)");
  const mode = stringFlag(args, "mode") ?? "soft";
  if (mode !== "soft" && mode !== "hard" && mode !== "off") throw new UsageError("--mode is soft, hard or off");
  const json = args.flags.has("json");

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

  const started = process.hrtime.bigint();
  const result = await replayFlow(opened.source, formatOf(file), {
    strict: args.flags.has("strict"),
    onEvent: events === null ? undefined : (e) => events.writeLine(eventToJson(e)),
    onBadLine: reportBad,
    async onProgress(bytes) {
      bar?.update(bytes);
      if (events !== null) await events.maybeFlush();
    },
  });
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  bar?.stop();
  if (reported > MAX_REPORTED_BAD_LINES) {
    process.stderr.write(`… ${reported - MAX_REPORTED_BAD_LINES} more bad lines\n`);
  }
  if (!(opened.source === process.stdin)) opened.source.destroy();

  await events?.close();
  const { engine } = result;
  const bookPath = stringFlag(args, "book");
  if (bookPath !== undefined) await writeFile(bookPath, `${JSON.stringify(engine.bookSnapshot())}\n`);
  const accountsPath = stringFlag(args, "accounts");
  if (accountsPath !== undefined) await writeFile(accountsPath, `${JSON.stringify(engine.accounts())}\n`);

  const summary = {
    file,
    mode,
    commands: result.commands,
    accepted: result.accepted,
    rejected: result.rejected,
    badLines: result.badLines,
    fills: result.fills,
    volume: result.volume,
    notional: result.notional <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(result.notional) : result.notional.toString(),
    liquidations: {
      triggered: result.breaches,
      childOrders: 0,
      closedQty: 0,
      closedNotional: 0,
      penalties: 0,
      badDebt: 0,
      adl: 0,
    },
    rejectsByReason: result.rejectsByReason,
    liveOrders: engine.liveOrderCount,
    stateHash: engine.stateHash(),
    elapsedMs: Math.round(elapsedMs * 1000) / 1000,
    commandsPerSec: elapsedMs > 0 ? Math.round((result.commands * 1000) / elapsedMs) : 0,
    ...(result.stoppedAt === null ? {} : { stoppedAtLine: result.stoppedAt.line }),
  };
  if (!json) {
    const out = process.stdout;
    out.write(
      `replayed ${summary.commands} commands from ${file} in ${summary.elapsedMs.toFixed(1)} ms (${summary.commandsPerSec} commands/s)\n`,
    );
    out.write(`  accepted ${summary.accepted}, rejected ${summary.rejected} (${summary.badLines} malformed lines)\n`);
    out.write(`  fills ${summary.fills}, volume ${summary.volume} lots, notional ${summary.notional} quote units\n`);
    out.write(`  live orders ${summary.liveOrders}\n`);
    for (const [reason, n] of Object.entries(summary.rejectsByReason)) out.write(`  rejected ${reason}: ${n}\n`);
    out.write(`  state hash ${summary.stateHash}\n`);
  } else {
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  }
  if (result.stoppedAt !== null) {
    process.stderr.write(`softliq: --strict: stopped at line ${result.stoppedAt.line} (${result.stoppedAt.reason})\n`);
    return EXIT_STRICT;
  }
  return EXIT_OK;
}
