/**
 * A replica's state directory: the project's snapshots (worker/snapshot-store.ts: header, CRC,
 * atomic rename), indexed by the input stream's sequence they are at, the engine state carrying one
 * more section, `replica`, with the venue and the events-stream sequence reached. The engine
 * ignores a section it does not know, so such a state restores anywhere a snapshot does.
 */
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { hostname } from "node:os";
import { join } from "node:path";
import type { EngineState } from "../engine/state-snapshot.js";
import type { LiquidationMode } from "../liquidator/liquidation-params.js";
import { listSnapshots, loadSnapshot, pruneSnapshots, writeSnapshot } from "../worker/snapshot-store.js";

export const REPLICA_SECTION = "replica";

export interface ReplicaTag {
  venue: string;
  /** The events-stream sequence of the last events message of the snapshot's input sequence. */
  eventsSeq: number;
}

export interface RestoredState {
  state: EngineState;
  /** The input stream sequence the state is at. */
  seq: number;
  tag: ReplicaTag;
  liquidation: LiquidationMode | null;
}

/** The newest snapshot that checks out, or null (a fresh replica starts at sequence 0). */
export function loadLatest(dir: string, venue: string): RestoredState | null {
  const problems: string[] = [];
  for (const seq of listSnapshots(dir)) {
    const loaded = loadSnapshot(dir, seq);
    if (typeof loaded === "string") {
      problems.push(`snapshot ${seq}: ${loaded}`);
      continue;
    }
    const tag = loaded.state.sections?.[REPLICA_SECTION] as ReplicaTag | undefined;
    if (tag === undefined || typeof tag.eventsSeq !== "number") {
      problems.push(`snapshot ${seq}: not a replica's state`);
      continue;
    }
    if (tag.venue !== venue) throw new Error(`${dir} holds the state of venue ${tag.venue}, not ${venue}`);
    return { state: loaded.state, seq, tag, liquidation: loaded.liquidation };
  }
  if (problems.length > 0) throw new Error(`${dir}: no usable snapshot (${problems.join("; ")})`);
  return null;
}

/** Writes the state at input sequence `seq` and keeps the one before it (one spare, should this one tear). */
export function saveState(
  dir: string,
  seq: number,
  state: EngineState,
  tag: ReplicaTag,
  liquidation: LiquidationMode,
): void {
  const tagged: EngineState = { ...state, sections: { ...state.sections, [REPLICA_SECTION]: tag } };
  mkdirSync(dir, { recursive: true });
  writeSnapshot(dir, seq, tagged, liquidation);
  const older = listSnapshots(dir).filter((s) => s < seq);
  if (older.length > 0) pruneSnapshots(dir, older[0] as number);
}

/**
 * The replica's name: given, or kept in DIR/replica-name (made once from the host name), or, with
 * no state directory, the host name and process id. It names the replica's status subject.
 */
export function replicaName(given: string | undefined, dir: string | undefined): string {
  if (given !== undefined) return given;
  const host = hostname().replace(/[^A-Za-z0-9_-]/g, "_");
  if (dir === undefined) return `${host}-${process.pid}`;
  mkdirSync(dir, { recursive: true });
  const file = join(dir, "replica-name");
  try {
    return readFileSync(file, "utf8").trim();
  } catch {
    const name = `${host}-${Math.random().toString(36).slice(2, 8)}`;
    writeFileSync(file, `${name}\n`);
    return name;
  }
}
