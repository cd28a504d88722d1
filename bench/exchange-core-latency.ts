/**
 * exchange-core's published latency table ("Single order book configuration", README of
 * github.com/exchange-core/exchange-core), quoted beside ours. Their set-up: Intel Xeon X5690
 * (2011), Java 8, one symbol, 3M messages (9% GTC, 3% IOC, 6% cancel, 82% move), ~1,000 active
 * orders on ~750 price slots, constant arrival interval, no coordinated omission.
 */
export interface PublishedRow {
  rate: number;
  p50: number;
  p90: number;
  p95: number;
  p99: number;
  p999: number;
  p9999: number;
  max: number;
}

const us = 1_000; // the table is in µs; ours in ns

export const EXCHANGE_CORE_SOURCE =
  "exchange-core README, 'Single order book configuration' (Intel Xeon X5690, Java 8; 82% move, 9% GTC, 3% IOC, 6% cancel; ~1k active orders)";

export const EXCHANGE_CORE_LATENCY: readonly PublishedRow[] = [
  {
    rate: 125_000,
    p50: 0.6 * us,
    p90: 0.9 * us,
    p95: 1.0 * us,
    p99: 1.4 * us,
    p999: 4 * us,
    p9999: 24 * us,
    max: 41 * us,
  },
  {
    rate: 250_000,
    p50: 0.6 * us,
    p90: 0.9 * us,
    p95: 1.0 * us,
    p99: 1.4 * us,
    p999: 9 * us,
    p9999: 27 * us,
    max: 41 * us,
  },
  {
    rate: 500_000,
    p50: 0.6 * us,
    p90: 0.9 * us,
    p95: 1.0 * us,
    p99: 1.6 * us,
    p999: 14 * us,
    p9999: 29 * us,
    max: 42 * us,
  },
  {
    rate: 1_000_000,
    p50: 0.5 * us,
    p90: 0.9 * us,
    p95: 1.2 * us,
    p99: 4 * us,
    p999: 22 * us,
    p9999: 31 * us,
    max: 45 * us,
  },
  {
    rate: 2_000_000,
    p50: 0.5 * us,
    p90: 1.2 * us,
    p95: 3.9 * us,
    p99: 10 * us,
    p999: 30 * us,
    p9999: 39 * us,
    max: 60 * us,
  },
  {
    rate: 3_000_000,
    p50: 0.7 * us,
    p90: 3.6 * us,
    p95: 6.2 * us,
    p99: 15 * us,
    p999: 36 * us,
    p9999: 45 * us,
    max: 60 * us,
  },
  {
    rate: 4_000_000,
    p50: 1.0 * us,
    p90: 6.0 * us,
    p95: 9 * us,
    p99: 25 * us,
    p999: 45 * us,
    p9999: 55 * us,
    max: 70 * us,
  },
  {
    rate: 5_000_000,
    p50: 1.5 * us,
    p90: 9.5 * us,
    p95: 16 * us,
    p99: 42 * us,
    p999: 150 * us,
    p9999: 170 * us,
    max: 190 * us,
  },
];
