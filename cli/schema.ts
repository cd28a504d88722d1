/** `softliq schema`: the JSON Schema of the order-flow commands (protocol/command-schema.ts). */
import { commandSchema } from "../protocol/command-schema.js";
import { parseArgs } from "./args.js";

export const SCHEMA_USAGE = "softliq schema";

export async function runSchema(argv: readonly string[]): Promise<number> {
  parseArgs(argv, [], []);
  process.stdout.write(`${JSON.stringify(commandSchema(), null, 2)}\n`);
  return 0;
}
