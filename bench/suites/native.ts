/**
 * The native peer: the mixed flow's order commands through the bare matching engine here and
 * through Liquibook (C++, header-only, g++ -O3 -march=native) in a child process, rounds
 * alternating, each on a fresh book. Both must end on the same book (orders, quantity and levels
 * a side) with the same fills, volume and rejects, or the comparison says so.
 * Skipped, with the reason, when LIQUIBOOK_DIR does not name a Liquibook checkout.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Engine } from "../../engine/engine.js";
import type { Command } from "../../protocol/commands.js";
import type { BenchContext, Suite } from "../context.js";
import { FLOW_SEED, mixedFlow } from "../flows.js";
import { encodeFlow, orderFlowOnly } from "../native/flow-file.js";
import {
  buildDriver,
  LIQUIBOOK_ENV,
  NativeDriver,
  type RoundResult,
  type SideTotals,
} from "../native/liquibook-peer.js";
import { formatCount, formatRate, median, round, type SuiteResult, type Table } from "../report.js";

const TITLE = "Throughput: the bare engine against a native peer (Liquibook, C++)";

function totalsOf(levels: readonly (readonly [number, number, number])[]): SideTotals {
  let orders = 0;
  let qty = 0;
  for (const level of levels) {
    qty += level[1];
    orders += level[2];
  }
  return { orders, qty, levels: levels.length };
}

/** One round of the engine on a fresh book: the time of the loop and what it left. */
export function engineRound(flow: readonly Command[]): RoundResult {
  let events = 0;
  let fills = 0;
  let volume = 0;
  let rejects = 0;
  const engine = new Engine({
    onEvent: (e) => {
      events++;
      if (e.type === "fill") {
        fills++;
        volume += e.qty;
      } else if (e.type === "rejected") rejects++;
    },
  });
  const n = flow.length;
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) engine.apply(flow[i] as Command);
  const ns = Number(process.hrtime.bigint() - started);
  const depth = engine.depth();
  return { ns, events, fills, volume, rejects, bids: totalsOf(depth.bids), asks: totalsOf(depth.asks) };
}

/** The fields both books must agree on: every fill, the rejects and the final book. */
export function outcomeOf(r: RoundResult): string {
  const side = (s: SideTotals): string => `${s.orders} orders, ${s.qty} lots on ${s.levels} levels`;
  return `${r.fills} fills, ${r.volume} lots traded, ${r.rejects} rejects; bids ${side(r.bids)}; asks ${side(r.asks)}`;
}

export async function measureNative(
  ctx: BenchContext,
  liquibookDir = process.env[LIQUIBOOK_ENV],
): Promise<SuiteResult> {
  const build = buildDriver(liquibookDir);
  if (build.status === "skipped") {
    ctx.log(`native: skipped (${build.reason})`);
    return {
      name: "native",
      title: TITLE,
      tables: [],
      notes: [`Skipped: ${build.reason}.`],
      data: { status: "skipped", reason: build.reason },
    };
  }
  const flow = orderFlowOnly(mixedFlow(ctx.flowSize));
  const rounds = ctx.quick ? 3 : 7;
  const dir = mkdtempSync(join(tmpdir(), "softliq-native-flow-"));
  const flowFile = join(dir, "flow.bin");
  writeFileSync(flowFile, encodeFlow(flow));
  const driver = new NativeDriver(build.binary, flowFile);
  const ours: RoundResult[] = [];
  const native: RoundResult[] = [];
  try {
    ctx.log(`native: ${formatCount(flow.length)} commands, ${build.compiler}; one untimed round each, then ${rounds}`);
    engineRound(flow);
    await driver.round();
    for (let r = 0; r < rounds; r++) {
      if (r % 2 === 0) {
        ours.push(engineRound(flow));
        native.push(await driver.round());
      } else {
        native.push(await driver.round());
        ours.push(engineRound(flow));
      }
      ctx.log(`native: round ${r + 1}/${rounds}`);
    }
  } finally {
    await driver.close();
    rmSync(dir, { recursive: true, force: true });
  }

  const oursOutcome = outcomeOf(ours[0] as RoundResult);
  const nativeOutcome = outcomeOf(native[0] as RoundResult);
  const same = [...ours, ...native].every((r) => outcomeOf(r) === oursOutcome);
  const rate = (rs: RoundResult[]): number => (flow.length * 1e9) / median(rs.map((r) => r.ns));
  const best = (rs: RoundResult[]): number => (flow.length * 1e9) / Math.min(...rs.map((r) => r.ns));
  const ratio = rate(ours) / rate(native);
  const table: Table = {
    title: `Order flow in memory: ${formatCount(flow.length)} commands (the mixed flow, seed ${FLOW_SEED}, no accounts), ${rounds} rounds alternating`,
    head: ["engine", "commands/s (median)", "best", "ratio to Liquibook", "events"],
    rows: [
      [
        "softliq MatchingEngine (bare)",
        formatRate(rate(ours)),
        formatRate(best(ours)),
        ratio.toFixed(2),
        String(ours[0]?.events),
      ],
      [
        "Liquibook OrderBook<Order*> (C++)",
        formatRate(rate(native)),
        formatRate(best(native)),
        "1",
        String(native[0]?.events),
      ],
    ],
  };
  return {
    name: "native",
    title: TITLE,
    tables: [table],
    notes: [
      same
        ? `Both end on the same book with the same trades: ${oursOutcome}.`
        : `THE BOOKS DIFFER, the comparison is not like for like: softliq ${oursOutcome}; Liquibook ${nativeOutcome}.`,
      `Liquibook built with ${build.compiler} ${"-O3 -march=native"}; its driver (bench/native/liquibook-driver.cpp) keeps an id index (std::unordered_map), counts events in Liquibook's callbacks, and maps what Liquibook lacks: post-only (a best-price check), market protection (an IOC limit at the bound), a quantity decrease that keeps priority (in place, after Liquibook's own lookup).`,
      "The flow is the mixed flow's limit, market, cancel and modify commands without accounts (and so without self-trade prevention); softliq's listener counts events. Event counts differ by design (Liquibook has no event for a rejected command and one per replace).",
    ],
    data: {
      status: "measured",
      commands: flow.length,
      seed: FLOW_SEED,
      rounds,
      compiler: build.compiler,
      sameOutcome: same,
      outcome: { softliq: oursOutcome, liquibook: nativeOutcome },
      softliq: {
        commandsPerSec: Math.round(rate(ours)),
        bestPerSec: Math.round(best(ours)),
        roundsMs: ours.map((r) => round(r.ns / 1e6, 1)),
      },
      liquibook: {
        commandsPerSec: Math.round(rate(native)),
        bestPerSec: Math.round(best(native)),
        roundsMs: native.map((r) => round(r.ns / 1e6, 1)),
      },
      ratio: round(ratio, 3),
    },
  };
}

export const nativeSuite: Suite = {
  name: "native",
  title: TITLE,
  inDefault: false,
  run: (ctx) => measureNative(ctx),
};
