/**
 * One declaration per subcommand: its synopsis, what it does, its flags (with their defaults) and
 * its exit codes. The argv parser, the defaults and `softliq NAME --help` all come from it.
 */
import { type ParsedArgs, parseArgs } from "./args.js";

export interface FlagSpec {
  /** As the help shows it: "--events OUT.jsonl", "-o, --out FILE", "--json" (no value: a switch). */
  flag: string;
  help: string;
  /** What the command uses when the flag is not given (the help says it). */
  default?: string;
}

export interface CommandSpec {
  name: string;
  /** The synopsis (continuation lines indented under it). */
  usage: string;
  what: string;
  flags: readonly FlagSpec[];
  exits?: string;
  run(args: ParsedArgs): Promise<number>;
}

/** A flag's names, long name last ("-o, --out FILE" → o, out), and whether it takes a value. */
function namesOf(f: FlagSpec): { short: string | undefined; long: string; valued: boolean } {
  const words = f.flag.split(/,?\s+/);
  const names = words.filter((w) => w.startsWith("-"));
  const long = (names.find((n) => n.startsWith("--")) ?? (names[0] as string)).replace(/^-+/, "");
  const short = names.find((n) => /^-[^-]$/.test(n))?.slice(1);
  return { short, long, valued: words.length > names.length };
}

/** argv by the command's flags: unknown flags, a missing value or a value on a switch are UsageErrors. */
export function parseCommandArgs(spec: CommandSpec, argv: readonly string[]): ParsedArgs {
  const valued: { name: string; short?: string }[] = [];
  const switches: { name: string; short?: string }[] = [];
  const defaults = new Map<string, string>();
  for (const f of spec.flags) {
    const { short, long, valued: takesValue } = namesOf(f);
    (takesValue ? valued : switches).push(short === undefined ? { name: long } : { name: long, short });
    if (f.default !== undefined) defaults.set(long, f.default);
  }
  return parseArgs(argv, valued, switches, defaults);
}

/** `softliq NAME --help`: synopsis, what it does, its flags with their defaults, exit codes. */
export function helpText(spec: CommandSpec): string {
  const width = Math.max(0, ...spec.flags.map((f) => f.flag.length));
  const lines = spec.flags.map((f) => {
    const help = f.default === undefined ? f.help : `${f.help} (default ${f.default})`;
    return `  ${f.flag.padEnd(width)}  ${help}`;
  });
  const flagText = lines.length === 0 ? "" : `\n${lines.join("\n")}\n`;
  return `usage: ${spec.usage}\n\n${spec.what}\n${flagText}${spec.exits === undefined ? "" : `\n${spec.exits}\n`}`;
}
