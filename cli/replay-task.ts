/**
 * One file's replay as a pool task (`softliq replay a b … --parallel N`): runs in a pool thread,
 * in process there, and returns its summary and the first bad-line reports for the caller to print.
 */
import type { LiquidationMode } from "../liquidator/liquidation-params.js";
import { formatOf } from "../protocol/flow-reader.js";
import { finalStateOf, replayFlow } from "../worker/replay-flow.js";
import { openSource } from "./replay-source.js";
import { type ReplaySummary, summarize } from "./replay-summary.js";

export interface ReplayTaskInput {
  file: string;
  mode: LiquidationMode;
  strict: boolean;
  /** Bad lines reported before the rest are only counted. */
  maxReported: number;
}

export interface ReplayTaskOutput {
  file: string;
  /** Null when the file could not be read (see `error`). */
  summary: ReplaySummary | null;
  error: string | null;
  badLineReports: string[];
}

export async function replayFileTask(input: ReplayTaskInput): Promise<ReplayTaskOutput> {
  const opened = await openSource(input.file);
  if (typeof opened === "string") return { file: input.file, summary: null, error: opened, badLineReports: [] };
  const reports: string[] = [];
  let reported = 0;
  const started = process.hrtime.bigint();
  const result = await replayFlow(opened.source, formatOf(input.file), {
    liquidation: input.mode,
    strict: input.strict,
    onBadLine(bad) {
      if (reported++ < input.maxReported) {
        reports.push(`${input.file}: line ${bad.line}: ${bad.reason}${bad.detail === "" ? "" : ` (${bad.detail})`}`);
      }
    },
  });
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  opened.source.destroy();
  if (reported > input.maxReported) reports.push(`${input.file}: … ${reported - input.maxReported} more bad lines`);
  return {
    file: input.file,
    summary: summarize(input.file, input.mode, result, finalStateOf(result.engine), elapsedMs),
    error: null,
    badLineReports: reports,
  };
}
