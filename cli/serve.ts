import { isLiquidationMode } from "../liquidator/liquidation-params.js";
import { DivergenceError } from "../replica/event-publisher.js";
import { ReplicaServer } from "../replica/replica-server.js";
import { intFlag, type ParsedArgs, stringFlag, UsageError } from "./args.js";
import type { CommandSpec } from "./command-spec.js";
import { EXIT_DIVERGED, EXIT_OK } from "./exit-codes.js";
import { NATS_FLAGS, natsExits, natsFlags, seqFlag } from "./nats-flags.js";

export const SERVE_COMMAND: CommandSpec = {
  name: "serve",
  usage:
    "softliq serve --nats URL[,URL…] --venue NAME [--state DIR] [--until SEQ] [--json] [--name NAME] [--mode soft|hard|hyperliquid|dydx|drift|off] [--snapshot-every N]",
  what: "Runs one engine replica of a replicated venue: applies the venue's input stream (JetStream) from its own snapshot on, publishes the events (one copy lands; the others are compared byte for byte), checkpoints {sequence, stateHash} and reports on its status subject. Creates the venue's streams when missing (R3 on a cluster, R1 on one server).",
  flags: [
    ...NATS_FLAGS,
    {
      flag: "--state DIR",
      help: "snapshots (tagged with the stream sequence) here; the replica resumes from the newest",
    },
    { flag: "--until SEQ", help: "stop after stream sequence SEQ (waiting for it), settle, snapshot and report" },
    { flag: "--json", help: "the report as one JSON line: venue, appliedSeq, stateHash, …" },
    { flag: "--name NAME", help: "the replica's name in status (default: kept in DIR/replica-name, or host-pid)" },
    {
      flag: "--mode soft|hard|hyperliquid|dydx|drift|off",
      help: "the liquidation policy; every replica of a venue must use the same",
      default: "soft",
    },
    { flag: "--snapshot-every N", help: "input messages between snapshots", default: "1000" },
  ],
  exits: `${natsExits("stopped at --until or on SIGINT/SIGTERM")}; ${EXIT_DIVERGED} this replica's events differ from the stored ones (it stopped)`,
  run: runServe,
};

/**
 * `softliq serve`: one engine replica of a venue (replica/replica-server.ts). Runs until `--until`
 * is reached, or until SIGINT/SIGTERM, then settles its events, writes a snapshot and reports.
 */
async function runServe(args: ParsedArgs): Promise<number> {
  if (args.positionals.length > 0) throw new UsageError(`serve takes no FILE (got ${args.positionals[0]})`);
  const { nats, venue } = natsFlags(args);
  const mode = stringFlag(args, "mode") as string;
  if (!isLiquidationMode(mode)) throw new UsageError("--mode is soft, hard, hyperliquid, dydx, drift or off");
  const until = seqFlag(args, "until");
  const stateDir = stringFlag(args, "state");
  const name = stringFlag(args, "name");
  const snapshotEvery = intFlag(args, "snapshot-every");
  if (snapshotEvery < 1) throw new UsageError("--snapshot-every must be at least 1");
  const server = await ReplicaServer.start({
    nats,
    venue,
    liquidation: mode,
    snapshotEvery,
    onNotice: (message) => process.stderr.write(`softliq serve: ${message}\n`),
    ...(until === undefined ? {} : { until }),
    ...(stateDir === undefined ? {} : { stateDir }),
    ...(name === undefined ? {} : { name }),
  });
  const stop = (): void => {
    server.close().catch(() => {});
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  try {
    const report = await server.done;
    if (args.flags.has("json")) {
      process.stdout.write(
        `${JSON.stringify({ venue: report.venue, appliedSeq: report.appliedSeq, stateHash: report.stateHash, name: report.name, eventsSeq: report.eventsSeq, restoredFrom: report.restoredFrom, eventsStored: report.eventsStored, eventsMatched: report.eventsMatched })}\n`,
      );
    } else {
      process.stdout.write(
        `venue ${report.venue}, replica ${report.name}: applied through sequence ${report.appliedSeq} (from ${report.restoredFrom}), stateHash ${report.stateHash}; events stored ${report.eventsStored}, matched ${report.eventsMatched}\n`,
      );
    }
    return EXIT_OK;
  } catch (err) {
    if (err instanceof DivergenceError) {
      process.stderr.write(`softliq serve: replica ${server.name} ${err.message}\n`);
      return EXIT_DIVERGED;
    }
    throw err;
  } finally {
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
}
