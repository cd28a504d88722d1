import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { formatOf } from "../protocol/flow-reader.js";
import { commandToCsv, commandToJsonl, csvHeader } from "../protocol/flow-writer.js";
import { FlowGenerator } from "../sim/flow-generator.js";
import { intFlag, type ParsedArgs, stringFlag, UsageError } from "./args.js";
import type { CommandSpec } from "./command-spec.js";
import { checkOutputFile } from "./output-check.js";

export const GENERATE_COMMAND: CommandSpec = {
  name: "generate",
  usage: "softliq generate --commands N --seed S -o FILE(.jsonl|.csv) [--symbol SYM] [--no-ts]",
  what: "Writes a seeded synthetic order flow (the benchmarks' flow) as JSONL or CSV.",
  flags: [
    { flag: "--commands N", help: "how many commands", default: "100000" },
    { flag: "--seed S", help: "the seed: the same seed gives the same file", default: "1" },
    { flag: "-o, --out FILE", help: "the output, .jsonl or .csv (- for stdout)" },
    { flag: "--symbol SYM", help: "name this symbol in every command (default: none, the default instrument X)" },
    { flag: "--no-ts", help: "leave out the commands' times" },
  ],
  run: runGenerate,
};

/** `softliq generate`: writes a seeded order flow; the same seed gives the same file. */
async function runGenerate(args: ParsedArgs): Promise<number> {
  const out = stringFlag(args, "out");
  if (out === undefined) throw new UsageError("generate needs -o FILE");
  checkOutputFile(out);
  const commands = intFlag(args, "commands");
  const seed = intFlag(args, "seed");
  const symbol = stringFlag(args, "symbol");
  const generator = new FlowGenerator({
    commands,
    seed,
    timestamps: !args.flags.has("no-ts"),
    ...(symbol ? { symbol } : {}),
  });
  const csv = formatOf(out) === "csv";
  const stream = out === "-" ? process.stdout : createWriteStream(out);
  let buffer = csv ? `${csvHeader()}\n` : "";
  for (const command of generator) {
    buffer += `${csv ? commandToCsv(command) : commandToJsonl(command)}\n`;
    if (buffer.length > 1 << 16) {
      if (!stream.write(buffer)) await once(stream, "drain");
      buffer = "";
    }
  }
  stream.write(buffer);
  if (stream !== process.stdout) {
    stream.end();
    await once(stream, "finish");
    process.stderr.write(`wrote ${commands} commands (seed ${seed}) to ${out}\n`);
  }
  return 0;
}
