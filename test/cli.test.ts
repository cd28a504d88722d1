import { execFileSync, spawnSync } from "node:child_process";
import { createReadStream, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { eventToJson } from "../protocol/events.js";
import { commandToJsonl } from "../protocol/flow-writer.js";
import { generateFlow } from "../sim/flow-generator.js";
import { replayFlow } from "../worker/replay-flow.js";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const CLI = join(ROOT, "dist", "cli", "softliq.js");
const dir = mkdtempSync(join(tmpdir(), "softliq-cli-"));

/** The CLI runs from dist/: build it from the sources under test first. */
beforeAll(() => {
  execFileSync(
    process.execPath,
    [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"],
    {
      cwd: ROOT,
      stdio: "pipe",
    },
  );
}, 120_000);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function softliq(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [CLI, ...args], { cwd: dir, input, encoding: "utf8" });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const BAD_FLOW = [
  '{"type":"limit","id":1,"side":"sell","price":100,"qty":5,"ts":1}',
  "# comment",
  "{not json",
  '{"type":"limit","id":2,"side":"buy","price":99,"qty":3,"ts":2}',
  '{"type":"limit","id":3,"side":"buy","price":100,"qty":2,"ts":3,"bogus":1}',
  '{"type":"limit","id":4,"side":"buy","price":100,"qty":2,"ts":4}',
].join("\n");

describe("softliq --help and --version", () => {
  it.each(["replay", "generate", "import", "fidelity", "bench", "recover", "simulate", "demo"])(
    "softliq %s --help describes the command and its flags, exit 0",
    (name) => {
      const r = softliq([name, "--help"]);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`^usage: softliq ${name}`));
      expect(r.stdout.split("\n").filter((l) => /^ {2}-/.test(l)).length).toBeGreaterThan(0);
    },
  );

  it("softliq --version prints the package's version; a usage error is one line naming --help", () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { version: string };
    expect(softliq(["--version"]).stdout).toBe(`softliq ${pkg.version}\n`);
    const r = softliq(["simulate", "--bogus"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe("softliq simulate: unknown option --bogus (softliq simulate --help)\n");
  });

  it("refuses --parallel 0 alike in replay and simulate", () => {
    for (const argv of [
      ["replay", "samples/sample.jsonl", "--parallel", "0"],
      ["simulate", "--seeds", "2", "--parallel", "0"],
    ]) {
      const r = softliq(argv);
      expect(r.code, argv.join(" ")).toBe(2);
      expect(r.stderr).toBe(`softliq ${argv[0]}: --parallel must be at least 1 (softliq ${argv[0]} --help)\n`);
    }
  });
});

describe("softliq replay", () => {
  it("exits 0 and reports bad lines on stderr with their numbers", () => {
    const r = softliq(["replay", file("bad.jsonl", BAD_FLOW)]);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^line 3: MALFORMED_LINE/m);
    expect(r.stderr).toMatch(/^line 5: UNKNOWN_FIELD \(unknown field "bogus"\)/m);
    expect(r.stdout).toMatch(/state hash [0-9a-f]{64}/);
  });

  it("with --strict stops at the first bad line and exits 1", () => {
    const r = softliq(["replay", file("bad.jsonl", BAD_FLOW), "--strict", "--json"]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/line 3: MALFORMED_LINE/);
    expect(r.stderr).not.toMatch(/line 5/);
    const summary = JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "");
    expect(summary).toMatchObject({ commands: 2, accepted: 1, stoppedAtLine: 3 });
  });

  it("exits 2 with one line on stderr for a file that cannot be read", () => {
    for (const path of [join(dir, "missing.jsonl"), dir]) {
      const r = softliq(["replay", path]);
      expect(r.code).toBe(2);
      expect(r.stdout).toBe("");
      expect(r.stderr.trim().split("\n")).toHaveLength(1);
      expect(r.stderr).toContain(path);
    }
  });

  it("with --json prints the contract's summary as the last stdout line", async () => {
    const path = file("flow.jsonl", `${generateFlow({ commands: 3000, seed: 4 }).map(commandToJsonl).join("\n")}\n`);
    const r = softliq(["replay", path, "--json"]);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "");
    for (const key of [
      "commands",
      "accepted",
      "rejected",
      "fills",
      "volume",
      "liquidations",
      "stateHash",
      "elapsedMs",
      "commandsPerSec",
    ]) {
      expect(summary).toHaveProperty(key);
    }
    for (const key of ["triggered", "childOrders", "closedQty", "closedNotional", "penalties", "badDebt", "adl"]) {
      expect(summary.liquidations).toHaveProperty(key);
    }
    const inProcess = await replayFlow(createReadStream(path), "jsonl");
    expect(summary).toMatchObject({
      commands: 3000,
      accepted: inProcess.accepted,
      rejected: inProcess.rejected,
      fills: inProcess.fills,
      volume: inProcess.volume,
      stateHash: inProcess.engine.stateHash(),
    });
  });

  it("with --events writes the same JSONL as the in-process events, and --book the final book", async () => {
    const path = file(
      "flow2.jsonl",
      `${BAD_FLOW}\n${generateFlow({ commands: 2000, seed: 8 }).map(commandToJsonl).join("\n")}\n`,
    );
    const eventsPath = join(dir, "events.jsonl");
    const bookPath = join(dir, "book.json");
    const accountsPath = join(dir, "accounts.json");
    const r = softliq(["replay", path, "--events", eventsPath, "--book", bookPath, "--accounts", accountsPath]);
    expect(r.code).toBe(0);
    const lines: string[] = [];
    const inProcess = await replayFlow(createReadStream(path), "jsonl", { onEvent: (e) => lines.push(eventToJson(e)) });
    expect(readFileSync(eventsPath, "utf8")).toBe(`${lines.join("\n")}\n`);

    const book = JSON.parse(readFileSync(bookPath, "utf8"));
    expect(book).toEqual(inProcess.engine.bookSnapshot());
    expect(Object.keys(book)).toEqual(["X"]);
    const { bids, asks } = book.X as { bids: number[][]; asks: number[][] };
    expect(bids.length).toBeGreaterThan(0);
    for (const level of [...bids, ...asks]) expect(level).toHaveLength(3);
    expect(bids.map((l) => l[0])).toEqual([...bids.map((l) => l[0])].sort((a, b) => (b ?? 0) - (a ?? 0)));
    expect(asks.map((l) => l[0])).toEqual([...asks.map((l) => l[0])].sort((a, b) => (a ?? 0) - (b ?? 0)));

    const accounts = JSON.parse(readFileSync(accountsPath, "utf8"));
    expect(accounts).toEqual(JSON.parse(JSON.stringify(inProcess.engine.accounts())));
    expect(typeof accounts.insuranceFund).toBe("number");
    for (const account of Object.values(accounts.accounts) as Record<string, unknown>[]) {
      expect(account).toEqual(
        expect.objectContaining({
          collateral: expect.any(Number),
          equity: expect.any(Number),
          healthPpm: expect.toSatisfy((v: unknown) => v === null || typeof v === "number"),
          positions: expect.any(Object),
        }),
      );
    }
  });

  it("counts a liquidation as triggered when an account enters it from health, once per stay", async () => {
    const lines = [
      { type: "instrument", symbol: "X", tiers: [{ maxNotional: 1_000_000, imrPpm: 200_000, mmrPpm: 100_000 }] },
      { type: "oracle", price: 100 },
      { type: "deposit", account: "a", amount: 200 },
      { type: "limit", id: 1, side: "sell", price: 100, qty: 20 },
      { type: "limit", id: 2, side: "buy", price: 100, qty: 10, account: "a" },
      // Long 10 from 100 on 200, MM 10%: equity 10·o − 800 against MM o.
      { type: "oracle", price: 88 }, // breach (80 / 88): triggered
      { type: "oracle", price: 79 }, // bankrupt: the same stay
      { type: "oracle", price: 90 }, // restored
      { type: "oracle", price: 70 }, // straight to bankrupt: triggered again
    ].map((c) => JSON.stringify(c));
    const path = file("stages.jsonl", `${lines.join("\n")}\n`);
    const stages: string[] = [];
    const result = await replayFlow(createReadStream(path), "jsonl", {
      liquidation: "off",
      onEvent: (e) => {
        if (e.type === "liquidation_stage") stages.push(e.stage);
      },
    });
    expect(stages).toEqual(["breach", "bankrupt", "restored", "bankrupt"]);
    expect(result.liquidations).toEqual({
      triggered: 2,
      childOrders: 0,
      closedQty: 0,
      closedNotional: 0,
      penalties: 0,
      badDebt: 0,
      adl: 0,
      backstops: 0,
      backstopQty: 0,
      preemptive: 0,
      capDeferrals: 0,
      stillInLiquidation: 1, // bankrupt at the end, in mode off
    });
    const summary = JSON.parse(
      softliq(["replay", path, "--json", "--mode", "off"]).stdout.trim().split("\n").at(-1) as string,
    );
    expect(summary).toMatchObject({ mode: "off", liquidations: { triggered: 2 } });
  });

  it("says which accounts are still in liquidation at the end, and that a flow without ts stalls paced work", () => {
    // The penalty issue's default-parameter case, once without any time and once with ticks.
    const setup = [
      { type: "instrument", symbol: "X" },
      { type: "oracle", price: 1000 },
      { type: "deposit", account: "a", amount: 1_000 },
      { type: "limit", id: "m", side: "sell", price: 1000, qty: 100 },
      { type: "limit", id: "o", side: "buy", price: 1000, qty: 100, account: "a" },
      ...[995, 994, 993].map((price) => ({ type: "limit", id: `b${price}`, side: "buy", price, qty: 30 })),
      { type: "limit", id: "b990", side: "buy", price: 990, qty: 100 },
    ];
    const untimed = [...setup, { type: "oracle", price: 992 }];
    const r = softliq(["replay", file("untimed.jsonl", untimed.map((c) => JSON.stringify(c)).join("\n"))]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/still in liquidation at the end: 1 accounts/);
    expect(r.stdout).toMatch(/no command carried a time \(ts\)/);
    const ticks = Array.from({ length: 10 }, (_, i) => ({ type: "tick", ts: (i + 1) * 100_000_000 }));
    const timed = [...setup, { type: "oracle", price: 992, ts: 1 }, ...ticks];
    const t = softliq(["replay", file("timed.jsonl", timed.map((c) => JSON.stringify(c)).join("\n")), "--json"]);
    const summary = JSON.parse(t.stdout.trim().split("\n").at(-1) as string);
    expect(summary.liquidations.stillInLiquidation).toBe(0);
    expect(summary.lastTs).toBe(1_000_000_000);
  });

  it("reads JSONL from stdin with -", () => {
    const r = softliq(["replay", "-", "--json"], BAD_FLOW);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/line 3: MALFORMED_LINE/);
    const summary = JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "");
    expect(summary).toMatchObject({ commands: 5, accepted: 3, fills: 1, volume: 2 });
    const fromFile = JSON.parse(
      softliq(["replay", file("same.jsonl", BAD_FLOW), "--json"])
        .stdout.trim()
        .split("\n")
        .at(-1) ?? "",
    );
    expect(summary.stateHash).toBe(fromFile.stateHash);
  });

  it("replays a CSV file by its extension", () => {
    const r = softliq([
      "replay",
      file("tiny.csv", "type,id,side,price,qty\nlimit,1,sell,5,1\nlimit,2,buy,5,1\n"),
      "--json",
    ]);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout.trim().split("\n").at(-1) ?? "")).toMatchObject({ commands: 2, fills: 1 });
  });
});

describe("the per-account liquidation report", () => {
  const stagesFlow = [
    { type: "instrument", symbol: "X", tiers: [{ maxNotional: 1_000_000, imrPpm: 200_000, mmrPpm: 100_000 }] },
    { type: "oracle", price: 100, ts: 1 },
    { type: "deposit", account: "a", amount: 200 },
    { type: "limit", id: 1, side: "sell", price: 100, qty: 20 },
    { type: "limit", id: 2, side: "buy", price: 100, qty: 10, account: "a" },
    { type: "oracle", price: 88, ts: 2 }, // breach
    { type: "oracle", price: 79, ts: 3 }, // bankrupt, the same stay
    { type: "oracle", price: 90, ts: 4 }, // restored
    { type: "oracle", price: 70, ts: 5 }, // bankrupt again
  ];

  it("records each account's stages, stays and lowest health (mode off: no orders)", async () => {
    const path = file("ledger-stages.jsonl", stagesFlow.map((c) => JSON.stringify(c)).join("\n"));
    const { ledger } = await replayFlow(createReadStream(path), "jsonl", { liquidation: "off" });
    const a = ledger.account("a");
    expect(a).toMatchObject({ liquidations: 2, stage: "bankrupt", childOrders: 0, closedQty: 0 });
    expect(a?.stages.map((c) => [c.ts, c.stage])).toEqual([
      [2, "breach"],
      [3, "bankrupt"],
      [4, "restored"],
      [5, "bankrupt"],
    ]);
    expect(a?.lowestHealthPpm).toBe(Math.min(...(a?.stages.map((c) => c.healthPpm ?? Infinity) ?? [])));
    expect(ledger.account("nobody")).toBeNull();
  });

  it.each(["soft", "hard", "hyperliquid", "dydx", "drift"] as const)(
    "adds up to the summary's totals and agrees with the final state (%s, the bundled cascade)",
    async (mode) => {
      const r = await replayFlow(createReadStream(join(ROOT, "samples/cascade.jsonl")), "jsonl", { liquidation: mode });
      const rows = Object.values(r.ledger.report());
      const sum = (f: (a: (typeof rows)[number]) => number) => rows.reduce((t, a) => t + f(a), 0);
      expect(rows.length).toBeGreaterThan(0);
      expect(sum((a) => a.childOrders)).toBe(r.liquidations.childOrders);
      expect(sum((a) => a.closedQty)).toBe(r.liquidations.closedQty);
      expect(sum((a) => a.closedNotional)).toBe(r.liquidations.closedNotional);
      expect(sum((a) => a.penalties)).toBe(r.liquidations.penalties);
      expect(sum((a) => a.badDebt)).toBe(r.liquidations.badDebt);
      expect(sum((a) => a.liquidations)).toBe(r.liquidations.triggered);
      expect(sum((a) => a.adlQty)).toBe(sum((a) => a.adlTakenQty));
      expect(sum((a) => a.backstopQty)).toBe(r.liquidations.backstopQty);
      const accounts = r.engine.accounts().accounts;
      for (const [name, a] of Object.entries(r.ledger.report())) {
        const sym = Object.values(a.bySymbol);
        expect(sym.reduce((t, s) => t + s.closedQty, 0)).toBe(a.closedQty);
        // Out of liquidation in the ledger exactly when the final state says so.
        const now = accounts[name]?.stage;
        expect(now ?? "restored", name).toBe(a.stage === "preemptive" ? (now ?? "restored") : a.stage);
      }
    },
  );

  it("replay --liquidations, --account and recover give the same record; recover --accounts the same state", async () => {
    const cascade = join(ROOT, "samples/cascade.jsonl");
    const liquidations = join(dir, "liq.json");
    const accountsPath = join(dir, "acc.json");
    const replayed = softliq(["replay", cascade, "--liquidations", liquidations, "--accounts", accountsPath]);
    expect(replayed.code).toBe(0);
    expect(replayed.stdout).toMatch(/accounts the liquidator touched: 130 \(most closed first\)/);
    expect(replayed.stdout).toMatch(/… 120 more: --liquidations OUT\.json lists every one/);
    const inProcess = await replayFlow(createReadStream(cascade), "jsonl", { liquidation: "soft" });
    const doc = JSON.parse(readFileSync(liquidations, "utf8"));
    expect(doc).toEqual({ accounts: JSON.parse(JSON.stringify(inProcess.ledger.report())) });
    const [top] = inProcess.ledger.ranked();
    const name = top?.[0] as string;

    const one = softliq(["replay", cascade, "--account", name, "--json"]);
    const summary = JSON.parse(one.stdout.trim().split("\n").at(-1) as string);
    expect(summary.account).toEqual({
      name,
      state: JSON.parse(readFileSync(accountsPath, "utf8")).accounts[name],
      liquidation: doc.accounts[name],
    });
    const text = softliq(["replay", cascade, "--account", name]).stdout;
    expect(text).toMatch(new RegExp(`^account ${name}$`, "m"));
    expect(text).toMatch(/^ {2}ts \d+: breach \(health \d+\.\d%\)$/m);

    const journal = join(dir, "liq-journal");
    expect(softliq(["replay", cascade, "--journal", journal]).code).toBe(0);
    const recoveredAccounts = join(dir, "rec-acc.json");
    const recoveredLiquidations = join(dir, "rec-liq.json");
    const rec = softliq([
      "recover",
      journal,
      "--accounts",
      recoveredAccounts,
      "--liquidations",
      recoveredLiquidations,
      "--account",
      name,
      "--json",
    ]);
    expect(rec.code).toBe(0);
    expect(readFileSync(recoveredAccounts, "utf8")).toBe(readFileSync(accountsPath, "utf8"));
    expect(JSON.parse(readFileSync(recoveredLiquidations, "utf8"))).toEqual(doc);
    expect(JSON.parse(rec.stdout.trim().split("\n").at(-1) as string).account).toEqual(summary.account);

    // From a snapshot, the record is the replayed tail's, and the text says so.
    const snapshotted = join(dir, "liq-journal-snap");
    expect(softliq(["replay", cascade, "--journal", snapshotted, "--snapshot-every", "5000"]).code).toBe(0);
    const tail = softliq(["recover", snapshotted, "--account", name]);
    expect(tail.stdout).toMatch(/the liquidator's record below covers the \d+ commands replayed after the snapshot/);
    expect(softliq(["replay", cascade, cascade, "--account", name]).code).toBe(2);
  }, 60_000);
});

describe("softliq generate", () => {
  it("writes the same file for the same seed, and the flow the library generates", () => {
    const a = join(dir, "a.jsonl");
    const b = join(dir, "b.jsonl");
    const c = join(dir, "c.jsonl");
    expect(softliq(["generate", "--commands", "500", "--seed", "3", "-o", a]).code).toBe(0);
    expect(softliq(["generate", "--commands", "500", "--seed", "3", "-o", b]).code).toBe(0);
    expect(softliq(["generate", "--commands", "500", "--seed", "4", "-o", c]).code).toBe(0);
    const text = readFileSync(a, "utf8");
    expect(readFileSync(b, "utf8")).toBe(text);
    expect(readFileSync(c, "utf8")).not.toBe(text);
    expect(text).toBe(`${generateFlow({ commands: 500, seed: 3 }).map(commandToJsonl).join("\n")}\n`);
  });

  it("writes CSV that replays to the same state as the JSONL of the same seed", () => {
    const jsonl = join(dir, "g.jsonl");
    const csv = join(dir, "g.csv");
    softliq(["generate", "--commands", "1000", "--seed", "6", "-o", jsonl]);
    softliq(["generate", "--commands", "1000", "--seed", "6", "-o", csv]);
    const hashOf = (path: string) =>
      JSON.parse(softliq(["replay", path, "--json"]).stdout.trim().split("\n").at(-1) ?? "").stateHash;
    expect(hashOf(csv)).toBe(hashOf(jsonl));
  });
});

describe("softliq demo (npm start)", () => {
  it("replays the bundled cascade with soft and with hard: the same commands, soft keeping more equity", () => {
    const r = softliq(["demo", "--json"]);
    expect(r.code).toBe(0);
    const { soft, hard } = JSON.parse(r.stdout.trim()) as Record<string, Record<string, number | string>>;
    expect(soft?.commands).toBe(hard?.commands);
    expect(soft?.mode).toBe("soft");
    expect(hard?.mode).toBe("hard");
    expect(Number(soft?.entered)).toBeGreaterThan(0);
    expect(Number(soft?.closedQty)).toBeLessThan(Number(hard?.closedQty));
    expect(Number(soft?.equityLeft)).toBeGreaterThan(Number(hard?.equityLeft));
    const text = softliq(["demo"]);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^the bundled cascade \(samples\/cascade\.jsonl\): \d+ commands/);
    expect(text.stdout).toContain("accounts that entered liquidation");
  });
});

describe("outputs are checked before the run", () => {
  const cascade = join(ROOT, "samples", "cascade.jsonl");
  const cases: [string, string[], string][] = [
    [
      "replay --book into a missing directory",
      ["replay", cascade, "--events", "ok.jsonl", "--book", "no/such/b.json"],
      "no/such/b.json: no such file or directory (ENOENT)",
    ],
    [
      "replay --accounts onto a directory",
      ["replay", cascade, "--events", "ok.jsonl", "--accounts", "."],
      ".: illegal operation on a directory (EISDIR)",
    ],
    [
      "replay --events under a file",
      ["replay", cascade, "--events", "flow-file/e.jsonl"],
      "flow-file/e.jsonl: not a directory (ENOTDIR)",
    ],
    [
      "simulate --svg into a missing directory",
      ["simulate", "--flow", "ok.jsonl", "--svg", "no/such/x.svg"],
      "no/such/x.svg: no such file or directory (ENOENT)",
    ],
    [
      "generate -o into a missing directory",
      ["generate", "--commands", "10", "-o", "no/such/g.jsonl"],
      "no/such/g.jsonl: no such file or directory (ENOENT)",
    ],
    [
      "recover --book into a missing directory",
      ["recover", "no-journal", "--book", "no/such/b.json"],
      "no/such/b.json: no such file or directory (ENOENT)",
    ],
  ];
  for (const [name, args, message] of cases) {
    it(`${name}: one line, exit 73, nothing else written`, () => {
      rmSync(join(dir, "ok.jsonl"), { force: true });
      file("flow-file", "");
      const ran = softliq(args);
      expect(ran.code).toBe(73);
      expect(ran.stderr).toBe(`softliq: cannot write ${message}\n`);
      expect(ran.stdout).toBe("");
      // The other output of the same command line was not begun: the run never started.
      expect(() => readFileSync(join(dir, "ok.jsonl"))).toThrow();
    });
  }
});
