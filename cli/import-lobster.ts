/** `softliq import lobster`: a LOBSTER day → a softliq flow file, with the importer's counts. */
import cliProgress from "cli-progress";
import { type ImportResult, importLobster } from "../lobster/import-stream.js";
import type { ImportCounts } from "../lobster/importer.js";
import { closeLobster, LOBSTER_DAY_COMMENT, openLobster } from "../lobster/sources.js";
import type { Command } from "../protocol/commands.js";
import { formatOf } from "../protocol/flow-reader.js";
import { commandToCsv, commandToJsonl, csvHeader } from "../protocol/flow-writer.js";
import { BufferedOutput } from "../worker/output-file.js";
import { type ParsedArgs, stringFlag, UsageError } from "./args.js";

/** `args`: the import command's, with the format ("lobster") taken off the positionals. */
export async function runImportLobster(args: ParsedArgs): Promise<number> {
  const out = stringFlag(args, "out");
  if (out === undefined) throw new UsageError("import lobster needs -o OUT.jsonl");
  if (args.positionals.length === 0 || args.positionals.length > 2) {
    throw new UsageError("import lobster takes FILE.zip, or MESSAGE.csv [ORDERBOOK.csv]");
  }
  let source: Awaited<ReturnType<typeof openLobster>>;
  try {
    source = await openLobster(args.positionals);
  } catch (err) {
    process.stderr.write(`softliq: cannot read ${args.positionals.join(" ")}: ${(err as Error).message}\n`);
    return 2;
  }
  const csv = formatOf(out) === "csv";
  const output = new BufferedOutput(out);
  if (csv) output.writeLine(csvHeader());
  output.writeLine(`# softliq import lobster ${args.positionals.join(" ")}`);
  output.writeLine("# prices: dollars x 10000, sizes: shares, ts: ns after midnight");
  // Names the day, so that fidelity can refuse to score this flow against another day's files.
  if (source.day !== null) output.writeLine(`${LOBSTER_DAY_COMMENT}${source.day}`);
  const sink = {
    comment: (text: string) => output.writeLine(text),
    command: (c: Command) => output.writeLine(csv ? commandToCsv(c) : commandToJsonl(c)),
  };
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        { format: "import [{bar}] {percentage}% | {value}/{total} bytes | {eta}s", stream: process.stderr },
        cliProgress.Presets.shades_classic,
      )
    : null;
  bar?.start(source.messageBytes, 0);
  const started = process.hrtime.bigint();
  let result: ImportResult | null = null;
  let failure: string | null = null;
  try {
    result = await importLobster(source.messages, source.orderbook, sink, {
      hold: !args.flags.has("no-hold"),
      async onProgress(bytes) {
        bar?.update(bytes);
        await output.maybeFlush();
      },
    });
  } catch (err) {
    failure = (err as Error).message;
  }
  bar?.update(source.messageBytes);
  bar?.stop();
  closeLobster(source);
  await output.close();
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (failure !== null) {
    process.stderr.write(`softliq: ${source.label}: ${failure}\n`);
    return 1;
  }
  const { counts, levels } = result as ImportResult;
  const summary = { file: source.label, out, levels, ...counts, elapsedMs: Math.round(elapsedMs) };
  if (args.flags.has("json")) process.stdout.write(`${JSON.stringify(summary)}\n`);
  else process.stdout.write(describeCounts(source.label, out, levels, counts, elapsedMs));
  return 0;
}

function describeCounts(file: string, out: string, levels: number, c: ImportCounts, elapsedMs: number): string {
  return [
    `imported ${c.messages} messages from ${file} (${levels === 0 ? "no orderbook" : `${levels} levels`}) into ${c.commands} commands in ${out} (${elapsedMs.toFixed(0)} ms)`,
    `  submissions ${c.submissions}, cancellations ${c.cancellations}, deletions ${c.deletions}`,
    `  executions ${c.executions} in ${c.executionRuns} runs (one IOC each); skipped: hidden ${c.hiddenExecutions}, halts ${c.halts}`,
    `  messages naming an order not in the book: ${c.unknownOrderMessages} (${c.unknownQtyFromSynthetic} shares taken from synthetic orders)`,
    `  partial cancellations of the whole open quantity: ${c.overCancellations}; duplicate submissions: ${c.duplicateSubmissions}`,
    `  opening book: ${c.openingOrders} synthetic orders, ${c.openingQty} shares`,
    `  held to the snapshot after ${c.heldMessages} messages: added ${c.addedOrders} synthetic orders (${c.addedQty} shares);` +
      ` removed ${c.removedOrders} orders (${c.removedLobsterOrders} LOBSTER ones), reduced ${c.reducedOrders}, ${c.removedQty} shares in all`,
    "",
  ].join("\n");
}
