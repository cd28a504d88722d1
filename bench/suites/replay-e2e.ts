/**
 * End to end from a file: the mixed flow written as JSONL to a temp dir, then read back through
 * the real replay pipeline (stream → lines → JSON → validation → engine → events). The peer and
 * the floors read the same file with the same line reader and JSON.parse.
 */
import { once } from "node:events";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { forEachLine } from "../../io/line-reader.js";
import type { Command } from "../../protocol/commands.js";
import { commandToJsonl } from "../../protocol/flow-writer.js";
import { BufferedOutput } from "../../worker/output-file.js";
import { replayFlow } from "../../worker/replay-flow.js";
import { nowNs } from "../clock.js";
import type { BenchContext, Suite } from "../context.js";
import { FLOW_SEED, mixedFlow } from "../flows.js";
import { MapFloor } from "../peers/map-floor.js";
import { applyPeerOp, loadPeer, PEER_MISSING, type PeerBook, toPeerOp } from "../peers/nodejs-order-book.js";
import {
  formatBytes,
  formatCount,
  formatRate,
  formatRatio,
  median,
  round,
  type SuiteResult,
  type Table,
} from "../report.js";

const CHUNK = 1 << 16;

async function writeFlow(path: string, flow: readonly Command[]): Promise<void> {
  const out = createWriteStream(path);
  let buffer = "";
  for (const command of flow) {
    buffer += `${commandToJsonl(command)}\n`;
    if (buffer.length > CHUNK * 4) {
      if (!out.write(buffer)) await once(out, "drain");
      buffer = "";
    }
  }
  out.end(buffer);
  await once(out, "finish");
}

/** Reads the file with the replay's own line reader and hands each parsed line to `apply`. */
async function readParsed(path: string, apply: (value: Command) => void): Promise<void> {
  await forEachLine(createReadStream(path, { highWaterMark: CHUNK }), {
    line(buf, start, end) {
      apply(JSON.parse(buf.toString("utf8", start, end)) as Command);
      return true;
    },
    tooLong: () => true,
  });
}

interface Timed {
  name: string;
  runs: number[];
}

/** One untimed pass over the small warm-up file (JIT), then `runs` timed passes over the real one. */
async function timeRuns(
  name: string,
  runs: number,
  files: { warm: string; real: string },
  body: (path: string) => Promise<void>,
): Promise<Timed> {
  await body(files.warm);
  const ms: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = nowNs();
    await body(files.real);
    ms.push((nowNs() - start) / 1e6);
  }
  return { name, runs: ms };
}

export async function measureReplay(ctx: BenchContext): Promise<SuiteResult> {
  const flow = mixedFlow(ctx.flowSize);
  const dir = await mkdtemp(join(tmpdir(), "softliq-bench-"));
  try {
    const file = join(dir, "flow.jsonl");
    const files = { warm: join(dir, "warm-up.jsonl"), real: file };
    await writeFlow(files.warm, flow.slice(0, Math.min(flow.length, 50_000)));
    const eventsFile = join(dir, "events.jsonl");
    ctx.log(`replay: writing ${formatCount(flow.length)} commands to ${file}`);
    await writeFlow(file, flow);
    const bytes = (await stat(file)).size;
    const n = flow.length;
    let eventCount = 0;
    let stateHash = "";

    const results: Timed[] = [];
    ctx.log("replay: softliq replay (events counted)");
    results.push(
      await timeRuns("softliq replay, events to a listener", ctx.quick ? 2 : 3, files, async (path) => {
        let count = 0;
        const r = await replayFlow(createReadStream(path, { highWaterMark: CHUNK }), "jsonl", {
          onEvent: () => {
            count++;
          },
        });
        eventCount = count;
        stateHash = r.engine.stateHash();
      }),
    );
    ctx.log("replay: softliq replay --events (events written as JSONL)");
    results.push(
      await timeRuns("softliq replay --events (JSONL written)", 1, files, async (path) => {
        const out = new BufferedOutput(eventsFile);
        await replayFlow(createReadStream(path, { highWaterMark: CHUNK }), "jsonl", {
          onEvent: (e) => out.writeEvent(e),
          onProgress: () => out.maybeFlush(),
        });
        await out.close();
      }),
    );
    const eventsBytes = (await stat(eventsFile)).size;
    await rm(eventsFile);

    const peer = await loadPeer();
    let peerResult: Timed | null = null;
    if (peer !== null) {
      ctx.log(`replay: ${peer.name} from the same file (slow)`);
      peerResult = await timeRuns(`${peer.name}@${peer.version}: parse + adapt + apply`, 1, files, async (path) => {
        const book: PeerBook = peer.create();
        await readParsed(path, (c) => applyPeerOp(book, toPeerOp(c)));
      });
    }
    ctx.log("replay: floors (Map only; parse only)");
    const floor = await timeRuns("floor: parse + Map only", 2, files, async (path) => {
      const map = new MapFloor();
      await readParsed(path, (c) => map.apply(c));
    });
    let parsed = 0;
    const parseOnly = await timeRuns("floor: read + JSON.parse only", 2, files, async (path) => {
      await readParsed(path, () => {
        parsed++;
      });
    });

    const perSec = (t: Timed): number => (n * 1000) / median(t.runs);
    const ours = perSec(results[0] as Timed);
    const row = (t: Timed, ratio: string): string[] => [
      t.name,
      formatRate(perSec(t)),
      `${((bytes / (1 << 20)) * (1000 / median(t.runs))).toFixed(0)} MiB/s`,
      `${median(t.runs).toFixed(0)} ms`,
      ratio,
    ];
    const rows = [
      row(results[0] as Timed, "1"),
      row(results[1] as Timed, formatRatio(perSec(results[1] as Timed), ours)),
      peerResult === null
        ? ["nodejs-order-book", PEER_MISSING, "–", "–", "–"]
        : row(peerResult, `softliq is ${formatRatio(ours, perSec(peerResult))} faster`),
      row(floor, `softliq at ${((100 * ours) / perSec(floor)).toFixed(0)}% of it`),
      row(parseOnly, `softliq at ${((100 * ours) / perSec(parseOnly)).toFixed(0)}% of it`),
    ];
    const table: Table = {
      title: `Replay end to end: ${formatCount(n)} commands, ${formatBytes(bytes)} of JSONL (seed ${FLOW_SEED})`,
      head: ["pipeline", "commands/s", "input", "elapsed (median)", "ratio"],
      rows,
    };
    const timedData = (t: Timed): Record<string, unknown> => ({
      name: t.name,
      commandsPerSec: Math.round(perSec(t)),
      runsMs: t.runs.map((ms) => round(ms)),
    });
    return {
      name: "replay",
      title: "Throughput: replay end to end (file → parse → engine → events)",
      tables: [table],
      notes: [
        `Each softliq run is the replay pipeline of \`softliq replay\` without the terminal (${eventCount} events; state hash ${stateHash.slice(0, 16)}…).`,
        `--events writes ${formatBytes(eventsBytes)} of event JSONL to the temp dir (deleted afterwards).`,
        "The peer and the floors use the same line reader and JSON.parse; the peer's adaptation (string ids, option objects) is inside its time.",
      ],
      data: {
        commands: n,
        seed: FLOW_SEED,
        fileBytes: bytes,
        events: eventCount,
        eventsFileBytes: eventsBytes,
        stateHash,
        softliq: timedData(results[0] as Timed),
        softliqWithEventsJsonl: timedData(results[1] as Timed),
        peer:
          peerResult === null
            ? { status: "not installed" }
            : { ...timedData(peerResult), ratio: round(ours / perSec(peerResult), 2) },
        floorMap: timedData(floor),
        floorParseOnly: { ...timedData(parseOnly), linesParsed: parsed },
      },
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const replaySuite: Suite = {
  name: "replay",
  title: "Throughput: replay end to end (file → parse → engine → events)",
  inDefault: true,
  run: measureReplay,
};
