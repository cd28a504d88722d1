/** `softliq schema`: the JSON Schema of the order-flow commands (protocol/command-schema.ts). */
import { commandSchema } from "../protocol/command-schema.js";
import { type ParsedArgs, UsageError } from "./args.js";
import type { CommandSpec } from "./command-spec.js";

export const SCHEMA_COMMAND: CommandSpec = {
  name: "schema",
  usage: "softliq schema",
  what: "Prints the JSON Schema (draft 2020-12) of the order-flow commands: each type, its fields, their ranges. The package ships it as softliq/commands.schema.json.",
  flags: [],
  run: runSchema,
};

async function runSchema(args: ParsedArgs): Promise<number> {
  if (args.positionals.length > 0) throw new UsageError("schema takes no arguments");
  process.stdout.write(`${JSON.stringify(commandSchema(), null, 2)}\n`);
  return 0;
}
