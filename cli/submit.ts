import type { Readable } from "node:stream";
import { type FlowFormat, formatOf, readFlow } from "../protocol/flow-reader.js";
import { forEachLine } from "../protocol/line-reader.js";
import type { Submission } from "../replica/venue-client.js";
import { VenueClient } from "../replica/venue-client.js";
import { intFlag, parseArgs, stringFlag, UsageError } from "./args.js";
import { EXIT_OK, EXIT_UNREADABLE } from "./exit-codes.js";
import { natsFlags } from "./nats-flags.js";
import { openSource } from "./replay-source.js";

export const SUBMIT_USAGE =
  "softliq submit FILE|- --nats URL[,URL…] --venue NAME [--account A] [--json] [--batch N] [--retry-ms MS]";

interface Line {
  text: string | Uint8Array;
  command: unknown;
  line: number;
}

/**
 * `softliq submit FILE`: a flow file's commands onto the venue's stream, in file order, each
 * exactly once. A JSONL line goes out as written (a bad one too: the replicas reject it as a replay
 * would, with its line number); a CSV row as its JSON object. Lines wait per input chunk, so a
 * file of any size streams.
 */
export async function runSubmit(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, ["nats", "venue", "account", "batch", "retry-ms"], ["json"]);
  const file = args.positionals[0];
  if (file === undefined || args.positionals.length > 1) throw new UsageError("submit takes one FILE (or - for stdin)");
  const { nats, venue } = natsFlags(args);
  const account = stringFlag(args, "account");
  const batch = intFlag(args, "batch", 64);
  if (batch < 1) throw new UsageError("--batch must be at least 1");
  const retryMs = intFlag(args, "retry-ms", 60_000);
  const opened = await openSource(file);
  if (typeof opened === "string") {
    process.stderr.write(`softliq: ${opened}\n`);
    return EXIT_UNREADABLE;
  }
  const client = await VenueClient.connect(nats, venue);
  try {
    const submission = client.submission({ batch, retryMs, ...(account === undefined ? {} : { account }) });
    const skipped = await feedSubmission(opened.source, formatOf(file), submission);
    const result = await submission.finish();
    if (skipped > 0) process.stderr.write(`softliq submit: ${skipped} lines not sent (see above)\n`);
    if (args.flags.has("json")) {
      process.stdout.write(
        `${JSON.stringify({ published: result.published, lastSeq: result.lastSeq, messages: result.messages })}\n`,
      );
    } else {
      process.stdout.write(
        `published ${result.published} commands in ${result.messages} messages; last stream sequence ${result.lastSeq}\n`,
      );
    }
    return EXIT_OK;
  } finally {
    if (opened.source !== process.stdin) opened.source.destroy();
    await client.close();
  }
}

/** Hands the file's lines to the submission, awaiting it after every input chunk; returns the lines it could not send. */
export async function feedSubmission(source: Readable, format: FlowFormat, submission: Submission): Promise<number> {
  const pending: Line[] = [];
  let skipped = 0;
  const sendPending = async (): Promise<void> => {
    for (const l of pending) await submission.add(l.text, l.command, l.line);
    pending.length = 0;
  };
  if (format === "jsonl") {
    await forEachLine(source, {
      line(buf, start, end, lineNo) {
        if (isSkipped(buf, start, end)) return true;
        const bytes = Buffer.from(buf.subarray(start, end));
        pending.push({ text: bytes, command: parseOrNull(bytes), line: lineNo });
        return true;
      },
      tooLong(lineNo) {
        skipped++;
        process.stderr.write(`line ${lineNo}: longer than 1 MiB, not sent\n`);
        return true;
      },
      chunk: sendPending,
    });
  } else {
    // A CSV row travels as its JSON object; a row the reader refuses cannot travel as itself.
    await readFlow(source, "csv", {
      command(input, line) {
        pending.push({ text: JSON.stringify(input), command: { ...input }, line });
        return true;
      },
      malformed(reason, line, detail) {
        skipped++;
        process.stderr.write(`line ${line}: ${reason}${detail === "" ? "" : ` (${detail})`}, not sent\n`);
        return true;
      },
      progress: sendPending,
    });
  }
  await sendPending();
  return skipped;
}

function isSkipped(buf: Buffer, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = buf[i];
    if (c === 32 || c === 9) continue;
    return c === 35; // '#'
  }
  return true;
}

function parseOrNull(bytes: Buffer): unknown {
  try {
    return JSON.parse(bytes.toString("utf8"));
  } catch {
    return null;
  }
}
