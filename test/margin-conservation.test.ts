import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { Engine } from "../exchange.js";
import type { EngineEvent } from "../protocol/events.js";
import { marginedFlow, PREAMBLE } from "./margin-flows.js";

/**
 * The conservation invariant, exactly, after every command of flows in which every order carries
 * an account (so each lot bought is a lot sold between margined accounts and Σ unrealized PnL is
 * zero at any oracle price):
 *   Σ equity + fees collected + insurance fund = Σ accepted deposits − Σ accepted withdrawals.
 */
describe.each(["soft", "hard", "hyperliquid", "dydx", "drift", "off"] as const)(
  "money conservation, liquidation %s",
  (liquidation) => {
    it("keeps Σ equity + fees + insurance fund equal to net deposits after every command", () => {
      fc.assert(
        fc.property(marginedFlow(8), (commands) => {
          let net = 0;
          const engine = new Engine({
            liquidation,
            onEvent(e: EngineEvent) {
              if (e.type !== "accepted") return;
              if (e.command === "deposit") net += e.amount;
              else if (e.command === "withdraw") net -= e.amount;
            },
          });
          for (const c of PREAMBLE) engine.apply(c);
          for (const command of commands) {
            engine.apply(command);
            const report = engine.accounts();
            let equity = 0;
            for (const a of Object.values(report.accounts)) equity += a.equity;
            expect(equity + report.feesCollected + report.insuranceFund).toBe(net);
          }
        }),
        { numRuns: 150 },
      );
    });

    it("keeps net positions at zero per instrument when every order is margined", () => {
      fc.assert(
        fc.property(marginedFlow(8), (commands) => {
          const engine = new Engine({ liquidation });
          for (const c of [...PREAMBLE, ...commands]) engine.apply(c);
          const net: Record<string, number> = {};
          for (const a of Object.values(engine.accounts().accounts)) {
            for (const [symbol, p] of Object.entries(a.positions)) net[symbol] = (net[symbol] ?? 0) + p.qty;
          }
          for (const qty of Object.values(net)) expect(qty).toBe(0);
        }),
        { numRuns: 100 },
      );
    });
  },
);
