import { createHash } from "node:crypto";
import type { InstrumentSpec, OrderId } from "../protocol/commands.js";
import type { BookSide } from "./book-side.js";
import type { OrderBook } from "./order-book.js";
import type { StateSection } from "./state-section.js";

/** Numbers and strings must never collide ("1" vs 1 are the same id only after normalization). */
function idToken(id: OrderId): string {
  return typeof id === "number" ? `n${id}` : `s${JSON.stringify(id)}`;
}

/** Field by field, so the token does not depend on how the spec object was built or restored. */
function specToken(spec: InstrumentSpec): string {
  const tiers = spec.tiers === null ? "-" : spec.tiers.map((t) => `${t.maxNotional}/${t.imrPpm}/${t.mmrPpm}`).join(",");
  const l = spec.liquidation;
  const liquidation =
    l === null
      ? "-"
      : [l.targetHealthPpm, l.maxSlippagePpm, l.participationPpm, l.sliceIntervalNs, l.penaltyPpm, l.stage2HealthPpm]
          .map((v) => v ?? "-")
          .join("/") + laterParams(l);
  return `${JSON.stringify(spec.symbol)} ${tiers} ${spec.makerFeePpm ?? "-"} ${spec.takerFeePpm ?? "-"} ${liquidation}`;
}

/** Parameters added after the first six, appended only when given: older states hash as before. */
function laterParams(l: NonNullable<InstrumentSpec["liquidation"]>): string {
  const later = [l.penaltyGainSharePpm, l.marketParticipationPpm];
  const own = later.every((v) => v === undefined) ? "" : `/${later.map((v) => v ?? "-").join("/")}`;
  const after =
    (l.backstopAfterNs === undefined ? "" : ` b${l.backstopAfterNs}`) +
    (l.slippageWidenPpm === undefined ? "" : ` w${l.slippageWidenPpm}`) +
    (l.unrestorableRampNs === undefined ? "" : ` u${l.unrestorableRampNs}`);
  return (
    own +
    after +
    venueToken("h", l.hyperliquid) +
    venueToken("y", l.dydx) +
    venueToken("d", l.drift) +
    venueToken("p", l.preemptive)
  );
}

/** A venue block as its fields in name order (validated: integers only), when given. */
function venueToken(tag: string, block: object | undefined): string {
  if (block === undefined) return "";
  const fields = Object.entries(block as Record<string, number>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0));
  return ` ${tag}{${fields.map(([k, v]) => `${k}=${v}`).join(",")}}`;
}

function hashSide(h: ReturnType<typeof createHash>, label: string, side: BookSide): void {
  h.update(`${label}\n`);
  const levels = side.cursor();
  for (let level = levels.next(); level !== null; level = levels.next()) {
    h.update(`L ${level.price}\n`);
    for (let o = level.head; o !== null; o = o.next) {
      const account = o.account === null ? "-" : JSON.stringify(o.account);
      h.update(`O ${idToken(o.id)} ${account} ${o.open} ${o.postOnly ? 1 : 0}${o.reduceOnly ? 1 : 0}${o.stp}\n`);
    }
  }
}

/**
 * The canonical state: instruments sorted by symbol with their parameters and oracle price, each
 * side's levels best first, each level's orders in queue order. Sequence numbers and the clock are
 * history, not state, and stay out.
 */
export function computeStateHash(books: readonly OrderBook[], sections: readonly StateSection[] = []): string {
  const h = createHash("sha256");
  h.update("softliq-state-v1\n");
  const sorted = [...books].sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0));
  for (const book of sorted) {
    h.update(`I ${specToken(book.spec)} ${book.oraclePrice}\n`);
    hashSide(h, "bids", book.bids);
    hashSide(h, "asks", book.asks);
  }
  // The registered sections (accounts, positions and funds), after the books, in registration
  // order, with no header of their own: an engine without a money layer hashes its books alone.
  for (const section of sections) section.hashSection?.(h);
  return h.digest("hex");
}
