import type { FinalState, LiquidationCounts, ReplayOutcome } from "../worker/replay-flow.js";
import type { AccountDetail } from "./account-report.js";

/** The replay summary: `--json` prints it as the last line of stdout (README, "Command line"). */
export interface ReplaySummary {
  file: string;
  mode: string;
  commands: number;
  accepted: number;
  rejected: number;
  badLines: number;
  fills: number;
  volume: number;
  notional: number | string;
  liquidations: LiquidationCounts;
  rejectsByReason: Record<string, number>;
  liveOrders: number;
  /** The engine's clock at the end (ns; 0: no command carried a time). */
  lastTs: number;
  stateHash: string;
  elapsedMs: number;
  commandsPerSec: number;
  stoppedAtLine?: number;
  /** With --account A: that account now and what the liquidator did to it. */
  account?: AccountDetail;
}

export function summarize(
  file: string,
  mode: string,
  result: ReplayOutcome,
  final: FinalState,
  elapsedMs: number,
): ReplaySummary {
  return {
    file,
    mode,
    commands: result.commands,
    accepted: result.accepted,
    rejected: result.rejected,
    badLines: result.badLines,
    fills: result.fills,
    volume: result.volume,
    notional: result.notional <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(result.notional) : result.notional.toString(),
    liquidations: result.liquidations,
    rejectsByReason: result.rejectsByReason,
    liveOrders: final.liveOrders,
    lastTs: result.lastTs,
    stateHash: final.stateHash,
    elapsedMs: Math.round(elapsedMs * 1000) / 1000,
    commandsPerSec: elapsedMs > 0 ? Math.round((result.commands * 1000) / elapsedMs) : 0,
    ...(result.stoppedAt === null ? {} : { stoppedAtLine: result.stoppedAt.line }),
  };
}

export function formatSummary(summary: ReplaySummary, json: boolean): string {
  if (json) return `${JSON.stringify(summary)}\n`;
  let out =
    `replayed ${summary.commands} commands from ${summary.file} in ${summary.elapsedMs.toFixed(1)} ms (${summary.commandsPerSec} commands/s)\n` +
    `  accepted ${summary.accepted}, rejected ${summary.rejected} (${summary.badLines} malformed lines)\n` +
    `  fills ${summary.fills}, volume ${summary.volume} lots, notional ${summary.notional} quote units\n` +
    `  live orders ${summary.liveOrders}\n`;
  const l = summary.liquidations;
  out +=
    `  liquidation (${summary.mode}): ${l.triggered} accounts entered it, ${l.childOrders} child orders; closed ` +
    `${l.closedQty} lots (${l.closedNotional} quote units), penalties ${l.penalties}, bad debt ${l.badDebt}, ` +
    `auto-deleveraged ${l.adl}, backstops took ${l.backstopQty} lots in ${l.backstops} transfers\n`;
  if (l.stillInLiquidation > 0) {
    out += `  still in liquidation at the end: ${l.stillInLiquidation} accounts\n`;
    // Paced work (one slice per sliceIntervalNs) waits for time, and time comes only from the commands.
    if (summary.lastTs === 0) {
      out +=
        "  no command carried a time (ts): paced liquidation never got past its first slices; add ts or tick commands\n";
    }
  }
  for (const [reason, n] of Object.entries(summary.rejectsByReason)) out += `  rejected ${reason}: ${n}\n`;
  out += `  state hash ${summary.stateHash}\n`;
  return out;
}
