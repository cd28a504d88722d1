import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import {
  encodeFlow,
  HAS_PRICE,
  HAS_PROTECTION,
  HAS_QTY,
  KIND_CANCEL,
  KIND_LIMIT,
  KIND_MARKET,
  KIND_MODIFY,
  orderFlowOnly,
  POST_ONLY,
  RECORD_BYTES,
} from "../bench/native/flow-file.js";
import { buildDriver, LIQUIBOOK_ENV, NativeDriver } from "../bench/native/liquibook-peer.js";
import { engineRound, measureNative, outcomeOf } from "../bench/suites/native.js";
import type { Command } from "../protocol/commands.js";
import { generateFlow } from "../sim/flow-generator.js";

const quiet = { quick: true, flowSize: 1_000, log: () => {} };

describe("the native peer's flow file", () => {
  it("keeps only the order commands, without accounts and self-trade modes", () => {
    const flow: Command[] = [
      { type: "oracle", price: 100 },
      { type: "deposit", account: "a", amount: 10 },
      { type: "limit", id: 1, side: "buy", price: 99, qty: 2, account: "a", stp: "expire_both", ts: 5 },
      { type: "cancel", id: 1 },
    ];
    const orders = orderFlowOnly(flow);
    expect(orders).toEqual([
      { type: "limit", id: 1, side: "buy", price: 99, qty: 2, ts: 5 },
      { type: "cancel", id: 1 },
    ]);
    expect(Object.keys(orders[0] as object)).toEqual(["type", "id", "side", "price", "qty", "ts"]);
  });

  it("writes a header and one 40-byte record a command, fields where the driver reads them", () => {
    const buffer = encodeFlow([
      { type: "limit", id: 7, side: "sell", price: 101, qty: 3, tif: "FOK", postOnly: true },
      { type: "market", id: 8, side: "buy", qty: 5, protectionPpm: 5_000 },
      { type: "cancel", id: 7 },
      { type: "modify", id: 9, qty: 4, price: 102 },
    ]);
    expect(buffer.length).toBe(16 + 4 * RECORD_BYTES);
    expect(buffer.toString("latin1", 0, 8)).toBe("SLQFLOW1");
    expect(buffer.readBigUInt64LE(8)).toBe(4n);
    const record = (i: number): number[] => {
      const at = 16 + i * RECORD_BYTES;
      return [
        buffer.readUInt8(at),
        buffer.readUInt8(at + 1),
        buffer.readUInt8(at + 2),
        buffer.readUInt8(at + 3),
        buffer.readUInt32LE(at + 4),
        Number(buffer.readBigUInt64LE(at + 8)),
        Number(buffer.readBigUInt64LE(at + 16)),
        Number(buffer.readBigUInt64LE(at + 24)),
      ];
    };
    expect(record(0)).toEqual([KIND_LIMIT, 1, 2, POST_ONLY, 0, 7, 101, 3]);
    expect(record(1)).toEqual([KIND_MARKET, 0, 0, HAS_PROTECTION, 5_000, 8, 0, 5]);
    expect(record(2)).toEqual([KIND_CANCEL, 0, 0, 0, 0, 7, 0, 0]);
    expect(record(3)).toEqual([KIND_MODIFY, 0, 0, HAS_QTY | HAS_PRICE, 0, 9, 102, 4]);
  });

  it("refuses what the native book cannot run rather than dropping it", () => {
    expect(() => encodeFlow([{ type: "limit", id: "a", side: "buy", price: 1, qty: 1 }])).toThrow(/integer ids/);
    expect(() => encodeFlow([{ type: "limit", id: 1, side: "buy", price: 1, qty: 1, account: "a" }])).toThrow(
      /no accounts/,
    );
    expect(() => encodeFlow([{ type: "tick", ts: 1 }])).toThrow(/no tick command/);
  });
});

describe("the native suite", () => {
  it("is skipped with the reason when no Liquibook source is named", async () => {
    expect(buildDriver(undefined)).toMatchObject({ status: "skipped", reason: expect.stringContaining(LIQUIBOOK_ENV) });
    const missing = mkdtempSync(join(tmpdir(), "softliq-no-liquibook-"));
    try {
      expect(buildDriver(missing)).toMatchObject({
        status: "skipped",
        reason: expect.stringContaining("order_book.h"),
      });
      const result = await measureNative(quiet, missing);
      expect(result.data).toMatchObject({ status: "skipped" });
      expect(result.notes[0]).toMatch(/^Skipped: /);
    } finally {
      rmSync(missing, { recursive: true, force: true });
    }
  });

  it("reports the engine's final book as its depth reads", () => {
    const flow = orderFlowOnly(generateFlow({ commands: 5_000, seed: 3 }));
    const round = engineRound(flow);
    expect(round.bids.orders + round.asks.orders).toBeGreaterThan(0);
    expect(round.fills).toBeGreaterThan(0);
    expect(outcomeOf(engineRound(flow))).toBe(outcomeOf(round));
  });

  // Runs only where Liquibook's source is named (it compiles the driver with -O3: seconds).
  it.skipIf(!process.env[LIQUIBOOK_ENV])(
    "drives Liquibook to the same book and trades as the engine",
    async () => {
      const build = buildDriver(process.env[LIQUIBOOK_ENV]);
      expect(build.status).toBe("built");
      if (build.status !== "built") return;
      const flow = orderFlowOnly(generateFlow({ commands: 20_000, seed: 11 }));
      const dir = mkdtempSync(join(tmpdir(), "softliq-native-test-"));
      const file = join(dir, "flow.bin");
      writeFileSync(file, encodeFlow(flow));
      const driver = new NativeDriver(build.binary, file);
      try {
        expect(outcomeOf(await driver.round())).toBe(outcomeOf(engineRound(flow)));
      } finally {
        await driver.close();
        rmSync(dir, { recursive: true, force: true });
      }
    },
    120_000,
  );
});
