/**
 * The replay pipeline without the terminal: file → reader → engine → event consumers. The CLI and
 * the golden tests both run it.
 */
import type { Readable } from "node:stream";
import { Engine } from "../exchange.js";
import type { EngineEvent } from "../protocol/events.js";
import { type FlowFormat, readFlow } from "../protocol/flow-reader.js";
import { isMalformedReject, type RejectCode } from "../protocol/reject-codes.js";

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
  /** Accounts that fell below maintenance margin (liquidation_stage "breach" events). */
  breaches: number;
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
}

export interface ReplayResult extends ReplayCounts {
  engine: Engine;
  /** Set when --strict stopped the replay. */
  stoppedAt: BadLine | null;
  badLines: number;
}

export async function replayFlow(
  source: Readable,
  format: FlowFormat,
  options: ReplayOptions = {},
): Promise<ReplayResult> {
  const counts: ReplayCounts = {
    commands: 0,
    accepted: 0,
    rejected: 0,
    fills: 0,
    volume: 0,
    notional: 0n,
    rejectsByReason: {},
    breaches: 0,
  };
  let notional = 0; // accumulated exactly while safe, flushed into the BigInt before it is not
  let lastMalformed: BadLine | null = null;
  let pendingDetail = "";
  const onEvent = options.onEvent;
  const engine = new Engine({
    onEvent(e) {
      switch (e.type) {
        case "accepted":
          counts.accepted++;
          break;
        case "rejected":
          counts.rejected++;
          counts.rejectsByReason[e.reason] = (counts.rejectsByReason[e.reason] ?? 0) + 1;
          if (isMalformedReject(e.reason)) lastMalformed = { line: e.line, reason: e.reason, detail: pendingDetail };
          break;
        case "fill": {
          counts.fills++;
          counts.volume += e.qty;
          const n = e.price * e.qty;
          if (notional + n > Number.MAX_SAFE_INTEGER) {
            counts.notional += BigInt(notional);
            notional = 0;
          }
          notional += n;
          break;
        }
        case "liquidation_stage":
          if (e.stage === "breach") counts.breaches++;
          break;
        default:
          break;
      }
      if (onEvent !== undefined) onEvent(e);
    },
  });
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
      engine.apply(input, line);
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
  counts.notional += BigInt(notional);
  return { ...counts, engine, stoppedAt, badLines };
}
