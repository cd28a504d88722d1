/**
 * The level queue decision (issue 2): the engine's PriceLevel, an intrusive doubly-linked list,
 * against a denque-based level with lazy deletion (a cancelled order is marked and skipped; the
 * queue is compacted when dead entries dominate). Run with `softliq bench --suite level-queue`.
 *
 * Both variants queue the engine's own Order records, allocated the same way, and run the same
 * operation sequences; only the queue differs. The faster one belongs in the engine.
 */
import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import Denque from "denque";
import { Order } from "../engine/order.js";
import { PriceLevel } from "../engine/price-level.js";
import { SeededRandom } from "../sim/random.js";
import type { BenchContext, Suite } from "./context.js";
import { formatCount, formatNs, formatRatio, round, type SuiteResult, type Table } from "./report.js";
import { runTiny } from "./tiny.js";

/** One price level's FIFO, as the matching loop uses it. */
export interface LevelQueue {
  readonly name: string;
  append(order: Order): void;
  /** Removes an order from anywhere in the queue (a cancel). */
  cancel(order: Order): void;
  /** The oldest live order, or null. */
  front(): Order | null;
  /** Removes the front order (a full fill). */
  popFront(): Order | null;
  /** Walks the live orders in time priority (a fill-or-kill check, a snapshot). */
  sumOpen(): number;
}

export class IntrusiveQueue implements LevelQueue {
  readonly name = "intrusive list (engine)";
  private readonly level = new PriceLevel();

  append(order: Order): void {
    this.level.append(order);
  }

  cancel(order: Order): void {
    this.level.remove(order);
  }

  front(): Order | null {
    return this.level.head;
  }

  popFront(): Order | null {
    const head = this.level.head;
    if (head !== null) this.level.remove(head);
    return head;
  }

  sumOpen(): number {
    let sum = 0;
    for (let o = this.level.head; o !== null; o = o.next) sum += o.open;
    return sum;
  }
}

/** Dead entries tolerated before compaction is considered. */
const MIN_COMPACT = 32;

/**
 * Lazy deletion: a cancelled order stays in the denque with `level` cleared and is skipped (and
 * shifted off) when it reaches the front; when dead entries outnumber live ones the queue is
 * rebuilt without them, so a cancel is O(1) amortized.
 */
export class DenqueQueue implements LevelQueue {
  readonly name = "denque + lazy deletion";
  private queue = new Denque<Order>();
  private readonly marker = new PriceLevel();
  live = 0;
  dead = 0;
  totalQty = 0;

  append(order: Order): void {
    order.level = this.marker;
    this.queue.push(order);
    this.live++;
    this.totalQty += order.open;
  }

  cancel(order: Order): void {
    order.level = null;
    this.live--;
    this.dead++;
    this.totalQty -= order.open;
    if (this.dead > MIN_COMPACT && this.dead > this.live) this.compact();
  }

  front(): Order | null {
    const queue = this.queue;
    for (let o = queue.peekFront(); o !== undefined; o = queue.peekFront()) {
      if (o.level !== null) return o;
      queue.shift();
      this.dead--;
    }
    return null;
  }

  popFront(): Order | null {
    const head = this.front();
    if (head === null) return null;
    this.queue.shift();
    head.level = null;
    this.live--;
    this.totalQty -= head.open;
    return head;
  }

  sumOpen(): number {
    let sum = 0;
    const queue = this.queue;
    for (let i = 0; i < queue.length; i++) {
      const o = queue.get(i) as Order;
      if (o.level !== null) sum += o.open;
    }
    return sum;
  }

  private compact(): void {
    const items = this.queue.toArray();
    let kept = 0;
    for (let i = 0; i < items.length; i++) {
      const o = items[i] as Order;
      if (o.level !== null) items[kept++] = o;
    }
    items.length = kept;
    this.queue = new Denque(items);
    this.dead = 0;
  }
}

/**
 * The live orders of a level, for picking a random one to cancel: a dense array with swap-remove,
 * each order's index kept in its (otherwise unused here) id. The same for both variants.
 */
class LiveSet {
  readonly orders: Order[] = [];

  add(order: Order): void {
    order.id = this.orders.length;
    this.orders.push(order);
  }

  remove(order: Order): void {
    const at = order.id as number;
    const last = this.orders.pop() as Order;
    if (last !== order) {
      this.orders[at] = last;
      last.id = at;
    }
  }
}

const BATCH = 10_000;
const RANDOM_WORDS = 1 << 20;

interface Pattern {
  name: string;
  depth: number;
  opsPerIteration: number;
  run(queue: LevelQueue, live: LiveSet, rnd: RandomTape): void;
}

/** Pre-drawn random numbers, so both variants pay the same (tiny) cost for randomness. */
class RandomTape {
  private readonly words = new Uint32Array(RANDOM_WORDS);
  private at = 0;

  constructor(seed: number) {
    const r = new SeededRandom(seed);
    for (let i = 0; i < RANDOM_WORDS; i++) this.words[i] = r.nextU32();
  }

  below(n: number): number {
    const w = this.words[this.at] as number;
    this.at = (this.at + 1) & (RANDOM_WORDS - 1);
    return w % n;
  }

  reset(): void {
    this.at = 0;
  }
}

function newOrder(qty: number): Order {
  const o = new Order();
  o.open = qty;
  return o;
}

function appendNew(queue: LevelQueue, live: LiveSet, qty: number): void {
  const o = newOrder(qty);
  queue.append(o);
  live.add(o);
}

function fillFront(queue: LevelQueue, live: LiveSet): void {
  const o = queue.popFront();
  if (o !== null) live.remove(o);
}

function cancelRandom(queue: LevelQueue, live: LiveSet, rnd: RandomTape): void {
  const o = live.orders[rnd.below(live.orders.length)] as Order;
  live.remove(o);
  queue.cancel(o);
}

function patterns(quick: boolean): Pattern[] {
  const list: Pattern[] = [
    {
      name: "append + fill from the front",
      depth: 1_000,
      opsPerIteration: BATCH,
      run(queue, live) {
        for (let i = 0; i < BATCH; i++) {
          appendNew(queue, live, 10);
          fillFront(queue, live);
        }
      },
    },
  ];
  for (const depth of quick ? [10, 1_000] : [10, 1_000, 100_000]) {
    list.push({
      name: "random cancel (+ append to keep depth)",
      depth,
      opsPerIteration: BATCH,
      run(queue, live, rnd) {
        for (let i = 0; i < BATCH; i++) {
          cancelRandom(queue, live, rnd);
          appendNew(queue, live, 10);
        }
      },
    });
  }
  list.push(
    {
      name: "mixed: 50% append, 25% cancel, 25% fill",
      depth: 1_000,
      opsPerIteration: BATCH,
      run(queue, live, rnd) {
        for (let i = 0; i < BATCH; i++) {
          const n = live.orders.length;
          const roll = rnd.below(4);
          if (n === 0 || (roll < 2 && n < 2_000)) appendNew(queue, live, 10);
          else if (roll === 2) cancelRandom(queue, live, rnd);
          else fillFront(queue, live);
        }
      },
    },
    {
      name: "walk the level (FOK check, snapshot), 30% cancelled",
      depth: 1_000,
      opsPerIteration: 1,
      run(queue) {
        if (queue.sumOpen() < 0) throw new Error("unreachable");
      },
    },
  );
  return list;
}

/** A level of `depth` live orders; for the walk pattern, with 30% of its orders then cancelled. */
function prepare(queue: LevelQueue, live: LiveSet, pattern: Pattern, rnd: RandomTape): void {
  const extra = pattern.opsPerIteration === 1 ? Math.round(pattern.depth / 0.7) - pattern.depth : 0;
  for (let i = 0; i < pattern.depth + extra; i++) appendNew(queue, live, 10);
  for (let i = 0; i < extra; i++) cancelRandom(queue, live, rnd);
}

interface Comparison {
  pattern: string;
  depth: number;
  intrusiveNs: number;
  denqueNs: number;
}

const VARIANTS: Record<string, () => LevelQueue> = {
  intrusive: () => new IntrusiveQueue(),
  denque: () => new DenqueQueue(),
};

/** ns per operation of each pattern for one variant, measured in this process. */
export async function measureVariant(variant: string, quick: boolean): Promise<number[]> {
  const make = VARIANTS[variant];
  if (make === undefined) throw new Error(`unknown level-queue variant ${variant}`);
  const out: number[] = [];
  for (const pattern of patterns(quick)) {
    let queue: LevelQueue = make();
    let live = new LiveSet();
    const rnd = new RandomTape(7);
    const [result] = await runTiny(
      [
        {
          name: queue.name,
          fn: () => pattern.run(queue, live, rnd),
          options: {
            beforeAll: () => {
              queue = make();
              live = new LiveSet();
              rnd.reset();
              prepare(queue, live, pattern, rnd);
            },
          },
        },
      ],
      { time: quick ? 100 : 400, iterations: 10, warmupIterations: 10 },
    );
    out.push(((result?.medianMs ?? Number.NaN) * 1e6) / pattern.opsPerIteration);
  }
  return out;
}

const run = promisify(execFile);
const SELF = fileURLToPath(import.meta.url);

/**
 * Each variant runs in its own process: in one process the shared pattern code would see both
 * queue classes, and whichever ran second would pay for the other's inline-cache history.
 */
async function measureInChild(variant: string, quick: boolean): Promise<number[]> {
  const args = [SELF, variant, ...(quick ? ["--quick"] : [])];
  const { stdout } = await run(process.execPath, args, { maxBuffer: 1 << 20 });
  return JSON.parse(stdout.trim().split("\n").pop() ?? "[]") as number[];
}

/** Rounds per variant, alternating; the best round counts (a busy machine only ever adds time). */
const ROUNDS = 2;

export async function measureLevelQueue(ctx: BenchContext): Promise<SuiteResult> {
  const list = patterns(ctx.quick);
  const best = (a: number[] | null, b: number[]): number[] =>
    a === null ? b : b.map((v, i) => Math.min(v, a[i] ?? Number.POSITIVE_INFINITY));
  let intrusive: number[] | null = null;
  let denque: number[] | null = null;
  const rounds = ctx.quick ? 1 : ROUNDS;
  for (let round = 1; round <= rounds; round++) {
    ctx.log(`level-queue: round ${round}/${rounds}, intrusive list then denque, ${list.length} patterns each`);
    intrusive = best(intrusive, await measureInChild("intrusive", ctx.quick));
    denque = best(denque, await measureInChild("denque", ctx.quick));
  }
  const results: Comparison[] = list.map((pattern, i) => ({
    pattern: pattern.name,
    depth: pattern.depth,
    intrusiveNs: intrusive?.[i] ?? Number.NaN,
    denqueNs: denque?.[i] ?? Number.NaN,
  }));
  const table: Table = {
    title:
      "Level queue: intrusive doubly-linked list (the engine's PriceLevel) vs denque with lazy deletion, time per operation",
    head: ["pattern", "depth", "intrusive list", "denque + lazy deletion", "faster"],
    rows: results.map((r) => [
      r.pattern,
      formatCount(r.depth),
      formatNs(r.intrusiveNs),
      formatNs(r.denqueNs),
      r.intrusiveNs <= r.denqueNs
        ? `intrusive, ${formatRatio(r.denqueNs, r.intrusiveNs)}`
        : `denque, ${formatRatio(r.intrusiveNs, r.denqueNs)}`,
    ]),
  };
  const intrusiveWins = results.filter((r) => r.intrusiveNs <= r.denqueNs).length;
  return {
    name: "level-queue",
    title: "Level queue: intrusive list vs denque (issue 2)",
    tables: [table],
    notes: [
      `Each variant runs in its own process, ${rounds} round(s) alternating; the best round is shown.`,
      "An operation in the append/cancel patterns is one pair (e.g. a cancel plus the append that keeps the depth); the walk is one pass over the level.",
      `Both variants queue the engine's Order records, freshly allocated, and draw the same pre-generated random numbers; compaction runs when dead entries exceed ${MIN_COMPACT} and the live ones.`,
      `The intrusive list is faster in ${intrusiveWins} of ${results.length} patterns.`,
    ],
    data: {
      batch: BATCH,
      results: results.map((r) => ({
        pattern: r.pattern,
        depth: r.depth,
        intrusiveNsPerOp: round(r.intrusiveNs),
        denqueNsPerOp: round(r.denqueNs),
        faster: r.intrusiveNs <= r.denqueNs ? "intrusive" : "denque",
      })),
    },
  };
}

export const levelQueueSuite: Suite = {
  name: "level-queue",
  title: "Level queue: intrusive list vs denque (issue 2)",
  inDefault: true,
  run: measureLevelQueue,
};

// Entry point of the child processes: node level-queue.bench.js intrusive|denque [--quick]
if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const [variant = "intrusive", flag] = process.argv.slice(2);
  const figures = await measureVariant(variant, flag === "--quick");
  process.stdout.write(`${JSON.stringify(figures)}\n`);
}
