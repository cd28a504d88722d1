/**
 * Throughput in process on the mixed flow: softliq, the peer and the Map floor over the same
 * commands, each iteration on a fresh book. The worker-thread figures are the worker suite's.
 */
import { Engine } from "../../engine/engine.js";
import type { Command } from "../../protocol/commands.js";
import type { BenchContext, Suite } from "../context.js";
import { FLOW_SEED, mixedFlow } from "../flows.js";
import { MapFloor } from "../peers/map-floor.js";
import {
  applyPeerOp,
  loadPeer,
  PEER_MISSING,
  type PeerBook,
  type PeerOp,
  toPeerOp,
} from "../peers/nodejs-order-book.js";
import { formatCount, formatRate, formatRatio, round, type SuiteResult, type Table } from "../report.js";
import { runTiny, type TinyResult } from "../tiny.js";

interface Row {
  name: string;
  commandsPerSec: number;
  bestPerSec: number;
  iterations: number;
}

function rowOf(result: TinyResult, commands: number, name = result.name): Row {
  return {
    name,
    commandsPerSec: (commands * 1000) / result.medianMs,
    bestPerSec: (commands * 1000) / result.minMs,
    iterations: result.iterations,
  };
}

export async function measureMixedFlow(ctx: BenchContext): Promise<SuiteResult> {
  const flow: Command[] = mixedFlow(ctx.flowSize);
  const n = flow.length;
  ctx.log(`mixed flow: ${formatCount(n)} commands (seed ${FLOW_SEED})`);

  let engine = new Engine();
  let events = 0;
  const onEvent = (): void => {
    events++;
  };
  let floor = new MapFloor();
  const ours = await runTiny(
    [
      {
        name: "softliq Engine.apply",
        fn: () => {
          for (let i = 0; i < n; i++) engine.apply(flow[i]);
        },
        options: {
          beforeEach: () => {
            engine = new Engine({ onEvent });
            events = 0;
          },
        },
      },
      {
        name: "floor: Map only",
        fn: () => {
          for (let i = 0; i < n; i++) floor.apply(flow[i] as Command);
        },
        options: {
          beforeEach: () => {
            floor = new MapFloor();
          },
        },
      },
    ],
    { time: 0, iterations: ctx.quick ? 3 : 5, warmupIterations: 1 },
  );
  const eventsPerRun = events;
  const softliq = rowOf(ours[0] as TinyResult, n);
  const floorRow = rowOf(ours[1] as TinyResult, n);

  const peer = await loadPeer();
  let peerRow: Row | null = null;
  if (peer !== null) {
    ctx.log(`mixed flow: ${peer.name}@${peer.version} (slow: one iteration)`);
    const ops: PeerOp[] = flow.map(toPeerOp); // adapted before timing, like our pre-built commands
    let book: PeerBook = peer.create();
    const [result] = await runTiny(
      [
        {
          name: `${peer.name}@${peer.version}`,
          fn: () => {
            for (let i = 0; i < n; i++) applyPeerOp(book, ops[i] as PeerOp);
          },
          options: {
            beforeEach: () => {
              book = peer.create();
            },
          },
        },
      ],
      { time: 0, iterations: 1, warmupIterations: 0 },
    );
    peerRow = rowOf(result as TinyResult, n);
  }

  const rows: string[][] = [
    [softliq.name, formatRate(softliq.commandsPerSec), formatRate(softliq.bestPerSec), "1", String(softliq.iterations)],
    [
      peerRow?.name ?? "nodejs-order-book",
      peerRow === null ? PEER_MISSING : formatRate(peerRow.commandsPerSec),
      peerRow === null ? "–" : formatRate(peerRow.bestPerSec),
      peerRow === null ? "–" : `softliq is ${formatRatio(softliq.commandsPerSec, peerRow.commandsPerSec)} faster`,
      peerRow === null ? "0" : String(peerRow.iterations),
    ],
    [
      floorRow.name,
      formatRate(floorRow.commandsPerSec),
      formatRate(floorRow.bestPerSec),
      `softliq runs at ${((100 * softliq.commandsPerSec) / floorRow.commandsPerSec).toFixed(1)}% of the floor`,
      String(floorRow.iterations),
    ],
  ];
  const table: Table = {
    title: `Mixed flow in process: ${formatCount(n)} commands, seed ${FLOW_SEED}`,
    head: ["implementation", "commands/s (median)", "best", "ratio", "iterations"],
    rows,
  };
  return {
    name: "mixed",
    title: "Throughput: the mixed flow in process",
    tables: [table],
    notes: [
      `Each iteration applies the whole flow to a fresh book; softliq's listener counts events (${eventsPerRun} per run).`,
      "The peer gets the same commands adapted to its API before timing (string ids, its option objects).",
      "Through a worker thread: the worker suite (ratios to in process on the margin-composed engine).",
    ],
    data: {
      commands: n,
      seed: FLOW_SEED,
      eventsPerRun,
      softliq: roundRow(softliq),
      peer:
        peerRow === null
          ? { status: "not installed" }
          : { ...roundRow(peerRow), ratio: round(softliq.commandsPerSec / peerRow.commandsPerSec, 2) },
      floor: { ...roundRow(floorRow), softliqShareOfFloor: round(softliq.commandsPerSec / floorRow.commandsPerSec, 3) },
    },
  };
}

function roundRow(row: Row): Record<string, number | string> {
  return {
    name: row.name,
    commandsPerSec: Math.round(row.commandsPerSec),
    bestPerSec: Math.round(row.bestPerSec),
    iterations: row.iterations,
  };
}

export const mixedFlowSuite: Suite = {
  name: "mixed",
  title: "Throughput: the mixed flow in process",
  inDefault: true,
  run: measureMixedFlow,
};
