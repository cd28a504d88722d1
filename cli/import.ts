/** `softliq import FORMAT …`: order flow from other sources into softliq flow files. */
import { UsageError } from "./args.js";
import { IMPORT_LOBSTER_USAGE, runImportLobster } from "./import-lobster.js";

export const IMPORT_USAGE = IMPORT_LOBSTER_USAGE;

const formats: Record<string, (argv: readonly string[]) => Promise<number>> = {
  lobster: runImportLobster,
};

export async function runImport(argv: readonly string[]): Promise<number> {
  const [format, ...rest] = argv;
  const run = format === undefined ? undefined : formats[format];
  if (run === undefined) throw new UsageError(`import takes a format: ${Object.keys(formats).join(", ")}`);
  return run(rest);
}
