/**
 * What a benchmark suite hands back: tables for people (markdown) and plain data for machines
 * (`--json`). Formatting lives here so every suite prints numbers the same way.
 */
import type { MachineInfo } from "./machine.js";

export interface Table {
  title: string;
  head: string[];
  rows: string[][];
}

export interface SuiteResult {
  name: string;
  title: string;
  tables: Table[];
  notes: string[];
  data: Record<string, unknown>;
}

export interface BenchReport {
  machine: MachineInfo;
  quick: boolean;
  startedAt: string;
  elapsedMs: number;
  suites: Record<string, SuiteResult["data"]>;
}

export function tableToMarkdown(table: Table): string {
  const lines = [`**${table.title}**`, "", `| ${table.head.join(" | ")} |`];
  lines.push(`| ${table.head.map((_, i) => (i === 0 ? "---" : "---:")).join(" | ")} |`);
  for (const row of table.rows) lines.push(`| ${row.join(" | ")} |`);
  return lines.join("\n");
}

export function suiteToMarkdown(result: SuiteResult): string {
  const parts = [`## ${result.title}`, ""];
  for (const table of result.tables) parts.push(tableToMarkdown(table), "");
  for (const note of result.notes) parts.push(`- ${note}`);
  if (result.notes.length > 0) parts.push("");
  return parts.join("\n");
}

/** Operations per second, human-sized: 2.41M/s, 92.3k/s. */
export function formatRate(perSec: number): string {
  if (!Number.isFinite(perSec) || perSec <= 0) return "–";
  if (perSec >= 1e6) return `${(perSec / 1e6).toFixed(2)}M/s`;
  if (perSec >= 1e3) return `${(perSec / 1e3).toFixed(1)}k/s`;
  return `${perSec.toFixed(0)}/s`;
}

/** A duration given in ns, in the unit that keeps it readable: 350 ns, 1.4 µs, 22 µs, 1.9 ms. */
export function formatNs(ns: number): string {
  if (!Number.isFinite(ns)) return "–";
  if (ns < 1_000) return `${ns.toFixed(0)} ns`;
  if (ns < 10_000) return `${(ns / 1e3).toFixed(1)} µs`;
  if (ns < 1_000_000) return `${(ns / 1e3).toFixed(0)} µs`;
  if (ns < 10_000_000) return `${(ns / 1e6).toFixed(1)} ms`;
  if (ns < 1_000_000_000) return `${(ns / 1e6).toFixed(0)} ms`;
  return `${(ns / 1e9).toFixed(2)} s`;
}

export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return "–";
  if (Math.abs(bytes) >= 1 << 20) return `${(bytes / (1 << 20)).toFixed(1)} MiB`;
  if (Math.abs(bytes) >= 1 << 10) return `${(bytes / (1 << 10)).toFixed(1)} KiB`;
  return `${bytes.toFixed(0)} B`;
}

/** `a` as a multiple of `b`: 26.3×. */
export function formatRatio(a: number, b: number): string {
  if (!(a > 0) || !(b > 0)) return "–";
  const r = a / b;
  return r >= 10 ? `${r.toFixed(0)}×` : `${r.toFixed(2)}×`;
}

export function formatCount(n: number): string {
  if (n >= 1e6 && n % 1e6 === 0) return `${n / 1e6}M`;
  if (n >= 1e3 && n % 1e3 === 0) return `${n / 1e3}k`;
  return String(n);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** Rounds for JSON output: figures, not noise digits. */
export function round(value: number, digits = 1): number {
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}
