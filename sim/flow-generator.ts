/**
 * A seeded order-flow generator for the bundled sample, the tests and the benchmarks. It keeps a
 * private engine in step with what it emits, so cancels and modifies name orders that are really
 * live: the mix is what it says, not a pile of UNKNOWN_ORDER rejects.
 */
import { Engine } from "../engine/engine.js";
import type { Command, LimitCommand, SelfTradePrevention, Side } from "../protocol/commands.js";
import type { EngineEvent } from "../protocol/events.js";
import { SeededRandom } from "./random.js";

export interface FlowOptions {
  commands: number;
  seed: number;
  symbol?: string;
  /** Mid price in ticks at the start. */
  startPrice?: number;
  /** Orders carry an account (for self-trade prevention) this share of the time, in ppm. */
  accountPpm?: number;
  accounts?: number;
  /** Emit ts on each command (ns, increasing). */
  timestamps?: boolean;
  /**
   * Open with an oracle price at startPrice and a deposit of `collateral` for every account, so that
   * the accounts' (margined) orders are accepted. Default: true when orders carry accounts.
   */
  margin?: boolean;
  /** Each account's deposit in quote units (default 1e12: far beyond what the flow can lose). */
  collateral?: number;
}

/** Share of each command kind, ppm; the rest are passive limit adds. */
const MIX = {
  cancel: 250_000,
  modify: 100_000,
  marketableIoc: 70_000,
  market: 30_000,
} as const;

class LiveOrders {
  private readonly ids: number[] = [];
  private readonly slot = new Map<number, number>();

  get size(): number {
    return this.ids.length;
  }

  add(id: number): void {
    this.slot.set(id, this.ids.length);
    this.ids.push(id);
  }

  remove(id: number): void {
    const at = this.slot.get(id);
    if (at === undefined) return;
    const last = this.ids.pop() as number;
    if (last !== id) {
      this.ids[at] = last;
      this.slot.set(last, at);
    }
    this.slot.delete(id);
  }

  pick(random: SeededRandom): number {
    return this.ids[random.below(this.ids.length)] as number;
  }
}

export class FlowGenerator {
  private readonly random: SeededRandom;
  private readonly live = new LiveOrders();
  private readonly engine: Engine;
  private readonly symbol: string | undefined;
  private nextId = 1;
  private mid: number;
  private ts = 0;
  private readonly opts: Required<Omit<FlowOptions, "symbol">>;
  /** Commands emitted before the random flow starts (oracle, deposits). */
  private readonly preamble: Command[] = [];
  /**
   * The account names, one string each: commands name their account with the same string object,
   * as `JSON.parse` hands out one internalized string per short value (a fresh string a command
   * would make the engine hash every name again: 4% of the margined bench flow's time).
   */
  private readonly accountNames: string[];

  constructor(options: FlowOptions) {
    this.opts = {
      commands: options.commands,
      seed: options.seed,
      startPrice: options.startPrice ?? 100_000,
      accountPpm: options.accountPpm ?? 100_000,
      accounts: options.accounts ?? 20,
      timestamps: options.timestamps ?? true,
      margin: options.margin ?? (options.accountPpm ?? 100_000) > 0,
      collateral: options.collateral ?? 1_000_000_000_000,
    };
    this.symbol = options.symbol;
    this.accountNames = Array.from({ length: this.opts.accounts }, (_, i) => `acct${i + 1}`);
    this.random = new SeededRandom(options.seed);
    this.mid = this.opts.startPrice;
    this.engine = new Engine({ onEvent: (e) => this.track(e) });
    if (this.opts.margin) {
      const oracle: Command = { type: "oracle", price: this.opts.startPrice };
      if (this.symbol !== undefined) oracle.symbol = this.symbol;
      this.preamble.push(oracle);
      for (let i = 1; i <= this.opts.accounts; i++) {
        this.preamble.push({
          type: "deposit",
          account: this.accountNames[i - 1] as string,
          amount: this.opts.collateral,
        });
      }
      this.preamble.reverse(); // popped from the end
    }
  }

  private track(e: EngineEvent): void {
    if (e.type === "accepted" && e.command === "limit" && e.tif === "GTC") this.live.add(e.id as number);
    else if (e.type === "fill") {
      if (e.makerRemaining === 0) this.live.remove(e.makerId as number);
      if (e.takerRemaining === 0) this.live.remove(e.takerId as number);
    } else if (e.type === "cancelled") this.live.remove(e.id as number);
  }

  /** The next command, already applied to the generator's own engine. */
  next(): Command {
    const command = this.make();
    this.engine.apply(command);
    return command;
  }

  *[Symbol.iterator](): Iterator<Command> {
    for (let i = 0; i < this.opts.commands; i++) yield this.next();
  }

  toArray(): Command[] {
    return Array.from(this);
  }

  private make(): Command {
    const first = this.preamble.pop();
    if (first !== undefined) return first;
    const r = this.random;
    if (r.chance(20_000)) this.mid += r.chance(500_000) ? 1 : -1;
    if (this.opts.timestamps) this.ts += 1 + r.below(2_000);
    const roll = r.below(1_000_000);
    const hasLive = this.live.size > 0;
    if (hasLive && roll < MIX.cancel) return this.timed({ type: "cancel", id: this.live.pick(r) });
    if (hasLive && roll < MIX.cancel + MIX.modify) return this.modify();
    const afterCancels = MIX.cancel + MIX.modify;
    if (roll < afterCancels + MIX.marketableIoc) return this.limit(true);
    if (roll < afterCancels + MIX.marketableIoc + MIX.market) {
      const command: Command = { type: "market", id: this.nextId++, side: this.side(), qty: this.qty() };
      if (this.symbol !== undefined) command.symbol = this.symbol;
      if (r.chance(500_000)) command.protectionPpm = 5_000;
      return this.timed(command);
    }
    return this.limit(false);
  }

  private timed<C extends Command>(command: C): C {
    if (this.opts.timestamps) command.ts = this.ts;
    return command;
  }

  private side(): Side {
    return this.random.chance(500_000) ? "buy" : "sell";
  }

  /** Lot sizes: mostly small, a heavy tail of large ones. */
  private qty(): number {
    return 1 + this.random.geometric(60_000, 400);
  }

  /**
   * Passive adds sit near the touch with a geometric depth profile (level k behind the best with
   * probability ∝ 0.75^k); marketable IOCs cross one to three levels.
   */
  private limit(marketable: boolean): LimitCommand {
    const r = this.random;
    const side = this.side();
    const sign = side === "buy" ? -1 : 1;
    const offset = marketable ? -(1 + r.below(3)) : 1 + r.geometric(250_000, 200);
    const command: LimitCommand = {
      type: "limit",
      id: this.nextId++,
      side,
      price: Math.max(1, this.mid + sign * offset),
      qty: this.qty(),
    };
    if (this.symbol !== undefined) command.symbol = this.symbol;
    if (r.chance(this.opts.accountPpm)) {
      command.account = this.accountNames[r.below(this.opts.accounts)] as string;
      const stp = r.below(3);
      if (stp > 0) command.stp = (["expire_maker", "expire_taker", "expire_both"] as SelfTradePrevention[])[stp];
    }
    if (marketable) command.tif = r.chance(800_000) ? "IOC" : "FOK";
    else if (r.chance(50_000)) command.postOnly = true;
    return this.timed(command);
  }

  private modify(): Command {
    const r = this.random;
    const id = this.live.pick(r);
    const order = this.engine.order(id);
    if (order === null) return this.timed({ type: "cancel", id });
    if (r.chance(600_000) && order.open > 1)
      return this.timed({ type: "modify", id, qty: 1 + r.below(order.open - 1) });
    const step = r.chance(500_000) ? 1 : -1;
    return this.timed({ type: "modify", id, price: Math.max(1, order.price + step), qty: this.qty() });
  }
}

/** Convenience: the whole flow as an array. */
export function generateFlow(options: FlowOptions): Command[] {
  return new FlowGenerator(options).toArray();
}
