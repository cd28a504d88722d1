/**
 * `softliq simulate --scenario lobster --lobster FILE.zip`: one large breached position
 * liquidated by each policy into a real NASDAQ day (sim/lobster-run.ts). The last stdout line is
 * the JSON summary with --json: the setup under "lobster", then one key per mode.
 */
import { readLobsterDay } from "../sim/lobster-day.js";
import {
  arrivalOf,
  DEFAULT_HEALTH_PPM,
  DEFAULT_WINDOW_NS,
  defaultQty,
  entryOf,
  LOBSTER_TIERS,
  type LobsterSetup,
  type LobsterSideResult,
  ORACLE_INTERVAL_NS,
  runLobsterSide,
} from "../sim/lobster-run.js";
import type { SimMode } from "../sim/run.js";
import { type ParsedArgs, stringFlag, UsageError } from "./args.js";
import { EXIT_OK, EXIT_UNREADABLE } from "./exit-codes.js";

export const LOBSTER_DESCRIPTION =
  "a real NASDAQ day (LOBSTER, --lobster FILE.zip): one account long 2% of the day's volume at 10x breaches at 10:30 at the real mid and is liquidated into the real flow";

const NS_PER_S = 1_000_000_000;

/** "HH:MM" or "HH:MM:SS" → ns after midnight. */
export function timeOfDayNs(text: string): number | null {
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?$/.exec(text);
  if (m === null) return null;
  const [h, min, s] = [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
  if (h > 23 || min > 59 || s > 59) return null;
  return ((h * 60 + min) * 60 + s) * NS_PER_S;
}

function clock(ns: number): string {
  const s = Math.floor(ns / NS_PER_S);
  const two = (n: number): string => String(n).padStart(2, "0");
  return `${two(Math.floor(s / 3600))}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
}

export async function simulateLobster(args: ParsedArgs, modes: readonly SimMode[], seed: number): Promise<number> {
  for (const f of ["seeds", "svg", "report", "flow", "sweep", "grid"])
    if (args.flags.has(f)) throw new UsageError(`--${f} is not for --scenario lobster`);
  const path = stringFlag(args, "lobster");
  if (path === undefined) throw new UsageError("--scenario lobster needs --lobster FILE.zip (a LOBSTER day)");
  const atText = stringFlag(args, "at") as string;
  const atNs = timeOfDayNs(atText);
  if (atNs === null) throw new UsageError("--at is a time of day, HH:MM or HH:MM:SS");
  const side = stringFlag(args, "side") as string;
  if (side !== "long" && side !== "short") throw new UsageError("--side is long or short");
  const windowText = stringFlag(args, "window");
  let windowNs = DEFAULT_WINDOW_NS;
  if (windowText !== undefined) {
    const min = Number(windowText);
    if (!Number.isSafeInteger(min) || min < 1 || min > 24 * 60)
      throw new UsageError("--window is whole minutes, 1 to 1440");
    windowNs = min * 60 * NS_PER_S;
  }
  let day: Awaited<ReturnType<typeof readLobsterDay>>;
  try {
    day = await readLobsterDay(path.toLowerCase().endsWith(".zip") ? [path] : path.split(","));
  } catch (err) {
    process.stderr.write(`softliq: cannot read ${path}: ${oneLine(err)}\n`);
    return EXIT_UNREADABLE;
  }
  const arrivalAt = arrivalOf(day, atNs);
  if (arrivalAt === null) throw new UsageError(`${path} has no message at or after ${atText}`);
  const arrival = day.groups[arrivalAt] as (typeof day.groups)[number];
  const setup: LobsterSetup = {
    atNs,
    side,
    qty: defaultQty(day),
    healthPpm: DEFAULT_HEALTH_PPM,
    windowNs,
    oracleIntervalNs: ORACLE_INTERVAL_NS,
  };
  const { entry, collateral } = entryOf(arrival.mid, setup);
  const results: Record<string, LobsterSideResult> = {};
  for (const mode of modes) results[mode] = runLobsterSide(day, setup, mode);
  const lobster = {
    file: path,
    day: day.day,
    levels: day.levels,
    messages: day.messages,
    dayVolume: day.volume,
    side,
    qty: setup.qty,
    breachAt: clock(arrival.ts),
    breachTs: arrival.ts,
    arrivalMid: arrival.mid,
    entryPrice: entry,
    collateral,
    imrPpm: LOBSTER_TIERS[0]?.imrPpm,
    mmrPpm: LOBSTER_TIERS[0]?.mmrPpm,
    healthPpm: setup.healthPpm,
    windowNs,
    oracleIntervalNs: setup.oracleIntervalNs,
  };
  if (args.flags.has("json")) {
    process.stdout.write(`${JSON.stringify({ scenario: "lobster", seed, lobster, ...results })}\n`);
    return EXIT_OK;
  }
  process.stdout.write(formatLobster(lobster, results));
  return EXIT_OK;
}

function oneLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split("\n")[0] as string;
}

type Row = [string, (r: LobsterSideResult) => number | null];

const ROWS: Row[] = [
  ["lots closed", (r) => r.lotsClosed],
  ["lots left", (r) => r.lotsLeft],
  ["liquidation orders", (r) => r.childOrders],
  ["average fill price (ticks)", (r) => r.avgPrice],
  ["shortfall vs arrival mid (ppm)", (r) => r.shortfallPpm],
  ["shortfall vs arrival mid (quote units)", (r) => r.shortfall],
  ["vs NASDAQ VWAP over the same span (ppm)", (r) => r.vsMarketVwapPpm],
  ["fills beyond the oracle (ppm)", (r) => r.liquidationSlippagePpm],
  ["deepest trade beyond NASDAQ's mid (ppm)", (r) => r.maxDrawdownPpm],
  ["time to complete (ms)", (r) => (r.timeToCompleteNs === null ? null : Math.floor(r.timeToCompleteNs / 1e6))],
  ["equity at the breach (quote units)", (r) => r.equityAtBreach],
  ["equity left (quote units)", (r) => r.equityLeft],
  ["bad debt (quote units)", (r) => r.badDebt],
  ["penalties (quote units)", (r) => r.penalties],
  ["insurance fund at the end", (r) => r.insuranceFund],
  ["NASDAQ messages skipped (order gone)", (r) => r.stale.skippedMessages],
  ["  of which filled by the liquidation", (r) => r.stale.skippedFilledByLiquidation],
  ["NASDAQ partial cancels resized", (r) => r.stale.resizedMessages],
  ["holding commands skipped", (r) => r.stale.skippedHoldCommands],
  ["shares NASDAQ's takers did not find", (r) => r.stale.realTakerUnfilled],
];

function formatLobster(
  s: { day: string | null; file: string; side: string; qty: number; breachAt: string; arrivalMid: number },
  results: Record<string, LobsterSideResult>,
): string {
  const modes = Object.keys(results);
  let out = `scenario lobster: ${s.day ?? s.file}, ${s.side} ${s.qty} shares breached at ${s.breachAt} (mid ${s.arrivalMid})\n`;
  out += `${"".padEnd(42)}${modes.map((m) => m.padStart(14)).join("")}\n`;
  for (const [label, value] of ROWS) {
    out += `${label.padEnd(42)}${modes.map((m) => String(value(results[m] as LobsterSideResult) ?? "-").padStart(14)).join("")}\n`;
  }
  return out;
}
