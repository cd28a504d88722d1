/**
 * `softliq NAME --help`: what each subcommand does and what each of its flags means. The synopsis
 * lines are the subcommands' own usage strings; the rest is here, one entry a command.
 */
import { readFileSync } from "node:fs";
import { EXIT_CANNOT_WRITE, EXIT_IN_USE, EXIT_INTERNAL, EXIT_OK, EXIT_STRICT, EXIT_UNREADABLE } from "./exit-codes.js";

interface CommandHelp {
  what: string;
  flags: [flag: string, meaning: string][];
  exits?: string;
}

const REPLAY_EXITS =
  `exit codes: ${EXIT_OK} done; ${EXIT_STRICT} --strict stopped at a bad line; ` +
  `${EXIT_UNREADABLE} usage error, a file that cannot be read, or a --journal DIR that already holds a journal; ` +
  `${EXIT_CANNOT_WRITE} an output or the journal cannot be written (no space, no permission, not a directory); ` +
  `${EXIT_IN_USE} the --journal DIR is in use by another writer; ${EXIT_INTERNAL} internal error`;

const RECOVER_EXITS =
  `exit codes: ${EXIT_OK} recovered; ` +
  `${EXIT_UNREADABLE} usage error, or a journal that cannot be recovered (damaged, a gap, a missing segment, another format or mode: nothing is changed); ` +
  `${EXIT_CANNOT_WRITE} --book cannot be written; ${EXIT_IN_USE} DIR is in use by a live writer; ${EXIT_INTERNAL} internal error`;

export const HELP: Record<string, CommandHelp> = {
  replay: {
    what: "Replays order-flow files (JSONL, CSV by extension; - for stdin) through the engine in its worker thread and prints a summary.",
    flags: [
      ["--events OUT.jsonl", "write every event as JSONL"],
      ["--book OUT.json", "write the final book, best level first"],
      ["--accounts OUT.json", "write every account (collateral, equity, health, positions) and the insurance fund"],
      [
        "--mode soft|hard|hyperliquid|dydx|drift|off",
        "the liquidation policy (default soft; the venue modes emulate those venues' published rules)",
      ],
      ["--in-process", "run the engine on the calling thread instead of a worker"],
      ["--json", "end with one JSON summary line (the contract's fields)"],
      ["--strict", "stop at the first bad line with exit 1 (default: report it and go on)"],
      [
        "--journal DIR",
        "journal every command to DIR (write-ahead), snapshots included; DIR must hold no journal yet, and takes one writer at a time (DIR/journal.lock); recover DIR rebuilds the state",
      ],
      ["--fsync batch|off|Nms", "when the journal is synced to disk (default batch)"],
      ["--snapshot-every N", "a snapshot every N commands in the journal"],
      ["--transport ring|message", "how commands reach the worker: shared-memory rings (default) or postMessage"],
      ["--parallel N", "replay several files at once, each in its own engine"],
    ],
    exits: REPLAY_EXITS,
  },
  generate: {
    what: "Writes a seeded synthetic order flow (the benchmarks' flow) as JSONL or CSV.",
    flags: [
      ["--commands N", "how many commands"],
      ["--seed S", "the seed: the same seed gives the same file"],
      ["-o, --out FILE", "the output, .jsonl or .csv"],
      ["--symbol SYM", "the instrument's symbol (default X)"],
      ["--no-ts", "leave out the commands' times"],
    ],
  },
  import: {
    what: "Converts a LOBSTER message file (with its order book file, or both in a zip) into an order-flow file.",
    flags: [
      ["-o, --out OUT.jsonl", "the output"],
      ["--no-hold", "do not hold the book to the order book file after each message (the messages alone)"],
      ["--json", "end with one JSON summary line"],
    ],
  },
  fidelity: {
    what: "Replays an imported LOBSTER flow and compares the engine's book with LOBSTER's order book file, level by level.",
    flags: [
      ["--examples N", "print up to N differing snapshots"],
      ["--json", "end with one JSON report line"],
    ],
  },
  bench: {
    what: "Runs the benchmark suites (tinybench and a latency harness) and prints a markdown report.",
    flags: [
      ["--suite NAME[,NAME…]", "only these suites"],
      ["--quick", "fewer rounds (a smoke run, not figures to quote)"],
      ["--json", "one JSON report instead of markdown"],
    ],
  },
  recover: {
    what: "Rebuilds the engine state from a journal directory (latest valid snapshot, then the commands after it) and prints its summary. It only reads: a torn last record is reported and left for the next writer; damage is refused.",
    flags: [
      ["--book OUT.json", "write the recovered book"],
      ["--json", "end with one JSON summary line"],
    ],
    exits: RECOVER_EXITS,
  },
  simulate: {
    what: "Plays the liquidation cascade simulation: the same market, accounts and shock once per liquidation mode, side by side.",
    flags: [
      ["--scenario NAME", "cascade (default), flash, thin, crowded or oct2025 (--list names them)"],
      ["--mode MODE", "both (hard and soft, the default), all (soft, hard, hyperliquid, dydx, drift) or one of them"],
      ["--list", "name the scenarios (with --json: one JSON line)"],
      ["--seed N", "the seed of the price path and the accounts (default 1)"],
      ["--json", "end with one JSON line: one key per mode"],
      ["--svg OUT.svg", "draw the run"],
      ["--flow OUT.jsonl", "write the commands as an order-flow file (replaying it gives the same run)"],
      [
        "--seeds N",
        "N seeds from --seed on, as tasks in a thread pool: medians, and on how many seeds soft did better",
      ],
      ["--parallel P", "threads for --seeds"],
    ],
  },
  demo: {
    what: "Replays a flow (the bundled cascade by default) twice, with the soft liquidator and with hard liquidation, and shows side by side what each did to the accounts and the market. npm start runs it.",
    flags: [["--json", "one JSON line: { file, soft, hard }"]],
  },
  schema: {
    what: "Prints the JSON Schema (draft 2020-12) of the order-flow commands: each type, its fields, their ranges. The package ships it as softliq/commands.schema.json.",
    flags: [],
  },
};

/** The help of one subcommand: synopsis, what it does, its flags. */
export function helpText(name: string, usage: string): string {
  const h = HELP[name];
  if (h === undefined) return `${usage}\n`;
  const width = Math.max(0, ...h.flags.map(([f]) => f.length));
  const flags = h.flags.map(([f, meaning]) => `  ${f.padEnd(width)}  ${meaning}`).join("\n");
  const flagText = flags === "" ? "" : `\n${flags}\n`;
  return `usage: ${usage}\n\n${h.what}\n${flagText}${h.exits === undefined ? "" : `\n${h.exits}\n`}`;
}

/** The package's version, read from its package.json (two folders above dist/cli). */
export function version(): string {
  const text = readFileSync(new URL("../../package.json", import.meta.url), "utf8");
  return (JSON.parse(text) as { version: string }).version;
}
