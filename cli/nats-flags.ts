/** The flags every NATS subcommand shares: `--nats URL[,URL…]` and `--venue NAME`. */

import { parseNatsUrls } from "../replica/nats-link.js";
import { isVenueName } from "../replica/venue-names.js";
import { type ParsedArgs, stringFlag, UsageError } from "./args.js";
import type { FlagSpec } from "./command-spec.js";
import { EXIT_INTERNAL, EXIT_OK, EXIT_UNAVAILABLE, EXIT_UNREADABLE } from "./exit-codes.js";

/** The two flags every NATS subcommand declares first. */
export const NATS_FLAGS: readonly FlagSpec[] = [
  { flag: "--nats URL[,URL…]", help: "the NATS servers, nats://[user:pass@]host:port (credentials ride in the URL)" },
  { flag: "--venue NAME", help: "the venue: subjects softliq.NAME.in.admin and softliq.NAME.in.acct.ACCOUNT" },
];

/** The NATS subcommands' exit codes; `ok` says what exit 0 means for the command. */
export function natsExits(ok: string): string {
  return (
    `exit codes: ${EXIT_OK} ${ok}; ${EXIT_UNREADABLE} usage error or a file that cannot be read; ` +
    `${EXIT_UNAVAILABLE} NATS unreachable, refused (permissions) or no acknowledgement within the retry time; ${EXIT_INTERNAL} internal error`
  );
}

export interface NatsFlags {
  nats: string;
  venue: string;
}

export function natsFlags(args: ParsedArgs): NatsFlags {
  const nats = stringFlag(args, "nats");
  if (nats === undefined) throw new UsageError("--nats URL[,URL…] is required");
  try {
    parseNatsUrls(nats);
  } catch (err) {
    throw new UsageError(`--nats: ${(err as Error).message}`);
  }
  const venue = stringFlag(args, "venue");
  if (venue === undefined) throw new UsageError("--venue NAME is required");
  if (!isVenueName(venue)) throw new UsageError("--venue: letters, digits, _ and - only (at most 64)");
  return { nats, venue };
}

/** A positive stream sequence flag, or undefined when absent. */
export function seqFlag(args: ParsedArgs, name: string): number | undefined {
  const text = stringFlag(args, name);
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive stream sequence`);
  return n;
}
