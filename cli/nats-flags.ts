/** The flags every NATS subcommand shares: `--nats URL[,URL…]` and `--venue NAME`. */

import { parseNatsUrls } from "../replica/nats-link.js";
import { isVenueName } from "../replica/venue-names.js";
import { type ParsedArgs, stringFlag, UsageError } from "./args.js";

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
