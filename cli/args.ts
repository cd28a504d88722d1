/**
 * argv for a subcommand: `--flag`, `--key value`, `--key=value`, `-o value`, positionals (`-` is
 * one: stdin). Parsed by node:util's parseArgs in strict mode; its errors become one-line
 * UsageErrors that name the flag.
 */
import { parseArgs as parseArgv } from "node:util";

export interface ParsedArgs {
  positionals: string[];
  /** The flags given, by long name. */
  flags: Map<string, string | true>;
  /** What a flag not given stands for (the command's declared defaults). */
  defaults: Map<string, string>;
}

export class UsageError extends Error {}

/** A flag by its long name, with its one-letter form if it has one. */
export type FlagName = string | { name: string; short?: string };

type OptionSpec = { type: "string" | "boolean"; short?: string };

export function parseArgs(
  argv: readonly string[],
  valued: readonly FlagName[],
  booleans: readonly FlagName[],
  defaults: ReadonlyMap<string, string> = new Map(),
): ParsedArgs {
  const options: Record<string, OptionSpec> = {};
  const add = (flag: FlagName, type: OptionSpec["type"]): void => {
    const { name, short } = typeof flag === "string" ? { name: flag, short: undefined } : flag;
    options[name] = { type, ...(short !== undefined ? { short } : name.length === 1 ? { short: name } : {}) };
  };
  for (const f of valued) add(f, "string");
  for (const f of booleans) add(f, "boolean");
  let parsed: ReturnType<typeof parseArgv>;
  try {
    parsed = parseArgv({ args: [...argv], options, strict: true, allowPositionals: true });
  } catch (err) {
    throw usageErrorOf(err, argv);
  }
  const flags = new Map<string, string | true>();
  for (const [name, value] of Object.entries(parsed.values)) {
    if (typeof value === "string") flags.set(name, value);
    else if (value === true) flags.set(name, true);
  }
  return { positionals: parsed.positionals, flags, defaults: new Map(defaults) };
}

/** node:util's parse errors, said the way the rest of the CLI says them. */
function usageErrorOf(err: unknown, argv: readonly string[]): Error {
  const code = (err as { code?: string }).code;
  const message = (err as Error).message ?? String(err);
  // "Option '-o, --o <value>' argument missing": the flag as the user could have typed it.
  const flag = /'(-{1,2}[^' ,]+)/.exec(message)?.[1] ?? "";
  if (code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
    // The argument as given (--bogus=1 is reported as --bogus).
    const given = argv.find((a) => a === flag || a.startsWith(`${flag}=`)) ?? flag;
    return new UsageError(`unknown option ${given.split("=")[0]}`);
  }
  if (code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
    if (/does not take an argument/.test(message)) return new UsageError(`${flag} takes no value`);
    return new UsageError(`${flag} needs a value`);
  }
  return err instanceof Error ? err : new Error(message);
}

/** The flag's value as given, else its declared default, else undefined. */
export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === "string" ? v : args.defaults.get(name);
}

/** A non-negative integer flag: as given, else its declared default, else `fallback`. */
export function intFlag(args: ParsedArgs, name: string, fallback = 0): number {
  const v = stringFlag(args, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer`);
  return n;
}
