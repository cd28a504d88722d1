/**
 * A liquidation storm: one oracle move that breaches N accounts at once. `node
 * dist/bench/liquidation-storm.bench.js [N…]` (default 10000 100000).
 *
 * N accounts each long 10 at 1,000 (MM 5%) on 1,000–1,019 of collateral; a bid ladder of 200
 * levels from 950 down, N / 10 lots each (20 × N in all: the hard children can all fill), which
 * makers refill: every tick adds N / 40 lots at each of the 15 levels from 950 down (the soft
 * liquidator's default 0.5% bound below the oracle reaches the top 10 of them). The oracle falls to 945, where every account is in breach. Reported per mode: the time
 * of that one oracle command (every breach found and every first child sent, or deferred by the
 * market-wide cap), the time until every breached account has had a child (ticks one slice
 * interval apart, the makers' refills and the unrelated orders not timed), and the latency of
 * unrelated commands (orders on another instrument, ten after each tick, over at least 100 ticks)
 * while the storm is worked:
 * median, p99, max. Nothing
 * here may grow faster than N: the 100,000 row should cost about ten times the 10,000 row.
 */
import { Engine } from "../exchange.js";
import type { LiquidationMode } from "../liquidator/liquidation-params.js";
import type { EngineEvent } from "../protocol/events.js";

const TIERS = [{ maxNotional: 1e12, imrPpm: 100_000, mmrPpm: 50_000 }];
const INTERVAL = 1_000_000; // 1 ms of engine time between slices
/** Unrelated commands are timed over at least this many ticks, however soon every account is served. */
const MIN_TICKS = 100;
/** Unrelated orders a tick: 1,000 samples over the 100 ticks, so the p99 is not the largest one. */
const UNRELATED_PER_TICK = 10;

interface StormRow {
  accounts: number;
  mode: LiquidationMode;
  oracleMs: number;
  allServedMs: number;
  ticks: number;
  unrelatedMedianUs: number;
  unrelatedP99Us: number;
  unrelatedMaxUs: number;
}

function storm(n: number, mode: LiquidationMode): StormRow {
  const served = new Set<string>();
  const e = new Engine({
    liquidation: mode,
    onEvent(ev: EngineEvent) {
      if (ev.type === "liquidation_order" && ev.account !== null) served.add(ev.account);
    },
  });
  e.apply({ type: "instrument", symbol: "X", tiers: TIERS, liquidation: { sliceIntervalNs: INTERVAL } });
  e.apply({ type: "instrument", symbol: "Z" });
  e.apply({ type: "oracle", symbol: "X", price: 1000 });
  e.apply({ type: "oracle", symbol: "Z", price: 100 });
  e.apply({ type: "limit", id: "seller", symbol: "X", side: "sell", price: 1000, qty: 10 * n });
  for (let i = 0; i < n; i++) {
    e.apply({ type: "deposit", account: `a${i}`, amount: 1000 + (i % 20) });
    e.apply({ type: "limit", id: `b${i}`, symbol: "X", side: "buy", price: 1000, qty: 10, account: `a${i}` });
  }
  const perLevel = Math.max(1, Math.ceil(n / 10));
  for (let l = 0; l < 200; l++)
    e.apply({ type: "limit", id: `bid${l}`, symbol: "X", side: "buy", price: 950 - l, qty: perLevel });
  const refill = Math.max(1, Math.ceil(n / 40));
  let refills = 0;
  let t = process.hrtime.bigint();
  e.apply({ type: "oracle", symbol: "X", price: 945, ts: 1 });
  const oracleMs = Number(process.hrtime.bigint() - t) / 1e6;
  const latencies: number[] = [];
  let ts = 1;
  let ticks = 0;
  let id = 0;
  const start = process.hrtime.bigint();
  let allServedMs = Number.NaN;
  let refillNs = 0n;
  let unrelatedNs = 0n;
  let servedTicks = 0;
  while (ticks < 2_000) {
    ts += INTERVAL;
    e.apply({ type: "tick", ts });
    ticks++;
    const paused = process.hrtime.bigint();
    for (let l = 0; l < 15; l++)
      e.apply({ type: "limit", id: `r${++refills}`, symbol: "X", side: "buy", price: 950 - l, qty: refill, ts });
    refillNs += process.hrtime.bigint() - paused;
    for (let k = 0; k < UNRELATED_PER_TICK; k++) {
      t = process.hrtime.bigint();
      e.apply({
        type: "limit",
        id: `z${++id}`,
        symbol: "Z",
        side: id % 2 ? "buy" : "sell",
        price: 100 + (id % 3),
        qty: 1,
        ts,
      });
      const took = process.hrtime.bigint() - t;
      latencies.push(Number(took) / 1e3);
      unrelatedNs += took;
    }
    if (served.size >= n && Number.isNaN(allServedMs)) {
      allServedMs = oracleMs + Number(process.hrtime.bigint() - start - refillNs - unrelatedNs) / 1e6;
      servedTicks = ticks;
    }
    if (!Number.isNaN(allServedMs) && ticks >= MIN_TICKS) break;
  }
  latencies.sort((x, y) => x - y);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? 0;
  const round = (x: number): number => Math.round(x * 10) / 10;
  return {
    accounts: n,
    mode,
    oracleMs: round(oracleMs),
    allServedMs: round(allServedMs),
    ticks: servedTicks,
    unrelatedMedianUs: round(at(0.5)),
    unrelatedP99Us: round(at(0.99)),
    unrelatedMaxUs: round(latencies.at(-1) ?? 0),
  };
}

const sizes = process.argv
  .slice(2)
  .filter((a) => /^\d+$/.test(a))
  .map(Number);
const rows: StormRow[] = [];
for (const n of sizes.length > 0 ? sizes : [10_000, 100_000]) {
  for (const mode of ["soft", "hard", "hyperliquid", "dydx", "drift"] as const) rows.push(storm(n, mode));
}
if (process.argv.includes("--json")) process.stdout.write(`${JSON.stringify({ storm: rows })}\n`);
else {
  process.stdout.write(
    "accounts  mode         oracle ms  µs/account  all served ms (ticks)  unrelated µs median / p99 / max\n",
  );
  for (const r of rows) {
    process.stdout.write(
      `${String(r.accounts).padStart(8)}  ${r.mode.padEnd(11)}  ${String(r.oracleMs).padStart(9)}  ` +
        `${String(Math.round((r.allServedMs * 1000 * 10) / r.accounts) / 10).padStart(10)}  ` +
        `${String(r.allServedMs).padStart(13)} (${r.ticks})  ${r.unrelatedMedianUs} / ${r.unrelatedP99Us} / ${r.unrelatedMaxUs}\n`,
    );
  }
}
