/**
 * Child process of the memory suite (run with --expose-gc): builds one book of N resting orders
 * with one implementation, and prints the heap (typed arrays' buffers included) and RSS it added,
 * as one JSON line.
 *   node --expose-gc dist/bench/memory-probe.js softliq|peer|map ORDERS LEVELS
 */
import { Engine } from "../engine/engine.js";
import { buildBook, levelPrice, RESTING_QTY } from "./book-builder.js";
import { loadPeer } from "./peers/nodejs-order-book.js";

export interface ProbeResult {
  implementation: string;
  orders: number;
  levels: number;
  heapBytes: number;
  rssBytes: number;
  /** Set when the implementation could not be loaded. */
  missing?: true;
}

function collect(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error("memory-probe needs --expose-gc");
  gc();
  gc();
}

async function build(implementation: string, orders: number, levels: number): Promise<unknown> {
  if (implementation === "softliq") {
    const engine = new Engine();
    buildBook(engine, { orders, levels });
    return engine;
  }
  if (implementation === "map") {
    // The floor: each order as a small record in a Map keyed by id.
    const map = new Map<number, { price: number; qty: number }>();
    for (let i = 0; i < orders; i++) map.set(i + 1, { price: levelPrice(i % levels).price, qty: RESTING_QTY });
    return map;
  }
  const peer = await loadPeer();
  if (peer === null) return null;
  const book = peer.create();
  for (let i = 0; i < orders; i++) {
    const level = levelPrice(i % levels);
    book.limit({
      id: String(i + 1),
      side: level.side,
      size: RESTING_QTY,
      price: level.price,
      timeInForce: "GTC",
      postOnly: false,
    });
  }
  return book;
}

async function main(): Promise<void> {
  const [implementation = "softliq", ordersArg = "100000", levelsArg = "1000"] = process.argv.slice(2);
  const orders = Number(ordersArg);
  const levels = Number(levelsArg);
  await loadPeer(); // module loading is not the book's memory
  collect();
  const before = process.memoryUsage();
  const kept = await build(implementation, orders, levels);
  collect();
  const after = process.memoryUsage();
  const result: ProbeResult = {
    implementation,
    orders,
    levels,
    // Typed arrays keep their contents outside the JS heap (the order index's keys): count them.
    heapBytes: after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers),
    rssBytes: after.rss - before.rss,
  };
  if (kept === null) result.missing = true;
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
