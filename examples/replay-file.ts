/**
 * A flow file through the library: each line parsed and handed to `applyInput` (input of any shape
 * is validated; a bad line is a `rejected` event with its line number), then the accounts the
 * liquidator worked hardest. `node replay-file.js [FILE]`; the default is the package's bundled cascade.
 */
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";
import { Engine, LiquidationLedger } from "softliq";

const file = process.argv[2] ?? "node_modules/softliq/samples/cascade.jsonl";
const ledger = new LiquidationLedger();
let rejected = 0;
const engine = new Engine({
  onEvent(e) {
    ledger.observe(e);
    if (e.type === "rejected") rejected++;
  },
});

let line = 0;
for await (const text of createInterface({ input: createReadStream(file), crlfDelay: Infinity })) {
  line++;
  if (text.trim() === "" || text.startsWith("#")) continue;
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    input = text; // not JSON: the engine rejects it as MALFORMED_LINE, with its line
  }
  engine.applyInput(input, line);
}

console.log(`${line} lines, ${rejected} rejected, state ${engine.stateHash().slice(0, 16)}…`);
for (const [name, a] of ledger.ranked().slice(0, 3)) {
  console.log(
    `  ${name}: ${a.liquidations} liquidation(s), closed ${a.closedQty} lots, penalty ${a.penalties}, now ${a.stage}`,
  );
}
