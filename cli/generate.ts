import { once } from "node:events";
import { createWriteStream } from "node:fs";
import { FlowGenerator } from "../bench/flow-generator.js";
import { formatOf } from "../protocol/flow-reader.js";
import { commandToCsv, commandToJsonl, csvHeader } from "../protocol/flow-writer.js";
import { intFlag, parseArgs, stringFlag, UsageError } from "./args.js";
import { checkOutputFile } from "./output-check.js";

export const GENERATE_USAGE = "softliq generate --commands N --seed S -o FILE(.jsonl|.csv) [--symbol SYM]";

/** `softliq generate`: writes a seeded order flow; the same seed gives the same file. */
export async function runGenerate(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, ["commands", "seed", "o", "out", "symbol"], ["no-ts"]);
  const out = stringFlag(args, "o") ?? stringFlag(args, "out");
  if (out === undefined) throw new UsageError("generate needs -o FILE");
  checkOutputFile(out);
  const commands = intFlag(args, "commands", 100_000);
  const seed = intFlag(args, "seed", 1);
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
