import type { BenchContext } from "../bench/context.js";
import { machineInfo, machineLine } from "../bench/machine.js";
import { type BenchReport, suiteToMarkdown } from "../bench/report.js";
import { SUITES } from "../bench/suites/index.js";
import { type ParsedArgs, stringFlag, UsageError } from "./args.js";
import type { CommandSpec } from "./command-spec.js";

export const BENCH_COMMAND: CommandSpec = {
  name: "bench",
  usage: "softliq bench [--json] [--quick] [--suite NAME[,NAME…]]",
  what: "Runs the benchmark suites (tinybench and a latency harness) and prints a markdown report.",
  flags: [
    { flag: "--suite NAME[,NAME…]", help: "only these suites" },
    { flag: "--quick", help: "fewer rounds (a smoke run, not figures to quote)" },
    { flag: "--json", help: "one JSON report instead of markdown" },
  ],
  run: runBench,
};

/**
 * `softliq bench`: runs the benchmark suites and prints a markdown report (or, with --json, one
 * JSON object as the last line of stdout). Progress goes to stderr.
 */
async function runBench(args: ParsedArgs): Promise<number> {
  if (args.positionals.length > 0) throw new UsageError(`bench takes no FILE (got ${args.positionals[0]})`);
  const known = SUITES.map((s) => s.name);
  const requested = stringFlag(args, "suite");
  const names = requested === undefined ? SUITES.filter((s) => s.inDefault).map((s) => s.name) : requested.split(",");
  for (const name of names) {
    if (!known.includes(name)) throw new UsageError(`unknown suite "${name}" (suites: ${known.join(", ")})`);
  }
  const json = args.flags.has("json");
  const quick = args.flags.has("quick");
  const machine = machineInfo();
  const ctx: BenchContext = {
    quick,
    flowSize: quick ? 100_000 : 1_000_000,
    log: (message) => process.stderr.write(`bench: ${message}\n`),
  };

  const started = performance.now();
  const report: BenchReport = {
    machine,
    quick,
    startedAt: new Date().toISOString(),
    elapsedMs: 0,
    suites: {},
  };
  if (!json) {
    process.stdout.write(`# softliq bench${quick ? " (--quick)" : ""}\n\n`);
    process.stdout.write(`Machine: ${machineLine(machine)}\n\n`);
  }
  for (const suite of SUITES.filter((s) => names.includes(s.name))) {
    ctx.log(`suite ${suite.name}: ${suite.title}`);
    const suiteStarted = performance.now();
    const result = await suite.run(ctx);
    ctx.log(`suite ${suite.name} done in ${((performance.now() - suiteStarted) / 1000).toFixed(1)} s`);
    report.suites[suite.name] = result.data;
    if (!json) process.stdout.write(`${suiteToMarkdown(result)}\n`);
  }
  report.elapsedMs = Math.round(performance.now() - started);
  if (json) process.stdout.write(`${JSON.stringify(report)}\n`);
  else process.stdout.write(`Total ${(report.elapsedMs / 1000).toFixed(1)} s. Figures: bench/README.md.\n`);
  return 0;
}
