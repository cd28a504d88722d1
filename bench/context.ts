import type { SuiteResult } from "./report.js";

/** What every suite gets from the runner. */
export interface BenchContext {
  /** The reduced run: smaller flows and books, fewer repetitions. */
  quick: boolean;
  /** Commands in the mixed flow (1M, or 100k with --quick). */
  flowSize: number;
  /** Progress for the person waiting (stderr); never part of the results. */
  log(message: string): void;
}

export interface Suite {
  name: string;
  title: string;
  /** Part of a plain `softliq bench` run; the others only run when named with --suite. */
  inDefault: boolean;
  run(ctx: BenchContext): Promise<SuiteResult>;
}
