/**
 * The replay pipeline without the terminal: file → reader → engine (on this thread, or in the
 * worker through EngineClient) → event consumers. The CLI and the golden tests both run it; both
 * paths give the same counts, events and final state.
 */
import type { Readable } from "node:stream";
import { Engine } from "../exchange.js";
import { LiquidationLedger } from "../liquidator/liquidation-ledger.js";
import type { LiquidationMode } from "../liquidator/liquidation-params.js";
import type { EngineEvent } from "../protocol/events.js";
import { type FlowFormat, readFlow } from "../protocol/flow-reader.js";
import { isMalformedReject, type RejectCode } from "../protocol/reject-codes.js";
import { EngineClient, type EngineClientOptions } from "./engine-client.js";

export interface BadLine {
  line: number;
  reason: string;
  detail: string;
}

export interface ReplayCounts {
  commands: number;
  accepted: number;
  rejected: number;
  fills: number;
  /** Lots traded. */
  volume: number;
  /** Quote units traded (Σ price × qty), a BigInt string when it outgrows a safe integer. */
  notional: bigint;
  rejectsByReason: Record<string, number>;
  liquidations: LiquidationCounts;
  /** The engine's clock at the end (the last `ts` a command carried; 0: none did). */
  lastTs: number;
}

/** The `liquidations` of the replay summary, counted from the liquidator's events. */
export interface LiquidationCounts {
  /** Entries into liquidation: an account falling from health into breach, stage 2 or bankruptcy. */
  triggered: number;
  /** liquidation_order events. */
  childOrders: number;
  /** Σ of liquidation_reduced: lots and quote units closed, penalties charged. */
  closedQty: number;
  closedNotional: number;
  penalties: number;
  /** Σ of liquidation_insurance: shortfalls of accounts left flat with negative collateral. */
  badDebt: number;
  /** liquidation_adl events: positions (or parts) passed to the other side at the bankruptcy price. */
  adl: number;
  /** liquidation_backstop events and the lots they moved: positions taken over by backstop offers. */
  backstops: number;
  backstopQty: number;
  /** Entries into the pre-emptive stage (not counted as liquidations). */
  preemptive: number;
  /** Soft slices deferred to the market-wide cap's next window (from the engine at the end). */
  capDeferrals: number;
  /** Accounts still in liquidation (any stage but restored) when the replay ended. */
  stillInLiquidation: number;
}

export interface ReplayOptions {
  /** Stop at the first malformed line. */
  strict?: boolean;
  /** Every event, in order (the record is reused: copy what you keep). */
  onEvent?: (e: EngineEvent) => void;
  /** After each input chunk; awaited, so a slow consumer holds the reader back. */
  onProgress?: (bytesRead: number) => Promise<void> | void;
  /** Each malformed line as it is found. */
  onBadLine?: (bad: BadLine) => void;
  /** The liquidator: soft (default), hard or off. */
  liquidation?: LiquidationMode;
}

/** What the end of a replay leaves, whichever thread the engine ran on. */
export interface FinalState {
  liveOrders: number;
  stateHash: string;
  book: ReturnType<Engine["bookSnapshot"]>;
  accounts: ReturnType<Engine["accounts"]>;
}

export interface ReplayOutcome extends ReplayCounts {
  /** What the liquidator did to each account it touched. */
  ledger: LiquidationLedger;
  /** Set when --strict stopped the replay. */
  stoppedAt: BadLine | null;
  badLines: number;
}

export interface ReplayResult extends ReplayOutcome {
  engine: Engine;
}

export interface WorkerReplayResult extends ReplayOutcome {
  final: FinalState;
}

/** Counts events as they pass: the same counter serves both paths. */
class EventCounter {
  readonly counts: ReplayCounts = {
    commands: 0,
    accepted: 0,
    rejected: 0,
    fills: 0,
    volume: 0,
    notional: 0n,
    rejectsByReason: {},
    liquidations: {
      triggered: 0,
      childOrders: 0,
      closedQty: 0,
      closedNotional: 0,
      penalties: 0,
      badDebt: 0,
      adl: 0,
      backstops: 0,
      backstopQty: 0,
      preemptive: 0,
      capDeferrals: 0,
      stillInLiquidation: 0,
    },
    lastTs: 0,
  };
  private notional = 0; // accumulated exactly while safe, flushed into the BigInt before it is not
  readonly ledger = new LiquidationLedger();
  readonly listener: (e: EngineEvent) => void;

  constructor(onMalformed: (e: EngineEvent) => void, onEvent: ((e: EngineEvent) => void) | undefined) {
    const counts = this.counts;
    const ledger = this.ledger;
    this.listener = (e) => {
      counts.lastTs = e.ts;
      switch (e.type) {
        case "accepted":
          counts.accepted++;
          break;
        case "rejected":
          counts.rejected++;
          counts.rejectsByReason[e.reason] = (counts.rejectsByReason[e.reason] ?? 0) + 1;
          if (isMalformedReject(e.reason)) onMalformed(e);
          break;
        case "fill": {
          counts.fills++;
          counts.volume += e.qty;
          const n = e.price * e.qty;
          if (this.notional + n > Number.MAX_SAFE_INTEGER) {
            counts.notional += BigInt(this.notional);
            this.notional = 0;
          }
          this.notional += n;
          break;
        }
        case "liquidation_stage":
          this.countStage(e.account as string, e.stage);
          ledger.observe(e);
          break;
        case "liquidation_order":
          counts.liquidations.childOrders++;
          ledger.observe(e);
          break;
        case "liquidation_reduced":
          counts.liquidations.closedQty += e.qty;
          counts.liquidations.closedNotional += e.notional;
          counts.liquidations.penalties += e.penalty;
          ledger.observe(e);
          break;
        case "liquidation_insurance":
          counts.liquidations.badDebt += e.badDebt;
          ledger.observe(e);
          break;
        case "liquidation_adl":
          counts.liquidations.adl++;
          ledger.observe(e);
          break;
        case "liquidation_backstop":
          counts.liquidations.backstops++;
          counts.liquidations.backstopQty += e.qty;
          ledger.observe(e);
          break;
        default:
          break;
      }
      if (onEvent !== undefined) onEvent(e);
    };
  }

  /** Accounts in breach or bankrupt now: a breach is counted when an account enters from health. */
  private readonly inLiquidation = new Set<string>();

  private countStage(account: string, stage: string): void {
    if (stage === "preemptive") {
      this.counts.liquidations.preemptive++;
      this.inLiquidation.delete(account); // from a liquidation stage back to the watch before it
    } else if (stage === "restored") this.inLiquidation.delete(account);
    else if (!this.inLiquidation.has(account)) {
      this.inLiquidation.add(account);
      this.counts.liquidations.triggered++;
    }
  }

  finish(): ReplayCounts {
    this.counts.notional += BigInt(this.notional);
    this.notional = 0;
    this.counts.liquidations.stillInLiquidation = this.inLiquidation.size;
    return this.counts;
  }
}

export async function replayFlow(
  source: Readable,
  format: FlowFormat,
  options: ReplayOptions = {},
): Promise<ReplayResult> {
  let lastMalformed: BadLine | null = null;
  let pendingDetail = "";
  const counter = new EventCounter((e) => {
    lastMalformed = { line: e.line, reason: e.reason, detail: pendingDetail };
  }, options.onEvent);
  const counts = counter.counts;
  const engine = new Engine({ onEvent: counter.listener, liquidation: options.liquidation ?? "soft" });
  let stoppedAt: BadLine | null = null;
  let badLines = 0;
  const strict = options.strict === true;
  const noteBad = (): boolean => {
    const bad = lastMalformed;
    if (bad === null) return true;
    lastMalformed = null;
    badLines++;
    options.onBadLine?.(bad);
    if (strict) {
      stoppedAt = bad;
      return false;
    }
    return true;
  };
  await readFlow(source, format, {
    command(input, line) {
      counts.commands++;
      pendingDetail = "";
      engine.applyInput(input, line);
      return noteBad();
    },
    malformed(reason: RejectCode, line, detail, command, id) {
      counts.commands++;
      pendingDetail = detail;
      engine.rejectLine(reason, line, command, id);
      return noteBad();
    },
    progress: options.onProgress,
  });
  counter.finish();
  counts.liquidations.capDeferrals = engine.marginEngine?.capDeferrals ?? 0;
  return { ...counts, ledger: counter.ledger, engine, stoppedAt, badLines };
}

/**
 * The same replay through the engine in its worker thread. Lines stream into the command ring;
 * a full ring holds the reader back (awaited per input chunk), so memory stays bounded. With
 * `strict`, the worker itself skips every command after the first malformed one, so the result
 * matches the in-process replay exactly even though the reader runs ahead.
 */
export async function replayFlowInWorker(
  source: Readable,
  format: FlowFormat,
  options: ReplayOptions & { client?: EngineClientOptions } = {},
): Promise<WorkerReplayResult> {
  const strict = options.strict === true;
  let stoppedAt: BadLine | null = null;
  let badLines = 0;
  // Details of lines the reader could not parse, until their rejection comes back.
  const details = new Map<number, string>();
  const counter = new EventCounter((e) => {
    if (stoppedAt !== null) return;
    const detail = details.get(e.line) ?? "";
    details.delete(e.line);
    const bad = { line: e.line, reason: e.reason, detail };
    badLines++;
    options.onBadLine?.(bad);
    if (strict) stoppedAt = bad;
  }, options.onEvent);
  const client = new EngineClient({
    ...options.client,
    stopOnMalformed: strict,
    onEvent: counter.listener,
    liquidation: options.liquidation ?? "soft",
  });
  await client.start();
  let congested = false;
  try {
    await readFlow(source, format, {
      command(input, line) {
        if (!client.enqueueInput(input, line)) congested = true;
        return stoppedAt === null;
      },
      malformed(reason: RejectCode, line, detail, command, id) {
        details.set(line, detail);
        if (!client.rejectLine(reason, line, command, id)) congested = true;
        return stoppedAt === null;
      },
      async progress(bytes) {
        if (congested) {
          congested = false;
          await client.ready();
        }
        await options.onProgress?.(bytes);
      },
    });
    await client.drain();
    const summary = await client.snapshot();
    const { submitted, skipped } = client.stats;
    await client.close();
    const counts = counter.finish();
    counts.commands = submitted - skipped;
    counts.liquidations.capDeferrals = summary.accounts?.capDeferrals ?? 0;
    return {
      ...counts,
      ledger: counter.ledger,
      stoppedAt,
      badLines,
      final: {
        liveOrders: summary.liveOrders,
        stateHash: summary.stateHash,
        book: summary.book,
        accounts: summary.accounts,
      },
    };
  } catch (err) {
    await client.close().catch(() => {});
    throw err;
  }
}

/** The final state of an in-process replay, in the worker path's shape. */
export function finalStateOf(engine: Engine): FinalState {
  return {
    liveOrders: engine.liveOrderCount,
    stateHash: engine.stateHash(),
    book: engine.bookSnapshot(),
    accounts: engine.accounts(),
  };
}
