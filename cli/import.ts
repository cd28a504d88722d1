/** `softliq import FORMAT …`: order flow from other sources into softliq flow files. */
import { type ParsedArgs, UsageError } from "./args.js";
import type { CommandSpec } from "./command-spec.js";
import { runImportLobster } from "./import-lobster.js";

const formats: Record<string, (args: ParsedArgs) => Promise<number>> = {
  lobster: runImportLobster,
};

export const IMPORT_COMMAND: CommandSpec = {
  name: "import",
  usage: "softliq import lobster MESSAGE.csv [ORDERBOOK.csv] | FILE.zip -o OUT.jsonl [--no-hold] [--json]",
  what: "Converts a LOBSTER message file (with its order book file, or both in a zip) into an order-flow file.",
  flags: [
    { flag: "-o, --out OUT.jsonl", help: "the output" },
    { flag: "--no-hold", help: "do not hold the book to the order book file after each message (the messages alone)" },
    { flag: "--json", help: "end with one JSON summary line" },
  ],
  run: runImport,
};

async function runImport(args: ParsedArgs): Promise<number> {
  const [format, ...rest] = args.positionals;
  const run = format === undefined || !Object.hasOwn(formats, format) ? undefined : formats[format];
  if (run === undefined) throw new UsageError(`import takes a format: ${Object.keys(formats).join(", ")}`);
  return run({ ...args, positionals: rest });
}
