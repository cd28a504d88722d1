/**
 * Persistent snapshots of the full engine state: `snapshot-<journal index>.json`, written to a
 * temporary file, fsynced, renamed into place and the directory fsynced, so a crash leaves either
 * the old set or the new one, never half a file. The first line is a header naming the journal
 * index the state is at and the CRC-32 of the body; a file that does not check out is skipped.
 */
import { closeSync, fsyncSync, openSync, readdirSync, readFileSync, renameSync, rmSync, writeSync } from "node:fs";
import { join } from "node:path";
import type { EngineState } from "../engine/state-snapshot.js";
import { isLiquidationMode, type LiquidationMode } from "../liquidator/liquidation-params.js";
import { fsyncDir } from "./journal.js";
import { crc32 } from "./wire/crc32.js";

const SNAPSHOT = /^snapshot-([0-9]{16})\.json$/;
const HEADER_FORMAT = "softliq-snapshot";

export function snapshotName(index: number): string {
  return `snapshot-${String(index).padStart(16, "0")}.json`;
}

/** Snapshot indices in `dir`, newest first. */
export function listSnapshots(dir: string): number[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const out: number[] = [];
  for (const name of names) {
    const m = SNAPSHOT.exec(name);
    if (m !== null) out.push(Number(m[1]));
  }
  return out.sort((a, b) => b - a);
}

/**
 * The header names the liquidation mode the state was reached in (version 2; a version-1
 * snapshot names none and takes the journal's).
 */
export function writeSnapshot(dir: string, index: number, state: EngineState, liquidation: LiquidationMode): void {
  const body = Buffer.from(JSON.stringify(state), "utf8");
  const header = Buffer.from(
    `${JSON.stringify({ format: HEADER_FORMAT, version: 2, index, liquidation, bytes: body.length, crc32: crc32(body) })}\n`,
  );
  const final = join(dir, snapshotName(index));
  const temp = `${final}.tmp`;
  const fd = openSync(temp, "w");
  try {
    writeSync(fd, header);
    let done = 0;
    while (done < body.length) done += writeSync(fd, body, done, body.length - done);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(temp, final);
  fsyncDir(dir);
}

export interface LoadedSnapshot {
  state: EngineState;
  /** Null in a version-1 snapshot. */
  liquidation: LiquidationMode | null;
}

/** The state in snapshot `index`, or a reason why it cannot be used. */
export function loadSnapshot(dir: string, index: number): LoadedSnapshot | string {
  let file: Buffer;
  try {
    file = readFileSync(join(dir, snapshotName(index)));
  } catch (err) {
    return (err as Error).message;
  }
  const nl = file.indexOf(10);
  if (nl < 0) return "no header line";
  let header: { format?: unknown; index?: unknown; bytes?: unknown; crc32?: unknown; liquidation?: unknown };
  try {
    header = JSON.parse(file.toString("utf8", 0, nl)) as typeof header;
  } catch {
    return "unreadable header";
  }
  if (header.format !== HEADER_FORMAT || header.index !== index) return "not a snapshot of this index";
  const body = file.subarray(nl + 1);
  if (body.length !== header.bytes || crc32(body) !== header.crc32) return "checksum mismatch (torn or damaged)";
  const liquidation = header.liquidation ?? null;
  if (liquidation !== null && !isLiquidationMode(liquidation)) return "the header names no liquidation mode";
  try {
    return { state: JSON.parse(body.toString("utf8")) as EngineState, liquidation };
  } catch {
    return "unreadable body";
  }
}

/** Removes snapshots older than `keepFrom` and leftover temporary files. */
export function pruneSnapshots(dir: string, keepFrom: number): void {
  for (const index of listSnapshots(dir)) {
    if (index < keepFrom) rmSync(join(dir, snapshotName(index)), { force: true });
  }
  for (const name of readdirSync(dir)) {
    if (name.endsWith(".json.tmp")) rmSync(join(dir, name), { force: true });
  }
}
