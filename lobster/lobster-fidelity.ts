/**
 * How faithfully the engine replays a LOBSTER day: an imported flow goes through the MatchingEngine while
 * the message and orderbook files are read in lockstep, using the flow's `#m`/`#r` markers
 * (markers.ts) to know which message each command carries out. After each
 * message the engine's visible book is compared with NASDAQ's snapshot, and the engine's fills
 * with NASDAQ's executions of orders submitted inside the file.
 */
import type { Readable } from "node:stream";
import { type BookDepth, MatchingEngine } from "../engine/engine.js";
import { LineCursor } from "../io/line-cursor.js";
import { DEFAULT_SYMBOL, type OrderId } from "../protocol/commands.js";
import { findUnknownField } from "../protocol/validate.js";
import { LobsterReader } from "./lobster-reader.js";
import { HOLD_MARKER, type MessageRange, parseMessageMarker } from "./markers.js";
import { DELETION, EXECUTION, SUBMISSION } from "./message.js";
import type { Snapshot } from "./snapshot.js";

export interface FidelityInput {
  /** The imported JSONL flow (a file stream, or strings). */
  flow: AsyncIterable<unknown>;
  messages: Readable;
  orderbook: Readable;
  /** Disagreements kept as examples, per kind. */
  maxExamples?: number;
  onProgress?: (flowBytesRead: number) => Promise<void> | void;
}

export interface FidelityReport {
  messages: number;
  /** Messages whose snapshot was compared: all but those inside an execution run. */
  comparedMessages: number;
  /** Messages before the last of an execution run: one IOC reproduces only the run's end. */
  insideRuns: number;
  /** Compared messages after which the engine's visible book equals NASDAQ's. */
  bookEqual: number;
  /** … already before the importer's holding commands for that message. */
  bookEqualBeforeHolding: number;
  heldMessages: number;
  /** NASDAQ's visible executions of orders submitted inside the file. */
  inFileExecutions: number;
  /** Of those, the engine filled the same order for the same quantity in the same run. */
  matchedExecutions: number;
  /** Executions not reproduced because the engine no longer held the order when its run came (an
   * earlier guess of the importer about out-of-view changes, or an earlier fill in its place). */
  missedNotInBook: number;
  /** Executions not reproduced although the engine held the order: it filled others ahead of it. */
  missedInBook: number;
  /** Engine fills whose maker is a LOBSTER order, and those NASDAQ did not make. */
  engineLobsterFills: number;
  unmatchedEngineFills: number;
  /** Fills while holding (should be none: holding never crosses the book). */
  holdingFills: number;
  rejected: number;
  rejectsByReason: Record<string, number>;
  bookAgreementPct: number;
  bookAgreementBeforeHoldingPct: number;
  executionAgreementPct: number;
  bookExamples: string[];
  fillExamples: string[];
}

function pct(part: number, whole: number): number {
  return whole === 0 ? 100 : Math.round((part / whole) * 1e6) / 1e4;
}

function sideEquals(levels: BookDepth["bids"], prices: number[], sizes: number[], count: number): boolean {
  if (levels.length !== count) return false;
  for (let i = 0; i < count; i++) {
    const level = levels[i] as [number, number, number];
    if (level[0] !== prices[i] || level[1] !== sizes[i]) return false;
  }
  return true;
}

function bookEquals(depth: BookDepth, s: Snapshot): boolean {
  return (
    sideEquals(depth.asks, s.askPrice, s.askSize, s.askCount) &&
    sideEquals(depth.bids, s.bidPrice, s.bidSize, s.bidCount)
  );
}

function describeDepth(depth: BookDepth): string {
  const side = (levels: BookDepth["bids"]): string =>
    levels.length === 0 ? "(empty)" : levels.map(([p, q]) => `${p}x${q}`).join(" ");
  return `asks ${side(depth.asks)} | bids ${side(depth.bids)}`;
}

export async function measureFidelity(input: FidelityInput): Promise<FidelityReport> {
  const maxExamples = input.maxExamples ?? 5;
  const report: FidelityReport = {
    messages: 0,
    comparedMessages: 0,
    insideRuns: 0,
    bookEqual: 0,
    bookEqualBeforeHolding: 0,
    heldMessages: 0,
    inFileExecutions: 0,
    matchedExecutions: 0,
    missedNotInBook: 0,
    missedInBook: 0,
    engineLobsterFills: 0,
    unmatchedEngineFills: 0,
    holdingFills: 0,
    rejected: 0,
    rejectsByReason: {},
    bookAgreementPct: 0,
    bookAgreementBeforeHoldingPct: 0,
    executionAgreementPct: 0,
    bookExamples: [],
    fillExamples: [],
  };

  // The group: the messages one `#m` marker covers and the engine's fills while carrying them out.
  let inGroup = false;
  let holding = false;
  let equalBeforeHolding = false;
  const groupTexts: string[] = [];
  const nasdaqIds: OrderId[] = [];
  const nasdaqQtys: number[] = [];
  const nasdaqHeld: boolean[] = [];
  const fillMakers: OrderId[] = [];
  const fillQtys: number[] = [];
  /** LOBSTER orders submitted inside the file and not yet deleted. */
  const inFile = new Set<number>();

  const engine = new MatchingEngine({
    onEvent(e) {
      if (e.type === "fill") {
        if (holding || !inGroup) {
          report.holdingFills++;
          return;
        }
        fillMakers.push(e.makerId);
        fillQtys.push(e.qty);
      } else if (e.type === "rejected") {
        report.rejected++;
        report.rejectsByReason[e.reason] = (report.rejectsByReason[e.reason] ?? 0) + 1;
      }
    },
  });
  const reader = new LobsterReader(input.messages, input.orderbook);
  const flow = new LineCursor(input.flow);
  const range: MessageRange = { first: 0, last: 0 };

  const context = (): string => groupTexts.slice(-3).join(" ; ");

  const compareBook = (): boolean => {
    const snapshot = reader.snapshot as Snapshot;
    const depth = engine.depth(DEFAULT_SYMBOL, snapshot.levels);
    return bookEquals(depth, snapshot);
  };

  const openGroup = async (): Promise<void> => {
    if (range.first !== report.messages + 1) {
      throw new Error(`flow line ${flow.lineNo}: #m ${range.first} does not follow message ${report.messages}`);
    }
    groupTexts.length = 0;
    nasdaqIds.length = 0;
    nasdaqQtys.length = 0;
    nasdaqHeld.length = 0;
    fillMakers.length = 0;
    fillQtys.length = 0;
    for (let i = range.first; i <= range.last; i++) {
      if (!(await reader.next())) throw new Error(`flow names message ${i}; the message file ends before it`);
      if (reader.snapshot === null) throw new Error("fidelity needs the orderbook file");
      const m = reader.message;
      groupTexts.push(`#${m.index} ${reader.messageText}`);
      if (m.type === SUBMISSION) inFile.add(m.id);
      else if (m.type === DELETION) inFile.delete(m.id);
      else if (m.type === EXECUTION && inFile.has(m.id)) {
        nasdaqIds.push(m.id);
        nasdaqQtys.push(m.size);
        nasdaqHeld.push(engine.order(m.id) !== null);
      }
    }
    report.messages = range.last;
    report.insideRuns += range.last - range.first;
    inGroup = true;
    holding = false;
  };

  const holdPoint = (): void => {
    if (!inGroup || holding) return;
    equalBeforeHolding = compareBook();
    holding = true;
    report.heldMessages++;
  };

  const closeGroup = (): void => {
    if (!inGroup) return;
    const equal = compareBook();
    if (!holding) equalBeforeHolding = equal;
    report.comparedMessages++;
    if (equal) report.bookEqual++;
    if (equalBeforeHolding) report.bookEqualBeforeHolding++;
    if (!equal && report.bookExamples.length < maxExamples) {
      const depth = engine.depth(DEFAULT_SYMBOL, (reader.snapshot as Snapshot).levels);
      report.bookExamples.push(
        `after ${context()}\n    NASDAQ ${(reader.snapshot as Snapshot).describe()}\n    engine ${describeDepth(depth)}`,
      );
    }
    compareFills();
    inGroup = false;
  };

  const compareFills = (): void => {
    for (let i = 0; i < fillMakers.length; i++) if (typeof fillMakers[i] === "number") report.engineLobsterFills++;
    let unmatchedNasdaq = 0;
    for (let i = 0; i < nasdaqIds.length; i++) {
      report.inFileExecutions++;
      let found = -1;
      for (let j = 0; j < fillMakers.length; j++) {
        if (fillMakers[j] === nasdaqIds[i] && fillQtys[j] === nasdaqQtys[i]) {
          found = j;
          break;
        }
      }
      if (found === -1) {
        unmatchedNasdaq++;
        if (nasdaqHeld[i]) report.missedInBook++;
        else report.missedNotInBook++;
        continue;
      }
      report.matchedExecutions++;
      fillMakers[found] = ""; // used
    }
    let unmatchedEngine = 0;
    for (let i = 0; i < fillMakers.length; i++) if (typeof fillMakers[i] === "number") unmatchedEngine++;
    report.unmatchedEngineFills += unmatchedEngine;
    if ((unmatchedNasdaq > 0 || unmatchedEngine > 0) && report.fillExamples.length < maxExamples) {
      const engineFills = fillMakers
        .map((id, j) => (id === "" ? null : `${id}x${fillQtys[j]}`))
        .filter((f) => f !== null);
      report.fillExamples.push(
        `in ${context()}\n    NASDAQ executed in-file ${nasdaqIds.map((id, j) => `${id}x${nasdaqQtys[j]}`).join(" ")}; engine's other fills ${engineFills.join(" ") || "(none)"}`,
      );
    }
  };

  try {
    for (let text = await flow.next(); text !== null; text = await flow.next()) {
      if (text.length === 0) continue;
      if (text.charCodeAt(0) === 35) {
        if (parseMessageMarker(text, range)) {
          closeGroup();
          await openGroup();
        } else if (text === HOLD_MARKER) {
          holdPoint();
        }
        continue;
      }
      applyLine(engine, text, flow.lineNo);
      if ((flow.lineNo & 4095) === 0) await input.onProgress?.(flow.bytesRead);
    }
    closeGroup();
  } finally {
    await flow.close();
    await reader.close();
  }
  report.bookAgreementPct = pct(report.bookEqual, report.comparedMessages);
  report.bookAgreementBeforeHoldingPct = pct(report.bookEqualBeforeHolding, report.comparedMessages);
  report.executionAgreementPct = pct(report.matchedExecutions, report.inFileExecutions);
  return report;
}

/** One JSONL command line into the engine, held to the schema like `softliq replay`. */
function applyLine(engine: MatchingEngine, text: string, line: number): void {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    engine.rejectLine("MALFORMED_LINE", line);
    return;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    engine.rejectLine("MALFORMED_LINE", line);
    return;
  }
  if (findUnknownField(parsed as Record<string, unknown>) !== null) {
    engine.rejectLine("UNKNOWN_FIELD", line);
    return;
  }
  engine.applyInput(parsed, line);
}
