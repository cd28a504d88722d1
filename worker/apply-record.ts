import type { MatchingEngine } from "../engine/engine.js";
import type { CommandDecoder } from "./wire/command-codec.js";
import { KIND_COMMAND, KIND_INTERN, KIND_INTERN_RESET, KIND_REJECT_LINE, KIND_TEXT } from "./wire/records.js";

/**
 * Applies one command-channel record to the engine: the worker's live path and recovery's replay
 * share it, so a journaled command does exactly what it did the first time. Returns true when the
 * record was a command (it has an index in the journal and a DONE marker).
 */
export function applyRecord(
  engine: MatchingEngine,
  decoder: CommandDecoder,
  f64: Float64Array,
  u16: Uint16Array,
  at: number,
  kind: number,
): boolean {
  switch (kind) {
    case KIND_COMMAND: {
      const cmd = decoder.command(f64, at);
      const code = decoder.code;
      if (code === null) engine.execute(cmd);
      else engine.rejectInvalid(cmd, code);
      return true;
    }
    case KIND_REJECT_LINE:
      decoder.rejectLine(f64, at);
      engine.rejectLine(decoder.lineReason, decoder.line, decoder.lineCommand, decoder.lineId);
      return true;
    case KIND_INTERN:
      decoder.intern.learn(f64, u16, at);
      return false;
    case KIND_INTERN_RESET:
      decoder.intern.reset();
      return false;
    case KIND_TEXT:
      decoder.text(f64, u16, at);
      return false;
    default:
      throw new Error(`wire: unexpected record kind ${kind} on the command channel`);
  }
}

/** Whether a record of `kind` belongs in the journal. */
export function isJournaled(kind: number): boolean {
  return (
    kind === KIND_COMMAND ||
    kind === KIND_REJECT_LINE ||
    kind === KIND_INTERN ||
    kind === KIND_INTERN_RESET ||
    kind === KIND_TEXT
  );
}
