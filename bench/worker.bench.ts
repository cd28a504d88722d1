/**
 * The worker benchmark as a script of its own (quick before/after comparisons, profiling):
 *   node dist/bench/worker.bench.js [--commands N] [--seed S] [--rounds R] [--throughput-only] [--json]
 * `softliq bench --suite worker` runs the same measurement into the report.
 */
import { measureWorker, type WorkerBenchArgs } from "./worker-measure.js";

function parse(argv: readonly string[]): WorkerBenchArgs & { json: boolean } {
  const args = { commands: 200_000, seed: 1, json: false, rounds: 3, throughputOnly: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--json") args.json = true;
    else if (a === "--commands") args.commands = Number(argv[++i]);
    else if (a === "--seed") args.seed = Number(argv[++i]);
    else if (a === "--rounds") args.rounds = Number(argv[++i]);
    else if (a === "--throughput-only") args.throughputOnly = true;
  }
  return args;
}

async function main(): Promise<void> {
  const args = parse(process.argv.slice(2));
  const result = await measureWorker(args, (line) => {
    if (!args.json) process.stdout.write(`${line}\n`);
  });
  if (args.json) process.stdout.write(`${JSON.stringify(result)}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
