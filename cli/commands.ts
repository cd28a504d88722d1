/** The `softliq` subcommands: each module declares its own (CommandSpec), this lists them. */
import { BENCH_COMMAND } from "./bench.js";
import type { CommandSpec } from "./command-spec.js";
import { DEMO_COMMAND } from "./demo.js";
import { EVENTS_COMMAND } from "./events.js";
import { FIDELITY_COMMAND } from "./fidelity.js";
import { GENERATE_COMMAND } from "./generate.js";
import { IMPORT_COMMAND } from "./import.js";
import { RECOVER_COMMAND } from "./recover.js";
import { REPLAY_COMMAND } from "./replay.js";
import { SCHEMA_COMMAND } from "./schema.js";
import { SERVE_COMMAND } from "./serve.js";
import { SIMULATE_COMMAND } from "./simulate.js";
import { STATUS_COMMAND } from "./status.js";
import { SUBMIT_COMMAND } from "./submit.js";

/** Every subcommand, in the order the usage lists them. */
export const COMMANDS: readonly CommandSpec[] = [
  REPLAY_COMMAND,
  GENERATE_COMMAND,
  IMPORT_COMMAND,
  FIDELITY_COMMAND,
  BENCH_COMMAND,
  RECOVER_COMMAND,
  SIMULATE_COMMAND,
  SCHEMA_COMMAND,
  DEMO_COMMAND,
  SERVE_COMMAND,
  SUBMIT_COMMAND,
  EVENTS_COMMAND,
  STATUS_COMMAND,
];
