import type { Readable } from "node:stream";
import { forEachLine } from "../io/line-reader.js";
import { type FlowFormat, formatOf, readFlow } from "../protocol/flow-reader.js";
import type { Submission } from "../replica/venue-client.js";
import { VenueClient } from "../replica/venue-client.js";
import { intFlag, type ParsedArgs, stringFlag, UsageError } from "./args.js";
import type { CommandSpec } from "./command-spec.js";
import { EXIT_OK, EXIT_UNREADABLE } from "./exit-codes.js";
import { NATS_FLAGS, natsExits, natsFlags } from "./nats-flags.js";
import { openSource } from "./replay-source.js";

export const SUBMIT_COMMAND: CommandSpec = {
  name: "submit",
  usage: "softliq submit FILE|- --nats URL[,URL…] --venue NAME [--account A] [--json] [--batch N] [--retry-ms MS]",
  what: "Publishes a flow file's commands onto the venue's input stream in file order, batched by subject, each message with its own Nats-Msg-Id and retried through a leader change until acknowledged: every command exactly once.",
  flags: [
    ...NATS_FLAGS,
    {
      flag: "--account A",
      help: "every command on softliq.NAME.in.acct.A (a trader's subject); default: each on its own (an account's orders on its subject, the rest on in.admin)",
    },
    { flag: "--json", help: "one JSON line: published, lastSeq, messages" },
    { flag: "--batch N", help: "commands per message at most", default: "64" },
    { flag: "--retry-ms MS", help: "how long one message is retried before giving up", default: "60000" },
  ],
  exits: natsExits("every command acknowledged"),
  run: runSubmit,
};

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
async function runSubmit(args: ParsedArgs): Promise<number> {
  const file = args.positionals[0];
  if (file === undefined || args.positionals.length > 1) throw new UsageError("submit takes one FILE (or - for stdin)");
  const { nats, venue } = natsFlags(args);
  const account = stringFlag(args, "account");
  const batch = intFlag(args, "batch");
  if (batch < 1) throw new UsageError("--batch must be at least 1");
  const retryMs = intFlag(args, "retry-ms");
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
