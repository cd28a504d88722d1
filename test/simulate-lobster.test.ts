/**
 * `softliq simulate --scenario lobster`: one large breached position liquidated into a real NASDAQ
 * day. The LOBSTER sample days are read in place from ../shared/data/lobster beside the clone (CI
 * has them there): when they are missing these tests fail and say so, rather than pass unseen.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { EngineEvent } from "../protocol/events.js";
import { type LobsterDay, readLobsterDay } from "../sim/lobster-day.js";
import {
  DEFAULT_HEALTH_PPM,
  defaultQty,
  type LobsterSetup,
  ORACLE_INTERVAL_NS,
  runLobsterSide,
} from "../sim/lobster-run.js";
import { SIM_MODES } from "../sim/run.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = join(ROOT, "dist", "cli", "softliq.js");
const DATA = fileURLToPath(new URL("../../shared/data/lobster/", import.meta.url));
const GOOG = `${DATA}LOBSTER_SampleFile_GOOG_2012-06-21_1.zip`;
const dir = mkdtempSync(join(tmpdir(), "softliq-lobster-sim-"));
/** Ten minutes after the breach keep the runs short; every policy but dydx is done by then. */
const WINDOW_MIN = 10;

afterAll(() => rmSync(dir, { recursive: true, force: true }));

function softliq(args: string[]) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function lastJson(stdout: string): Record<string, unknown> {
  return JSON.parse(stdout.trim().split("\n").at(-1) as string);
}

let day: LobsterDay;
let setup: LobsterSetup;

beforeAll(async () => {
  if (!existsSync(GOOG))
    throw new Error(
      `LOBSTER sample data not found: ${GOOG} (the tests read ../shared/data/lobster beside the repository, as CI has it)`,
    );
  day = await readLobsterDay([GOOG]);
  setup = {
    atNs: 37_800_000_000_000, // 10:30
    side: "long",
    qty: defaultQty(day),
    healthPpm: DEFAULT_HEALTH_PPM,
    windowNs: WINDOW_MIN * 60_000_000_000,
    oracleIntervalNs: ORACLE_INTERVAL_NS,
  };
});

describe("the lobster scenario: a breached position liquidated into GOOG's real flow (2012-06-21, level 1)", () => {
  it("sizes the position at 2% of the day's volume in round lots and breaches it at 90% health at the real mid", () => {
    expect(setup.qty).toBeGreaterThan(1_000);
    expect(setup.qty % 100).toBe(0);
    const soft = runLobsterSide(day, setup, "soft");
    expect(soft.healthAtBreachPpm).toBeLessThan(1_000_000);
    expect(soft.healthAtBreachPpm).toBeGreaterThan(880_000);
    expect(soft.lotsClosed).toBeGreaterThan(0);
  });

  it("gives the same result for the same day and setup, mode by mode", () => {
    for (const mode of SIM_MODES) expect(runLobsterSide(day, setup, mode)).toEqual(runLobsterSide(day, setup, mode));
  });

  it("pays a smaller implementation shortfall per share against the arrival mid with soft than with hard", () => {
    const soft = runLobsterSide(day, setup, "soft");
    const hard = runLobsterSide(day, setup, "hard");
    expect(hard.childOrders).toBe(1);
    expect(soft.childOrders).toBeGreaterThan(1);
    expect(soft.shortfallPpm).toBeLessThanOrEqual(hard.shortfallPpm);
    expect(soft.badDebt).toBe(0);
  });

  it("conserves shares: the book's in and out, and the position's closed and left", () => {
    for (const side of ["long", "short"] as const) {
      for (const mode of ["soft", "hard", "dydx"] as const) {
        let placed = 0;
        let filled = 0;
        let liquidationFilled = 0;
        let cancelled = 0;
        let decreased = 0;
        const onEvent = (e: EngineEvent): void => {
          if (e.type === "accepted" && e.command === "limit") placed += e.qty ?? 0;
          else if (e.type === "liquidation_order") placed += e.qty;
          else if (e.type === "fill") {
            filled += e.qty;
            if (e.liquidation) liquidationFilled += e.qty;
          } else if (e.type === "cancelled") cancelled += e.remaining;
          else if (e.type === "modified") decreased += e.prevQty - e.qty;
        };
        const r = runLobsterSide(day, { ...setup, side }, mode, { onEvent });
        // Every fill takes its quantity from a maker and a taker.
        expect(placed, `${side} ${mode}`).toBe(2 * filled + cancelled + decreased + r.restingQty);
        expect(r.lotsClosed + r.lotsLeft).toBe(setup.qty);
        expect(liquidationFilled + r.backstopQty + r.adlQty).toBe(r.lotsClosed);
      }
    }
  });

  it("skips and counts NASDAQ's messages naming orders the liquidation filled; none without a liquidation", () => {
    const off = runLobsterSide(day, setup, "off");
    expect(off.lotsClosed).toBe(0);
    expect(off.stale).toEqual({
      skippedMessages: 0,
      skippedFilledByLiquidation: 0,
      resizedMessages: 0,
      skippedHoldCommands: 0,
      realTakerUnfilled: 0,
    });
    const soft = runLobsterSide(day, setup, "soft");
    expect(soft.stale.skippedMessages).toBeGreaterThan(0);
    expect(soft.stale.skippedFilledByLiquidation).toBeGreaterThan(0);
    expect(soft.stale.skippedFilledByLiquidation).toBeLessThanOrEqual(soft.stale.skippedMessages);
  });

  it("softliq simulate --scenario lobster --json: the setup and one key per mode, the same bytes twice", () => {
    const args = ["simulate", "--scenario", "lobster", "--lobster", GOOG, "--mode", "both"];
    const once = softliq([...args, "--window", String(WINDOW_MIN), "--json"]);
    expect(once.code, once.stderr).toBe(0);
    const again = softliq([...args, "--window", String(WINDOW_MIN), "--json"]);
    expect(again.stdout).toBe(once.stdout);
    const summary = lastJson(once.stdout);
    expect(Object.keys(summary)).toEqual(["scenario", "seed", "lobster", "hard", "soft"]);
    const soft = summary.soft as Record<string, unknown>;
    for (const key of [
      "accountsLiquidated",
      "accountsTouched",
      "badDebt",
      "maxDrawdownPpm",
      "liquidationSlippagePpm",
      "equityRetained",
      "adlQty",
      "backstopQty",
      "shortfallPpm",
      "lotsClosed",
      "lotsLeft",
      "stale",
    ])
      expect(soft).toHaveProperty(key);
    expect((soft.stale as Record<string, number>).skippedMessages).toBeGreaterThan(0);
    expect((summary.lobster as Record<string, unknown>).day).toBe("GOOG 2012-06-21");
    const text = softliq([...args, "--window", "1"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain("NASDAQ messages skipped (order gone)");
    const list = lastJson(softliq(["simulate", "--list", "--json"]).stdout) as { scenarios: { name: string }[] };
    expect(list.scenarios.map((s) => s.name)).toContain("lobster");
  });

  it("refuses a missing, unreadable or corrupt --lobster with one line and exit 2", () => {
    const missing = softliq(["simulate", "--scenario", "lobster"]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain("--scenario lobster needs --lobster FILE.zip");
    const absent = softliq(["simulate", "--scenario", "lobster", "--lobster", join(dir, "nothing.zip")]);
    expect(absent.code).toBe(2);
    expect(absent.stderr).toMatch(/^softliq: cannot read .*nothing\.zip: .+\n$/);
    const corrupt = join(dir, "corrupt.zip");
    writeFileSync(corrupt, "PK\u0003\u0004 this is not a zip archive");
    const bad = softliq(["simulate", "--scenario", "lobster", "--lobster", corrupt]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^softliq: cannot read .*corrupt\.zip: .+\n$/);
    const badTime = softliq(["simulate", "--scenario", "lobster", "--lobster", GOOG, "--at", "25:00"]);
    expect(badTime.code).toBe(2);
    expect(badTime.stderr).toContain("--at is a time of day");
    const late = softliq(["simulate", "--scenario", "lobster", "--lobster", GOOG, "--at", "23:00"]);
    expect(late.code).toBe(2);
    expect(late.stderr).toContain("no message at or after 23:00");
    expect(softliq(["simulate", "--lobster", GOOG]).code).toBe(2);
  });
});
