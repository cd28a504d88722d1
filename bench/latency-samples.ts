/**
 * Per-command latencies collected into preallocated typed arrays during a run (so recording costs
 * a store, not a histogram update, inside the measured loop) and summarized afterwards into one
 * HDR histogram per command category.
 */
import { build, type Histogram } from "hdr-histogram-js";
import { CATEGORY_NAMES } from "./flows.js";

export interface Percentiles {
  count: number;
  mean: number;
  p50: number;
  p90: number;
  p99: number;
  p999: number;
  p9999: number;
  max: number;
}

export const PERCENTILE_HEAD = ["p50", "p90", "p99", "p99.9", "p99.99", "max"];

export class LatencySamples {
  readonly ns: Float64Array;
  readonly category: Uint8Array;
  count = 0;

  constructor(capacity: number) {
    this.ns = new Float64Array(capacity);
    this.category = new Uint8Array(capacity);
  }

  /** All samples and each category that has any, keyed by name ("all" first). */
  summarize(): Record<string, Percentiles> {
    const all = newHistogram();
    const perCategory: Histogram[] = CATEGORY_NAMES.map(() => newHistogram());
    for (let i = 0; i < this.count; i++) {
      const v = Math.max(1, Math.round(this.ns[i] as number));
      all.recordValue(v);
      (perCategory[this.category[i] as number] as Histogram).recordValue(v);
    }
    const out: Record<string, Percentiles> = { all: percentilesOf(all) };
    CATEGORY_NAMES.forEach((name, i) => {
      const h = perCategory[i] as Histogram;
      if (h.totalCount > 0) out[name] = percentilesOf(h);
    });
    return out;
  }
}

function newHistogram(): Histogram {
  // ns from 1 to 60 s at 3 significant digits.
  return build({
    bitBucketSize: 32,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 60_000_000_000,
    numberOfSignificantValueDigits: 3,
    useWebAssembly: false,
  });
}

function percentilesOf(h: Histogram): Percentiles {
  return {
    count: h.totalCount,
    mean: h.mean,
    p50: h.getValueAtPercentile(50),
    p90: h.getValueAtPercentile(90),
    p99: h.getValueAtPercentile(99),
    p999: h.getValueAtPercentile(99.9),
    p9999: h.getValueAtPercentile(99.99),
    max: h.maxValue,
  };
}

export function percentileCells(p: Percentiles, format: (ns: number) => string): string[] {
  return [p.p50, p.p90, p.p99, p.p999, p.p9999, p.max].map(format);
}
