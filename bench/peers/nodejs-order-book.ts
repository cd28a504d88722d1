/**
 * nodejs-order-book (a dev dependency) driven by our command stream. It is loaded at run time so
 * that `softliq bench` still runs where it is not installed (a production install): the suites
 * then print "peer not installed" instead of its figures.
 *
 * What its API cannot express (see bench/README.md): numeric ids (ids become strings), a market
 * order's protection bound (dropped: its market orders sweep without a bound), a quantity decrease
 * that keeps priority (its modify always cancels and re-enters, and the re-entered order loses its
 * account and STP mode), an FOK check that counts self-trade prevention, reduce-only, timestamps
 * (it reads Date.now()), several instruments, and event sequence numbers.
 */
import { createRequire } from "node:module";
import type { Command } from "../../protocol/commands.js";

export const PEER_NAME = "nodejs-order-book";

type PeerSide = "buy" | "sell";
type PeerStp = "NONE" | "EXPIRE_TAKER" | "EXPIRE_MAKER" | "EXPIRE_BOTH";

export interface PeerLimit {
  id: string;
  side: PeerSide;
  size: number;
  price: number;
  timeInForce: "GTC" | "IOC" | "FOK";
  postOnly: boolean;
  accountId?: string;
  stpMode?: PeerStp;
}

export interface PeerMarket {
  side: PeerSide;
  size: number;
  accountId?: string;
  stpMode?: PeerStp;
}

export interface PeerUpdate {
  price?: number;
  size?: number;
}

/** The slice of its OrderBook we call. */
export interface PeerBook {
  limit(options: PeerLimit): unknown;
  market(options: PeerMarket): unknown;
  cancel(id: string): unknown;
  modify(id: string, update: PeerUpdate): unknown;
}

export interface Peer {
  name: string;
  version: string;
  create(): PeerBook;
}

interface PeerModule {
  OrderBook: new () => PeerBook;
}

let loaded: Peer | null | undefined;

/** The peer, or null when the package is not installed. */
export async function loadPeer(): Promise<Peer | null> {
  if (loaded !== undefined) return loaded;
  try {
    // A variable specifier: the package is optional and brings no usable type declarations.
    const specifier: string = PEER_NAME;
    const mod = (await import(specifier)) as PeerModule;
    const require = createRequire(import.meta.url);
    const pkg = require(`${PEER_NAME}/package.json`) as { version: string };
    loaded = { name: PEER_NAME, version: pkg.version, create: () => new mod.OrderBook() };
  } catch {
    loaded = null;
  }
  return loaded;
}

export const PEER_MISSING = `peer not installed (${PEER_NAME} is a dev dependency: npm install --include=dev)`;

export const LIMIT_OP = 0;
export const MARKET_OP = 1;
export const CANCEL_OP = 2;
export const MODIFY_OP = 3;
export const SKIP_OP = 4;

/** One command in the peer's terms. Monomorphic, so the loop that applies them stays plain. */
export class PeerOp {
  constructor(
    readonly kind: number,
    readonly id: string,
    readonly limit: PeerLimit | null,
    readonly market: PeerMarket | null,
    readonly update: PeerUpdate | null,
  ) {}
}

const STP: Record<string, PeerStp> = {
  expire_maker: "EXPIRE_MAKER",
  expire_taker: "EXPIRE_TAKER",
  expire_both: "EXPIRE_BOTH",
};

/** Adapts one of our commands (a plain object as read from a file) to the peer's API. */
export function toPeerOp(c: Command): PeerOp {
  switch (c.type) {
    case "limit": {
      const limit: PeerLimit = {
        id: String(c.id),
        side: c.side,
        size: c.qty,
        price: c.price,
        timeInForce: c.tif ?? "GTC",
        postOnly: c.postOnly === true,
      };
      if (c.account !== undefined) {
        limit.accountId = String(c.account);
        limit.stpMode = STP[c.stp ?? "expire_maker"] ?? "EXPIRE_MAKER";
      }
      return new PeerOp(LIMIT_OP, limit.id, limit, null, null);
    }
    case "market": {
      const market: PeerMarket = { side: c.side, size: c.qty };
      if (c.account !== undefined) {
        market.accountId = String(c.account);
        market.stpMode = STP[c.stp ?? "expire_maker"] ?? "EXPIRE_MAKER";
      }
      return new PeerOp(MARKET_OP, String(c.id), null, market, null);
    }
    case "cancel":
      return new PeerOp(CANCEL_OP, String(c.id), null, null, null);
    case "modify": {
      const update: PeerUpdate = {};
      if (c.price !== undefined) update.price = c.price;
      if (c.qty !== undefined) update.size = c.qty;
      return new PeerOp(MODIFY_OP, String(c.id), null, null, update);
    }
    default:
      return new PeerOp(SKIP_OP, "", null, null, null);
  }
}

export function applyPeerOp(book: PeerBook, op: PeerOp): void {
  switch (op.kind) {
    case LIMIT_OP:
      book.limit(op.limit as PeerLimit);
      return;
    case MARKET_OP:
      book.market(op.market as PeerMarket);
      return;
    case CANCEL_OP:
      book.cancel(op.id);
      return;
    case MODIFY_OP:
      book.modify(op.id, op.update as PeerUpdate);
      return;
    default:
      return;
  }
}
