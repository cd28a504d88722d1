import { VenueClient } from "../replica/venue-client.js";
import { type ParsedArgs, UsageError } from "./args.js";
import type { CommandSpec } from "./command-spec.js";
import { EXIT_OK } from "./exit-codes.js";
import { NATS_FLAGS, natsExits, natsFlags, seqFlag } from "./nats-flags.js";

export const EVENTS_COMMAND: CommandSpec = {
  name: "events",
  usage: "softliq events --nats URL[,URL…] --venue NAME [--from SEQ] [--until SEQ] [--follow]",
  what: "Writes the venue's events as JSONL to stdout: the same bytes as softliq replay --events of the same commands.",
  flags: [
    ...NATS_FLAGS,
    { flag: "--from SEQ", help: "from the events of stream sequence SEQ", default: "1" },
    {
      flag: "--until SEQ",
      help: "through those of SEQ (default: the stream's last sequence when started; waits for the replicas)",
    },
    { flag: "--follow", help: "keep writing new events" },
  ],
  exits: natsExits("done"),
  run: runEvents,
};

/**
 * `softliq events`: the venue's events as JSONL on stdout, the bytes `softliq replay --events`
 * writes for the same commands. Without `--until` it stops at the input stream's last sequence
 * when it started (waiting for the replicas to publish that far); `--follow` never stops.
 */
async function runEvents(args: ParsedArgs): Promise<number> {
  if (args.positionals.length > 0) throw new UsageError("events takes no FILE");
  const { nats, venue } = natsFlags(args);
  const from = seqFlag(args, "from");
  const until = seqFlag(args, "until");
  const follow = args.flags.has("follow");
  if (follow && until !== undefined) throw new UsageError("--follow and --until exclude each other");
  const client = await VenueClient.connect(nats, venue);
  try {
    for await (const chunk of client.events({
      follow,
      ...(from === undefined ? {} : { from }),
      ...(until === undefined ? {} : { until }),
    })) {
      if (!process.stdout.write(chunk.bytes)) await new Promise((resolve) => process.stdout.once("drain", resolve));
    }
    return EXIT_OK;
  } finally {
    await client.close();
  }
}
