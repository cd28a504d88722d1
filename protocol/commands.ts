/**
 * Commands as users write them (plain objects, one JSONL line each) and the normalized record
 * the engine executes: the README's "Commands and events" and the JSON Schema `softliq schema` prints.
 */
export type OrderId = number | string;
export type Side = "buy" | "sell";
export type TimeInForce = "GTC" | "IOC" | "FOK";
export type SelfTradePrevention = "expire_maker" | "expire_taker" | "expire_both";

export const DEFAULT_SYMBOL = "X";

export interface MarginTier {
  maxNotional: number;
  imrPpm: number;
  mmrPpm: number;
}

export interface LiquidationParams {
  targetHealthPpm?: number;
  maxSlippagePpm?: number;
  participationPpm?: number;
  sliceIntervalNs?: number;
  penaltyPpm?: number;
  stage2HealthPpm?: number;
  penaltyGainSharePpm?: number;
  marketParticipationPpm?: number;
  backstopAfterNs?: number;
  slippageWidenPpm?: number;
  unrestorableRampNs?: number;
  /** The venue policies' parameters (liquidator/venue-params.ts), each used only in its mode. */
  hyperliquid?: HyperliquidParams;
  dydx?: DydxParams;
  drift?: DriftParams;
  /** The pre-emptive stage (soft mode), off unless given. */
  preemptive?: PreemptiveParams;
}

/** The pre-emptive stage: reduce an account that a `sigmas`-sigma move over `horizonNs` would breach. */
export interface PreemptiveParams {
  horizonNs?: number;
  sigmas?: number;
  halfLifeNs?: number;
}

/** `--mode hyperliquid`: one market order for the whole position, partial above a notional. */
export interface HyperliquidParams {
  partialNotional?: number;
  partialPpm?: number;
  cooldownNs?: number;
  backstopHealthPpm?: number;
}

/** `--mode dydx`: one IOC per account per block at the fillable price, bounded per block. */
export interface DydxParams {
  blockNs?: number;
  spreadToMmrPpm?: number;
  maxPositionPortionPpm?: number;
  minNotional?: number;
  maxNotionalPerBlock?: number;
  maxFeePpm?: number;
}

/** `--mode drift`: the lots that cover the margin shortage against MMR + buffer, a share ramping to all. */
export interface DriftParams {
  bufferPpm?: number;
  liquidatorFeePpm?: number;
  insuranceFeePpm?: number;
  initialSharePpm?: number;
  rampNs?: number;
}

interface Timed {
  ts?: number;
}

export interface LimitCommand extends Timed {
  type: "limit";
  id: OrderId;
  side: Side;
  price: number;
  qty: number;
  symbol?: string;
  account?: string | number;
  tif?: TimeInForce;
  postOnly?: boolean;
  reduceOnly?: boolean;
  stp?: SelfTradePrevention;
}

export interface MarketCommand extends Timed {
  type: "market";
  id: OrderId;
  side: Side;
  qty: number;
  symbol?: string;
  account?: string | number;
  protectionPpm?: number;
  reduceOnly?: boolean;
  stp?: SelfTradePrevention;
}

export interface CancelCommand extends Timed {
  type: "cancel";
  id: OrderId;
}

export interface ModifyCommand extends Timed {
  type: "modify";
  id: OrderId;
  qty?: number;
  price?: number;
}

export interface InstrumentCommand extends Timed {
  type: "instrument";
  symbol: string;
  tiers?: MarginTier[];
  makerFeePpm?: number;
  takerFeePpm?: number;
  liquidation?: LiquidationParams;
}

export interface DepositCommand extends Timed {
  type: "deposit";
  account: string | number;
  amount: number;
}

export interface WithdrawCommand extends Timed {
  type: "withdraw";
  account: string | number;
  amount: number;
}

export interface OracleCommand extends Timed {
  type: "oracle";
  price: number;
  symbol?: string;
}

/**
 * A standing offer to take liquidated positions of `symbol` at `discountPpm` from the oracle, up
 * to `maxNotional` in all (quote units; 0 withdraws the offer): a backstop liquidator.
 */
export interface BackstopCommand extends Timed {
  type: "backstop";
  account: string | number;
  symbol: string;
  discountPpm: number;
  maxNotional: number;
}

export interface TickCommand {
  type: "tick";
  ts: number;
}

export type Command =
  | LimitCommand
  | MarketCommand
  | CancelCommand
  | ModifyCommand
  | InstrumentCommand
  | DepositCommand
  | WithdrawCommand
  | OracleCommand
  | TickCommand
  | BackstopCommand;

export type CommandType = Command["type"];

export const COMMAND_TYPES: readonly CommandType[] = [
  "limit",
  "market",
  "cancel",
  "modify",
  "instrument",
  "deposit",
  "withdraw",
  "oracle",
  "tick",
  "backstop",
];

/**
 * Every field any command has, in one fixed order: the CSV column order, and the numbering the
 * JSONL scanner assigns fields by. Nested values (tiers, liquidation) come after the flat fields
 * of the first command types; fields added later are appended, so older CSV files keep their columns.
 */
export const ALL_COMMAND_FIELDS = [
  "type",
  "ts",
  "id",
  "side",
  "price",
  "qty",
  "symbol",
  "account",
  "tif",
  "postOnly",
  "reduceOnly",
  "stp",
  "protectionPpm",
  "amount",
  "makerFeePpm",
  "takerFeePpm",
  "tiers",
  "liquidation",
  "discountPpm",
  "maxNotional",
] as const;

/** The fields each command type may carry; a file line with any other field is rejected. */
export const COMMAND_FIELDS: Readonly<Record<CommandType, readonly string[]>> = {
  limit: ["type", "ts", "id", "side", "price", "qty", "symbol", "account", "tif", "postOnly", "reduceOnly", "stp"],
  market: ["type", "ts", "id", "side", "qty", "symbol", "account", "protectionPpm", "reduceOnly", "stp"],
  cancel: ["type", "ts", "id"],
  modify: ["type", "ts", "id", "qty", "price"],
  instrument: ["type", "ts", "symbol", "tiers", "makerFeePpm", "takerFeePpm", "liquidation"],
  deposit: ["type", "ts", "account", "amount"],
  withdraw: ["type", "ts", "account", "amount"],
  oracle: ["type", "ts", "price", "symbol"],
  tick: ["type", "ts"],
  backstop: ["type", "ts", "account", "symbol", "discountPpm", "maxNotional"],
};

// Small integer codes keep the hot path free of string compares.
export const BUY = 0;
export const SELL = 1;
export type SideCode = typeof BUY | typeof SELL;

export const GTC = 0;
export const IOC = 1;
export const FOK = 2;
export type TifCode = typeof GTC | typeof IOC | typeof FOK;

export const EXPIRE_MAKER = 0;
export const EXPIRE_TAKER = 1;
export const EXPIRE_BOTH = 2;
export type StpCode = typeof EXPIRE_MAKER | typeof EXPIRE_TAKER | typeof EXPIRE_BOTH;

export const SIDE_NAMES: readonly Side[] = ["buy", "sell"];
export const TIF_NAMES: readonly TimeInForce[] = ["GTC", "IOC", "FOK"];
export const STP_NAMES: readonly SelfTradePrevention[] = ["expire_maker", "expire_taker", "expire_both"];

/** Instrument parameters after validation (defaults filled in by the engine). */
export interface InstrumentSpec {
  symbol: string;
  tiers: MarginTier[] | null;
  makerFeePpm: number | null;
  takerFeePpm: number | null;
  liquidation: LiquidationParams | null;
}

/**
 * One command after validation. A single reused, monomorphic record: the engine reads fixed
 * fields whatever the command type, so no per-command object is built on the hot path.
 */
export class CommandRecord {
  type: CommandType = "tick";
  id: OrderId = 0;
  hasId = false;
  side: SideCode = BUY;
  price = 0;
  hasPrice = false;
  qty = 0;
  hasQty = false;
  symbol: string = DEFAULT_SYMBOL;
  account: string | null = null;
  tif: TifCode = GTC;
  postOnly = false;
  reduceOnly = false;
  stp: StpCode = EXPIRE_MAKER;
  /** -1: no protection bound. */
  protectionPpm = -1;
  ts = 0;
  hasTs = false;
  /** Quote units: a deposit's or withdrawal's amount, a backstop offer's maxNotional. */
  amount = 0;
  /** A backstop offer's discount from the oracle (ppm). */
  discountPpm = 0;
  instrument: InstrumentSpec | null = null;
  /** Line number in the source file, 0 when the command did not come from a file. */
  line = 0;

  reset(): void {
    this.type = "tick";
    this.id = 0;
    this.hasId = false;
    this.side = BUY;
    this.price = 0;
    this.hasPrice = false;
    this.qty = 0;
    this.hasQty = false;
    this.symbol = DEFAULT_SYMBOL;
    this.account = null;
    this.tif = GTC;
    this.postOnly = false;
    this.reduceOnly = false;
    this.stp = EXPIRE_MAKER;
    this.protectionPpm = -1;
    this.ts = 0;
    this.hasTs = false;
    this.amount = 0;
    this.discountPpm = 0;
    this.instrument = null;
    this.line = 0;
  }
}
