/**
 * Heap and RSS per resting order. Each book is built in a child process started with --expose-gc
 * (bench/memory-probe.ts), so a full collection can run before and after and nothing else the
 * bench holds (flows, other books) is counted.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import type { BenchContext, Suite } from "../context.js";
import type { ProbeResult } from "../memory-probe.js";
import { PEER_MISSING, PEER_NAME } from "../peers/nodejs-order-book.js";
import { formatBytes, formatCount, round, type SuiteResult, type Table } from "../report.js";

const run = promisify(execFile);
const PROBE = fileURLToPath(new URL("../memory-probe.js", import.meta.url));
const LEVELS = 1_000;

async function probe(implementation: string, orders: number): Promise<ProbeResult> {
  const { stdout } = await run(
    process.execPath,
    ["--expose-gc", PROBE, implementation, String(orders), String(LEVELS)],
    {
      maxBuffer: 1 << 20,
    },
  );
  const last = stdout.trim().split("\n").pop() ?? "{}";
  return JSON.parse(last) as ProbeResult;
}

export async function measureMemory(ctx: BenchContext): Promise<SuiteResult> {
  const sizes = ctx.quick ? [100_000] : [100_000, 1_000_000];
  const implementations: [string, string][] = [
    ["softliq", "softliq Engine"],
    ["peer", PEER_NAME],
    ["map", "floor: Map of {price, qty}"],
  ];
  const rows: string[][] = [];
  const data: Record<string, unknown>[] = [];
  for (const orders of sizes) {
    for (const [key, label] of implementations) {
      ctx.log(`memory: ${label}, ${formatCount(orders)} resting orders`);
      const r = await probe(key, orders);
      if (r.missing === true) {
        rows.push([label, formatCount(orders), PEER_MISSING, "–", "–"]);
        data.push({ implementation: label, orders, status: "not installed" });
        continue;
      }
      rows.push([
        label,
        formatCount(orders),
        `${(r.heapBytes / orders).toFixed(0)} B`,
        `${(r.rssBytes / orders).toFixed(0)} B`,
        formatBytes(r.heapBytes),
      ]);
      data.push({
        implementation: label,
        orders,
        levels: LEVELS,
        heapBytesPerOrder: round(r.heapBytes / orders),
        rssBytesPerOrder: round(r.rssBytes / orders),
        heapBytes: r.heapBytes,
        rssBytes: r.rssBytes,
      });
    }
  }
  const table: Table = {
    title: `Memory per resting order (${formatCount(LEVELS)} levels, numeric ids, no accounts; after a full GC)`,
    head: ["implementation", "resting orders", "heap / order", "RSS / order", "heap total"],
    rows,
  };
  return {
    name: "memory",
    title: "Memory: heap and RSS per resting order",
    tables: [table],
    notes: [
      "heap = heapUsed + arrayBuffers (typed arrays live outside the JS heap) after minus before building the book, both after gc(); RSS likewise (RSS also counts heap the GC reserved but has not filled).",
      "softliq's figure includes the order record, its id-index entry, its share of the level and the level tree.",
    ],
    data: { levels: LEVELS, books: data },
  };
}

export const memorySuite: Suite = {
  name: "memory",
  title: "Memory: heap and RSS per resting order",
  inDefault: true,
  run: measureMemory,
};
