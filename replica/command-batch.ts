/**
 * One stream message, applied: its body is JSONL, one command a line exactly as in a flow file
 * (blank and `#` lines skipped), read by the flow reader's own line reader, so a line yields the
 * same command or the same rejection here as in `softliq replay`. `firstLine` (the message's
 * `Softliq-Line` header) numbers the lines as in the file they came from; 0 numbers none. Every
 * command is checked against the subject's publisher before it runs (permissions.ts).
 */
import type { Engine } from "../exchange.js";
import { MAX_LINE_BYTES } from "../io/line-reader.js";
import { CommandRecord, type CommandType, type OrderId } from "../protocol/commands.js";
import { type FlowHandler, readJsonlLine } from "../protocol/flow-reader.js";
import { RawCommand } from "../protocol/jsonl-scanner.js";
import type { RejectCode } from "../protocol/reject-codes.js";
import { readCommand } from "../protocol/validate.js";
import { isPermitted, type Publisher } from "./permissions.js";

/** Applies message bodies to one engine; the records are reused from message to message. */
export class BatchApplier implements FlowHandler {
  private readonly raw = new RawCommand();
  private readonly record = new CommandRecord();
  private publisher: Publisher = { kind: "none" };
  /** Events each command of the last message produced, in order (its commands' identities: index i). */
  readonly eventCounts: number[] = [];

  constructor(private readonly engine: Engine) {}

  /** Applies every line of `body`; returns the number of commands (lines that were not skipped). */
  apply(body: Uint8Array, firstLine: number, publisher: Publisher): number {
    this.publisher = publisher;
    this.eventCounts.length = 0;
    const buf = Buffer.isBuffer(body) ? body : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
    let lineNo = firstLine;
    let start = 0;
    while (start < buf.length) {
      let nl = buf.indexOf(10, start);
      if (nl === -1) nl = buf.length;
      const end = nl > start && buf[nl - 1] === 13 ? nl - 1 : nl;
      if (end - start > MAX_LINE_BYTES) this.malformed("MALFORMED_LINE", lineNo, "line longer than 1 MiB", null, null);
      else readJsonlLine(buf, start, end, lineNo, this.raw, this);
      start = nl + 1;
      if (firstLine > 0) lineNo++;
    }
    return this.eventCounts.length;
  }

  command(input: Record<string, unknown>, line: number): boolean {
    const engine = this.engine;
    const before = engine.seq;
    const cmd = this.record;
    const code = readCommand(input, cmd);
    cmd.line = line;
    if (code !== null) engine.rejectInvalid(cmd, code);
    else if (!isPermitted(this.publisher, cmd, engine)) engine.rejectInvalid(cmd, "FORBIDDEN");
    else engine.execute(cmd);
    this.eventCounts.push(engine.seq - before);
    return true;
  }

  malformed(
    reason: RejectCode,
    line: number,
    _detail: string,
    command: CommandType | null,
    id: OrderId | null,
  ): boolean {
    const before = this.engine.seq;
    this.engine.rejectLine(reason, line, command, id);
    this.eventCounts.push(this.engine.seq - before);
    return true;
  }
}
