import { isLiquidationMode } from "../liquidator/liquidation-params.js";
import { DivergenceError } from "../replica/event-publisher.js";
import { ReplicaServer } from "../replica/replica-server.js";
import { intFlag, parseArgs, stringFlag, UsageError } from "./args.js";
import { EXIT_DIVERGED, EXIT_OK } from "./exit-codes.js";
import { natsFlags, seqFlag } from "./nats-flags.js";

export const SERVE_USAGE =
  "softliq serve --nats URL[,URL…] --venue NAME [--state DIR] [--until SEQ] [--json] [--name NAME] [--mode soft|hard|hyperliquid|dydx|drift|off] [--snapshot-every N]";

/**
 * `softliq serve`: one engine replica of a venue (replica/replica-server.ts). Runs until `--until`
 * is reached, or until SIGINT/SIGTERM, then settles its events, writes a snapshot and reports.
 */
export async function runServe(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, ["nats", "venue", "state", "until", "name", "mode", "snapshot-every"], ["json"]);
  if (args.positionals.length > 0) throw new UsageError(`serve takes no FILE (got ${args.positionals[0]})`);
  const { nats, venue } = natsFlags(args);
  const mode = stringFlag(args, "mode") ?? "soft";
  if (!isLiquidationMode(mode)) throw new UsageError("--mode is soft, hard, hyperliquid, dydx, drift or off");
  const until = seqFlag(args, "until");
  const stateDir = stringFlag(args, "state");
  const name = stringFlag(args, "name");
  const snapshotEvery = intFlag(args, "snapshot-every", 1_000);
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
