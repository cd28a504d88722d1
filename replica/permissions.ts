/**
 * Who may send what: the operator's subject `in.admin` carries every command; a trader's
 * `in.acct.A` carries only A's own orders, cancels and modifies. Anything else there is rejected
 * FORBIDDEN and changes nothing. Whether a connection may publish on a subject at all is the NATS
 * server's authorization; this rule is what the engine adds, so a trader allowed only
 * `in.acct.alice` cannot place, cancel or modify orders of bob through it.
 */
import type { Engine } from "../exchange.js";
import type { CommandRecord } from "../protocol/commands.js";
import type { VenueNames } from "./venue-names.js";

/** The sender a message's subject names: the operator, one account, or a subject nobody owns. */
export type Publisher = { kind: "admin" } | { kind: "account"; account: string } | { kind: "none" };

const ADMIN: Publisher = { kind: "admin" };
const NONE: Publisher = { kind: "none" };

export function publisherOf(subject: string, names: VenueNames): Publisher {
  if (subject === names.adminSubject) return ADMIN;
  if (subject.startsWith(names.accountPrefix)) {
    const account = subject.slice(names.accountPrefix.length);
    // `in.acct.a.b` is not an account's subject: the stream captures it, nobody owns it.
    if (account.length > 0 && !account.includes(".")) return { kind: "account", account };
  }
  return NONE;
}

/**
 * Whether `publisher` may send the validated command `cmd` against the current state. A cancel or
 * modify of an id that is not live passes, for the engine to reject UNKNOWN_ORDER as it would anywhere.
 */
export function isPermitted(publisher: Publisher, cmd: CommandRecord, engine: Engine): boolean {
  if (publisher.kind === "admin") return true;
  if (publisher.kind === "none") return false;
  switch (cmd.type) {
    case "limit":
    case "market":
      return cmd.account === publisher.account;
    case "cancel":
    case "modify": {
      const order = engine.order(cmd.id);
      return order === null || order.account === publisher.account;
    }
    default:
      return false;
  }
}
