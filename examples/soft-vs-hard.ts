/**
 * One leveraged account, one oracle fall, two liquidators: the soft one closes what restores the
 * account's health, in paced slices, and the hard one closes everything at once. Run it with
 * `node examples/soft-vs-hard.js` after compiling, or read it as the README's model in code.
 */
import { type Command, Engine, LiquidationLedger, type LiquidationMode } from "softliq";

function market(): Command[] {
  const commands: Command[] = [
    // Maintenance margin 5% of notional, initial 10%, in one tier; the default slice pacing.
    { type: "instrument", symbol: "X", tiers: [{ maxNotional: 1_000_000_000, imrPpm: 100_000, mmrPpm: 50_000 }] },
    { type: "oracle", symbol: "X", price: 1_000, ts: 0 },
    { type: "deposit", account: "trader", amount: 12_000 },
    // A maker sells the trader 100 lots at 1,000: notional 100,000 on 12,000 of collateral (8.3x).
    { type: "limit", id: "ask", side: "sell", price: 1_000, qty: 100 },
    { type: "limit", id: "open", side: "buy", price: 1_000, qty: 100, account: "trader" },
  ];
  // Bids 20 lots a tick from 919 down, below where the oracle will fall: the depth a liquidation sells into.
  for (let i = 0; i < 20; i++) commands.push({ type: "limit", id: `bid${i}`, side: "buy", price: 919 - i, qty: 20 });
  return commands;
}

function run(mode: LiquidationMode): void {
  const ledger = new LiquidationLedger();
  const engine = new Engine({ liquidation: mode, onEvent: (e) => ledger.observe(e) });
  for (const c of market()) engine.apply(c);
  // The oracle falls to 920: equity 12,000 − 8,000 = 4,000 against a maintenance margin of 4,600
  // (5% of 92,000): health 87%, a breach. Soft aims back at 125%; hard closes all 100 lots.
  engine.apply({ type: "oracle", symbol: "X", price: 920, ts: 1_000_000 });
  // Time passes (100 ms a tick) so that paced slices can go.
  for (let t = 2; t <= 40; t++) engine.apply({ type: "tick", ts: t * 100_000_000 });
  const record = ledger.account("trader");
  const account = engine.accounts().accounts.trader;
  console.log(
    `${mode}: ${record?.childOrders ?? 0} child order(s) closed ${record?.closedQty ?? 0} lots, penalty ${record?.penalties ?? 0}`,
  );
  console.log(`  stages: ${record?.stages.map((s) => s.stage).join(" → ") ?? "none"}`);
  console.log(
    `  left: ${account?.positions.X?.qty ?? 0} lots, equity ${account?.equity}, best bid ${engine.depth("X").bids[0]?.[0]}`,
  );
}

run("soft");
run("hard");
