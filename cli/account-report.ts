/**
 * The per-account liquidation report of `replay` and `recover`: the accounts the liquidator worked
 * hardest (text summary), one account in full (`--account A`), every touched account as JSON
 * (`--liquidations OUT.json`).
 */
import type { AccountReport, AccountsReport } from "../liquidator/accounts-report.js";
import type { AccountLiquidation, LiquidationLedger } from "../liquidator/liquidation-ledger.js";

/** How many accounts the text summary lists before it only counts. */
export const LISTED_ACCOUNTS = 10;

/** `--account A` in JSON: the account's money and positions now and what the liquidator did to it. */
export interface AccountDetail {
  name: string;
  /** null: the account does not exist (never deposited, never traded). */
  state: AccountReport | null;
  /** null: the liquidator never touched it. */
  liquidation: AccountLiquidation | null;
}

export function accountDetail(name: string, accounts: AccountsReport, ledger: LiquidationLedger): AccountDetail {
  const state = Object.hasOwn(accounts.accounts, name) ? (accounts.accounts[name] as AccountReport) : null;
  return { name, state, liquidation: ledger.account(name) };
}

/** The `--liquidations` document: every touched account by name. */
export function liquidationsDocument(ledger: LiquidationLedger): string {
  return `${JSON.stringify({ accounts: ledger.report() })}\n`;
}

function health(ppm: number | null): string {
  return ppm === null ? "no position" : `${(ppm / 10_000).toFixed(1)}%`;
}

/** One line of what happened to an account: its stages, what was closed, taken and paid. */
function oneLine(name: string, a: AccountLiquidation): string {
  const parts = [
    `${a.liquidations} liquidation${a.liquidations === 1 ? "" : "s"}${a.preemptive > 0 ? ` (+${a.preemptive} pre-emptive)` : ""}, now ${a.stage}`,
  ];
  if (a.childOrders > 0) {
    parts.push(
      `${a.childOrders} child order${a.childOrders === 1 ? "" : "s"} closed ${a.closedQty} lots (${a.closedNotional} quote units), penalty ${a.penalties}`,
    );
  }
  if (a.adlQty > 0) parts.push(`auto-deleveraged ${a.adlQty} lots`);
  if (a.backstopQty > 0) parts.push(`backstops took ${a.backstopQty} lots`);
  if (a.adlTakenQty > 0) parts.push(`took ${a.adlTakenQty} lots by ADL`);
  if (a.backstopTakenQty > 0) parts.push(`took ${a.backstopTakenQty} lots as a backstop`);
  if (a.badDebt > 0) parts.push(`bad debt ${a.badDebt} (insurance paid ${a.insurancePaid})`);
  return `    ${name}: ${parts.join("; ")}\n`;
}

/** The text summary's section: the accounts most closed first, up to LISTED_ACCOUNTS. */
export function formatLiquidatedAccounts(ledger: LiquidationLedger, flag: string): string {
  if (ledger.size === 0) return "";
  const ranked = ledger.ranked();
  let out = `  accounts the liquidator touched: ${ranked.length} (most closed first)\n`;
  for (const [name, a] of ranked.slice(0, LISTED_ACCOUNTS)) out += oneLine(name, a);
  if (ranked.length > LISTED_ACCOUNTS) {
    out += `    … ${ranked.length - LISTED_ACCOUNTS} more: ${flag} OUT.json lists every one, --account A shows one\n`;
  }
  return out;
}

/** `--account A` as text: money and positions, then the liquidator's record, stage by stage. */
export function formatAccount(d: AccountDetail): string {
  let out = `account ${d.name}\n`;
  if (d.state === null && d.liquidation === null) return `${out}  no such account (it never deposited or traded)\n`;
  if (d.state === null) out += "  no such account now\n";
  else {
    const s = d.state;
    out += `  collateral ${s.collateral}, equity ${s.equity}, health ${health(s.healthPpm)}\n`;
    const held = Object.entries(s.positions);
    if (held.length === 0) out += "  no positions\n";
    for (const [symbol, p] of held) {
      out += `  ${symbol}: ${p.qty > 0 ? "long" : "short"} ${Math.abs(p.qty)} lots, entry notional ${p.entryNotional}\n`;
    }
  }
  const a = d.liquidation;
  if (a === null) return `${out}  the liquidator never touched it\n`;
  out += oneLine("liquidator", a).replace(/^ {4}/, "  ");
  if (a.lowestHealthPpm !== null) out += `  lowest health ${health(a.lowestHealthPpm)}\n`;
  for (const [symbol, s] of Object.entries(a.bySymbol)) {
    out += `  ${symbol}: closed ${s.closedQty} lots (${s.closedNotional} quote units), penalty ${s.penalties}, ADL ${s.adlQty}, backstops ${s.backstopQty}\n`;
  }
  for (const c of a.stages) out += `  ts ${c.ts}: ${c.stage} (health ${health(c.healthPpm)})\n`;
  return out;
}
