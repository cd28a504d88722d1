/**
 * `softliq demo [FILE]` (what `npm start` runs): the bundled cascade flow replayed twice on the
 * same commands, once with the soft liquidator and once with hard liquidation, and what each did
 * to the accounts and the market, side by side. A newcomer's first look at what the project is
 * for; throughput is left to `softliq bench`, where it means something (a small file's replay
 * time is mostly start-up).
 */
import { fileURLToPath } from "node:url";
import type { LiquidationMode } from "../liquidator/liquidation-params.js";
import type { EngineEvent } from "../protocol/events.js";
import { formatOf } from "../protocol/flow-reader.js";
import { PPM } from "../protocol/units.js";
import { finalStateOf, replayFlow } from "../worker/replay-flow.js";
import { parseArgs, UsageError } from "./args.js";
import { openSource } from "./replay-source.js";

export const DEMO_USAGE = "softliq demo [FILE] [--json]";

const BUNDLED = fileURLToPath(new URL("../../samples/cascade.jsonl", import.meta.url));

interface Side {
  mode: LiquidationMode;
  commands: number;
  accounts: number;
  entered: number;
  childOrders: number;
  closedQty: number;
  penalties: number;
  badDebt: number;
  adl: number;
  stillInLiquidation: number;
  /** The deepest liquidation fill below (a sell) or above (a buy) the oracle, ppm of the oracle. */
  worstFillPpm: number;
  equityLeft: number;
  insuranceFund: number;
  firstOracle: number;
  lowestOracle: number;
  stateHash: string;
}

async function play(path: string, mode: LiquidationMode): Promise<Side | string> {
  const opened = await openSource(path);
  if (typeof opened === "string") return opened;
  let oracle = 0;
  let firstOracle = 0;
  let lowestOracle = 0;
  let worst = 0;
  const onEvent = (e: EngineEvent): void => {
    if (e.type === "accepted" && e.command === "oracle") {
      oracle = e.price;
      if (firstOracle === 0) firstOracle = e.price;
      lowestOracle = lowestOracle === 0 ? e.price : Math.min(lowestOracle, e.price);
    } else if (e.type === "fill" && e.liquidation && oracle > 0) {
      const away = e.side === "sell" ? oracle - e.price : e.price - oracle;
      worst = Math.max(worst, Math.floor((away * PPM) / oracle));
    }
  };
  const r = await replayFlow(opened.source, formatOf(path), { liquidation: mode, onEvent });
  const final = finalStateOf(r.engine);
  const l = r.liquidations;
  let equityLeft = 0;
  for (const a of Object.values(final.accounts.accounts)) equityLeft += a.equity;
  return {
    mode,
    commands: r.commands,
    accounts: Object.keys(final.accounts.accounts).length,
    entered: l.triggered,
    childOrders: l.childOrders,
    closedQty: l.closedQty,
    penalties: l.penalties,
    badDebt: l.badDebt,
    adl: l.adl,
    stillInLiquidation: l.stillInLiquidation,
    worstFillPpm: worst,
    equityLeft,
    insuranceFund: final.accounts.insuranceFund,
    firstOracle,
    lowestOracle,
    stateHash: final.stateHash,
  };
}

const ROWS: [label: string, key: keyof Side][] = [
  ["accounts that entered liquidation", "entered"],
  ["liquidation orders sent", "childOrders"],
  ["lots closed by the liquidator", "closedQty"],
  ["penalties paid (quote units)", "penalties"],
  ["bad debt (quote units)", "badDebt"],
  ["positions auto-deleveraged", "adl"],
  ["accounts still in liquidation at the end", "stillInLiquidation"],
  ["worst liquidation fill from the oracle (ppm)", "worstFillPpm"],
  ["equity left to all accounts (quote units)", "equityLeft"],
  ["insurance fund at the end", "insuranceFund"],
];

export async function runDemo(argv: readonly string[]): Promise<number> {
  const args = parseArgs(argv, [], ["json"]);
  if (args.positionals.length > 1) throw new UsageError("demo takes at most one flow file");
  const path = args.positionals[0] ?? BUNDLED;
  const soft = await play(path, "soft");
  const hard = typeof soft === "string" ? soft : await play(path, "hard");
  if (typeof soft === "string" || typeof hard === "string") {
    process.stderr.write(`softliq: ${typeof soft === "string" ? soft : hard}\n`);
    return 2;
  }
  if (args.flags.has("json")) {
    process.stdout.write(`${JSON.stringify({ file: path, soft, hard })}\n`);
    return 0;
  }
  const name = path === BUNDLED ? "the bundled cascade (samples/cascade.jsonl)" : path;
  const fall =
    soft.firstOracle > 0 ? Math.round(((soft.firstOracle - soft.lowestOracle) * 1000) / soft.firstOracle) / 10 : 0;
  let out =
    `${name}: ${soft.commands} commands, ${soft.accounts} margined accounts, the oracle falling ${fall}% ` +
    `(${soft.firstOracle} to ${soft.lowestOracle}) while market makers re-quote.\n` +
    "Replayed twice on the same commands: once with the soft liquidator, once closing every breached position at once.\n\n";
  out += `${"".padEnd(46)}${"soft".padStart(12)}${"hard".padStart(12)}\n`;
  for (const [label, key] of ROWS)
    out += `${label.padEnd(46)}${String(soft[key]).padStart(12)}${String(hard[key]).padStart(12)}\n`;
  const saved = soft.equityLeft - hard.equityLeft;
  out +=
    `\nSoft liquidation left the accounts ${saved >= 0 ? `${saved} quote units more` : `${-saved} quote units less`} equity ` +
    `than hard, trading at most ${soft.worstFillPpm} ppm from the oracle against ${hard.worstFillPpm}.\n` +
    `State hashes: soft ${soft.stateHash.slice(0, 16)}…, hard ${hard.stateHash.slice(0, 16)}… (the same commands give the same hash, in process or in the worker).\n\n` +
    "Next: softliq replay samples/cascade.jsonl --events events.jsonl (every event, the liquidator's among them), " +
    "softliq simulate --seeds 20 (the cascade scenarios, every policy), softliq bench (speed), softliq --help.\n";
  process.stdout.write(out);
  return 0;
}
