/**
 * The names a replicated venue lives under: its subjects (the contract's `softliq.NAME.in.admin`,
 * `softliq.NAME.in.acct.ACCOUNT`) and the three streams behind them. One place, so the replicas,
 * the client and the server configuration in the README cannot drift apart.
 */

/** A venue name is one subject token and part of stream names: letters, digits, `_`, `-`. */
const VENUE_NAME = /^[A-Za-z0-9_-]{1,64}$/;

/** NATS subject tokens cannot hold `.`, `*`, `>` or whitespace. */
const SUBJECT_TOKEN = /^[^\s.*>]+$/;

export function isVenueName(name: string): boolean {
  return VENUE_NAME.test(name);
}

/** Whether an account name can be a subject token (`in.acct.ACCOUNT`). */
export function isAccountToken(account: string): boolean {
  return SUBJECT_TOKEN.test(account);
}

export class VenueNames {
  /** What the input stream captures: every command subject of the venue. */
  readonly inputWildcard: string;
  readonly adminSubject: string;
  /** `softliq.NAME.in.acct.`: an account's subject is this and its name. */
  readonly accountPrefix: string;
  /** Events: one subject, one message per input message (more only when one would exceed the payload limit). */
  readonly eventsSubject: string;
  /** `softliq.NAME.status.`: each replica's last report is this and its name. */
  readonly statusPrefix: string;
  readonly inputStream: string;
  readonly eventsStream: string;
  readonly statusStream: string;

  constructor(readonly venue: string) {
    if (!isVenueName(venue)) throw new Error(`venue name "${venue}": letters, digits, _ and - only (at most 64)`);
    const root = `softliq.${venue}`;
    this.inputWildcard = `${root}.in.>`;
    this.adminSubject = `${root}.in.admin`;
    this.accountPrefix = `${root}.in.acct.`;
    this.eventsSubject = `${root}.events`;
    this.statusPrefix = `${root}.status.`;
    this.inputStream = `SOFTLIQ_${venue}_IN`;
    this.eventsStream = `SOFTLIQ_${venue}_EVENTS`;
    this.statusStream = `SOFTLIQ_${venue}_STATUS`;
  }

  accountSubject(account: string): string {
    if (!isAccountToken(account)) throw new Error(`account "${account}" cannot be a subject token`);
    return this.accountPrefix + account;
  }

  statusSubject(replica: string): string {
    if (!isAccountToken(replica)) throw new Error(`replica name "${replica}" cannot be a subject token`);
    return this.statusPrefix + replica;
  }
}
