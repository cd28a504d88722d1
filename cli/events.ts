import { VenueClient } from "../replica/venue-client.js";
import { parseArgs, UsageError } from "./args.js";
import { EXIT_OK } from "./exit-codes.js";
import { natsFlags, seqFlag } from "./nats-flags.js";

export const EVENTS_USAGE = "softliq events --nats URL[,URL…] --venue NAME [--from SEQ] [--until SEQ] [--follow]";

/**
 * `softliq events`: the venue's events as JSONL on stdout, the bytes `softliq replay --events`
 * writes for the same commands. Without `--until` it stops at the input stream's last sequence
 * when it started (waiting for the replicas to publish that far); `--follow` never stops.
 */
export async function runEvents(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, ["nats", "venue", "from", "until"], ["follow"]);
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
