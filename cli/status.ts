import { VenueClient } from "../replica/venue-client.js";
import { parseArgs, UsageError } from "./args.js";
import { EXIT_OK } from "./exit-codes.js";
import { natsFlags } from "./nats-flags.js";

export const STATUS_USAGE = "softliq status --nats URL[,URL…] --venue NAME [--json]";

/** `softliq status`: the input stream's last sequence and each replica's last report. */
export async function runStatus(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, ["nats", "venue"], ["json"]);
  if (args.positionals.length > 0) throw new UsageError("status takes no FILE");
  const { nats, venue } = natsFlags(args);
  const client = await VenueClient.connect(nats, venue);
  try {
    const status = await client.status();
    if (args.flags.has("json")) {
      process.stdout.write(`${JSON.stringify(status)}\n`);
      return EXIT_OK;
    }
    process.stdout.write(`venue ${venue}: last stream sequence ${status.lastSeq}\n`);
    for (const r of status.replicas) {
      const behind = status.lastSeq - r.appliedSeq;
      process.stdout.write(
        `  ${r.name}: applied ${r.appliedSeq}${behind > 0 ? ` (${behind} behind)` : ""}, stateHash ${r.stateHash}${r.error === undefined ? "" : `, stopped: ${r.error}`}\n`,
      );
    }
    return EXIT_OK;
  } finally {
    await client.close();
  }
}
