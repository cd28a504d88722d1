import { VenueClient } from "../replica/venue-client.js";
import { type ParsedArgs, UsageError } from "./args.js";
import type { CommandSpec } from "./command-spec.js";
import { EXIT_OK } from "./exit-codes.js";
import { NATS_FLAGS, natsExits, natsFlags } from "./nats-flags.js";

export const STATUS_COMMAND: CommandSpec = {
  name: "status",
  usage: "softliq status --nats URL[,URL…] --venue NAME [--json]",
  what: "Prints the input stream's last sequence and each replica's last report (appliedSeq, restoredFrom, stateHash).",
  flags: [
    ...NATS_FLAGS,
    { flag: "--json", help: '{"lastSeq":N,"replicas":[{"name":…,"appliedSeq":N,"restoredFrom":N,"stateHash":…},…]}' },
  ],
  exits: natsExits("done"),
  run: runStatus,
};

/** `softliq status`: the input stream's last sequence and each replica's last report. */
async function runStatus(args: ParsedArgs): Promise<number> {
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
      // `?? 0`: a replica of an earlier release reports no restoredFrom.
      process.stdout.write(
        `  ${r.name}: applied ${r.appliedSeq} (from ${r.restoredFrom ?? 0}${behind > 0 ? `; ${behind} behind` : ""}), stateHash ${r.stateHash}${r.error === undefined ? "" : `, stopped: ${r.error}`}\n`,
      );
    }
    return EXIT_OK;
  } finally {
    await client.close();
  }
}
