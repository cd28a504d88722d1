/**
 * argv for a subcommand: `--flag`, `--key value`, `--key=value`, `-o value`, positionals (`-` is
 * one: stdin). Parsed by node:util's parseArgs in strict mode; its errors become one-line
 * UsageErrors that name the flag.
 */
import { parseArgs as parseArgv } from "node:util";

export interface ParsedArgs {
  positionals: string[];
  flags: Map<string, string | true>;
}

export class UsageError extends Error {}

type OptionSpec = { type: "string" | "boolean"; short?: string };

export function parseArgs(argv: readonly string[], valued: readonly string[], booleans: readonly string[]): ParsedArgs {
  const options: Record<string, OptionSpec> = {};
  for (const name of valued) options[name] = name.length === 1 ? { type: "string", short: name } : { type: "string" };
  for (const name of booleans)
    options[name] = name.length === 1 ? { type: "boolean", short: name } : { type: "boolean" };
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
  return { positionals: parsed.positionals, flags };
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

export function stringFlag(args: ParsedArgs, name: string): string | undefined {
  const v = args.flags.get(name);
  return typeof v === "string" ? v : undefined;
}

export function intFlag(args: ParsedArgs, name: string, fallback: number): number {
  const v = stringFlag(args, name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer`);
  return n;
}
