#!/usr/bin/env node
import { UsageError } from "./args.js";
import { helpText, parseCommandArgs } from "./command-spec.js";
import { COMMANDS } from "./commands.js";
import { describeFailure, EXIT_INTERNAL } from "./exit-codes.js";
import { version } from "./help.js";

const USAGE = `usage (softliq NAME --help for a command's flags, softliq --version):\n${COMMANDS.map((c) => `  ${c.usage}`).join("\n")}`;

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
  const spec = COMMANDS.find((c) => c.name === name);
  if (spec === undefined) {
    process.stderr.write(
      `softliq: unknown command "${name}" (commands: ${COMMANDS.map((c) => c.name).join(", ")}; softliq --help)\n`,
    );
    return 2;
  }
  if (rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(helpText(spec));
    return 0;
  }
  try {
    return await spec.run(parseCommandArgs(spec, rest));
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
