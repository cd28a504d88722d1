/**
 * Which subject a command goes out on when a whole flow is submitted by the operator (no
 * `--account`): an account's order on that account's subject, a cancel or modify on the subject of
 * the account that placed the order (as the file placed it), everything else on `in.admin`. An
 * account whose name cannot be a subject token, and a line that is not a command, go to `in.admin`
 * (the operator's: the engine applies or rejects it there as a replay would).
 */
import { normalizeAccount, normalizeOrderId } from "../protocol/validate.js";
import { isAccountToken, type VenueNames } from "./venue-names.js";

export class SubjectRouter {
  /** Each order id's account, as the flow placed it ("" for an order without one). */
  private readonly owners = new Map<string | number, string>();

  constructor(
    private readonly names: VenueNames,
    /** `--account`: every command on this account's subject. */
    private readonly account: string | null = null,
  ) {
    if (account !== null) names.accountSubject(account); // refuses a name that cannot be a token
  }

  /** The subject of one command (a parsed line; null or a non-object for a line that is not one). */
  route(command: unknown): string {
    if (this.account !== null) return this.names.accountSubject(this.account);
    if (typeof command !== "object" || command === null) return this.names.adminSubject;
    const c = command as Record<string, unknown>;
    const id = normalizeOrderId(c.id);
    let owner = "";
    if (c.type === "limit" || c.type === "market") {
      owner = normalizeAccount(c.account) ?? "";
      if (id !== null) this.owners.set(id, owner);
    } else if ((c.type === "cancel" || c.type === "modify") && id !== null) {
      owner = this.owners.get(id) ?? "";
    }
    return owner !== "" && isAccountToken(owner) ? this.names.accountSubject(owner) : this.names.adminSubject;
  }
}
