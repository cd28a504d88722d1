#!/usr/bin/env node
import { UsageError } from "./args.js";
import { GENERATE_USAGE, runGenerate } from "./generate.js";
import { RECOVER_USAGE, runRecover } from "./recover.js";
import { REPLAY_USAGE, runReplay } from "./replay.js";

const USAGE = `usage:
  ${REPLAY_USAGE}
  ${GENERATE_USAGE}
  ${RECOVER_USAGE}`;

const commands: Record<string, (argv: readonly string[]) => Promise<number>> = {
  replay: runReplay,
  generate: runGenerate,
  recover: runRecover,
};

async function main(argv: readonly string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(`${USAGE}\n`);
    return name === undefined ? 2 : 0;
  }
  const run = commands[name];
  if (run === undefined) {
    process.stderr.write(`softliq: unknown command "${name}"\n${USAGE}\n`);
    return 2;
  }
  try {
    return await run(rest);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`softliq ${name}: ${err.message}\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(
      `softliq: internal error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exitCode = 70;
  },
);
