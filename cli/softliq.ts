#!/usr/bin/env node
import { UsageError } from "./args.js";
import { BENCH_USAGE, runBench } from "./bench.js";
import { DEMO_USAGE, runDemo } from "./demo.js";
import { describeFailure, EXIT_INTERNAL } from "./exit-codes.js";
import { FIDELITY_USAGE, runFidelity } from "./fidelity.js";
import { GENERATE_USAGE, runGenerate } from "./generate.js";
import { helpText, version } from "./help.js";
import { IMPORT_USAGE, runImport } from "./import.js";
import { RECOVER_USAGE, runRecover } from "./recover.js";
import { REPLAY_USAGE, runReplay } from "./replay.js";
import { runSchema, SCHEMA_USAGE } from "./schema.js";
import { runSimulate, SIMULATE_USAGE } from "./simulate.js";

const USAGE = `usage (softliq NAME --help for a command's flags, softliq --version):
  ${REPLAY_USAGE}
  ${GENERATE_USAGE}
  ${IMPORT_USAGE}
  ${FIDELITY_USAGE}
  ${BENCH_USAGE}
  ${RECOVER_USAGE}
  ${SIMULATE_USAGE}
  ${SCHEMA_USAGE}
  ${DEMO_USAGE}`;

const usages: Record<string, string> = {
  replay: REPLAY_USAGE,
  generate: GENERATE_USAGE,
  import: IMPORT_USAGE,
  fidelity: FIDELITY_USAGE,
  bench: BENCH_USAGE,
  recover: RECOVER_USAGE,
  simulate: SIMULATE_USAGE,
  schema: SCHEMA_USAGE,
  demo: DEMO_USAGE,
};

const commands: Record<string, (argv: readonly string[]) => Promise<number>> = {
  replay: runReplay,
  generate: runGenerate,
  import: runImport,
  fidelity: runFidelity,
  bench: runBench,
  recover: runRecover,
  simulate: runSimulate,
  schema: runSchema,
  demo: runDemo,
};

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  if (name === "--version" || name === "-V") {
    process.stdout.write(`softliq ${version()}\n`);
    return 0;
  }
  const run = commands[name];
  if (run === undefined) {
    process.stderr.write(
      `softliq: unknown command "${name}" (commands: ${Object.keys(commands).join(", ")}; softliq --help)\n`,
    );
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(helpText(name, usages[name] as string));
    return 0;
  }
  try {
    return await run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`softliq ${name}: ${err.message} (softliq ${name} --help)\n`);
      return 2;
    }
    throw err;
  }
}

// A reader that stops early (`softliq replay … | head`) is not an error of ours.
process.stdout.on("error", (err: NodeJS.ErrnoException) => {
  if (err.code === "EPIPE") process.exit(process.exitCode ?? 0);
  throw err;
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === "EPIPE") return; // an output pipe closed early
    const failure = describeFailure(err);
    if (failure !== null) {
      process.stderr.write(`softliq: ${failure.message}\n`);
      process.exitCode = failure.code;
      return;
    }
    process.stderr.write(
      `softliq: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = EXIT_INTERNAL;
  },
);
