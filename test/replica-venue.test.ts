/**
 * One JetStream server with users, as the README configures it: the operator may publish
 * anywhere, alice only on her own subject. The server refuses alice on bob's subject; the engine
 * rejects FORBIDDEN what alice's subject may not carry, and changes nothing. A replica with a
 * state directory resumes from its snapshot and the rest of the stream, to the stateHash of a
 * replica that applied the whole stream.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { VenueClient } from "../replica/venue-client.js";
import { softliq } from "./cli-run.js";
import { describeWithNats, NatsCluster } from "./nats-cluster.js";
import { type Child, start, until } from "./nats-run.js";

const VENUE = "auth";

const USERS = `
accounts {
  VENUE: {
    jetstream: enabled
    users: [
      { user: operator, password: op-secret }
      {
        user: alice, password: alice-secret,
        permissions: { publish: { allow: ["softliq.${VENUE}.in.acct.alice"] }, subscribe: { allow: ["_INBOX.>"] } }
      }
    ]
  }
}
`;

describeWithNats("a venue with users: permissions, FORBIDDEN, snapshot + stream recovery", () => {
  let server: NatsCluster;
  let dir = "";
  let live: Child | null = null;
  beforeAll(async () => {
    server = await NatsCluster.start(1, USERS, "operator:op-secret");
    dir = mkdtempSync(join(tmpdir(), "softliq-venue-"));
  }, 60_000);
  afterAll(async () => {
    live?.process.kill("SIGKILL");
    await server?.stop();
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  const operator = () => server.url("operator:op-secret");
  const alice = () => server.url("alice:alice-secret");
  const flow = (name: string, commands: object[]): string => {
    const path = join(dir, name);
    writeFileSync(path, `${commands.map((c) => JSON.stringify(c)).join("\n")}\n`);
    return path;
  };
  const serve = async (...extra: string[]) => {
    const r = await softliq("serve", "--nats", operator(), "--venue", VENUE, "--json", ...extra);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { appliedSeq: number; stateHash: string; restoredFrom: number };
  };
  const submit = async (file: string, ...extra: string[]) => {
    const r = await softliq("submit", file, "--venue", VENUE, "--json", ...extra);
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout) as { published: number; lastSeq: number };
  };

  it("rejects FORBIDDEN what alice's subject may not carry, changes nothing, and the server refuses her on bob's", async () => {
    // A replica that runs throughout creates the streams; then the operator's set-up: prices, money, bob's ask.
    live = start("serve", "--nats", operator(), "--venue", VENUE, "--name", "live");
    const watcher = await VenueClient.connect(operator(), VENUE);
    try {
      await until("the venue's streams", async () => (await watcher.status()) && true);
    } finally {
      await watcher.close();
    }
    const state = join(dir, "p");
    const setup = flow("setup.jsonl", [
      { type: "oracle", price: 100, ts: 1 },
      { type: "deposit", account: "alice", amount: 1_000_000 },
      { type: "deposit", account: "bob", amount: 1_000_000 },
      { type: "limit", id: "b1", side: "sell", price: 110, qty: 5, account: "bob" },
    ]);
    const a = await submit(setup, "--nats", operator());
    const before = await serve("--until", String(a.lastSeq), "--state", state);

    const forbidden = flow("forbidden.jsonl", [
      { type: "limit", id: "x1", side: "buy", price: 110, qty: 1, account: "bob" },
      { type: "deposit", account: "alice", amount: 5 },
      { type: "cancel", id: "b1" },
      { type: "oracle", price: 1, ts: 2 },
    ]);
    const b = await submit(forbidden, "--nats", alice(), "--account", "alice");
    expect(b).toEqual({ published: 4, lastSeq: a.lastSeq + 1, messages: 1 });
    const after = await serve("--until", String(b.lastSeq), "--state", state);
    expect(after.stateHash).toBe(before.stateHash);
    expect(after.restoredFrom).toBe(before.appliedSeq);

    const events = await softliq("events", "--nats", alice(), "--venue", VENUE, "--from", String(b.lastSeq));
    // alice may not read the events stream (the server says so); the operator may.
    expect(events.code).not.toBe(0);
    const own = await softliq(
      "events",
      "--nats",
      operator(),
      "--venue",
      VENUE,
      "--from",
      String(b.lastSeq),
      "--until",
      String(b.lastSeq),
    );
    expect(own.code, own.stderr).toBe(0);
    const rejected = own.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { type: string; reason: string; line: number; command: string });
    expect(rejected.map((e) => [e.type, e.reason, e.command, e.line])).toEqual([
      ["rejected", "FORBIDDEN", "limit", 1],
      ["rejected", "FORBIDDEN", "deposit", 2],
      ["rejected", "FORBIDDEN", "cancel", 3],
      ["rejected", "FORBIDDEN", "oracle", 4],
    ]);

    // Her own order on her own subject is applied.
    const mine = flow("mine.jsonl", [{ type: "limit", id: "a1", side: "buy", price: 110, qty: 2, account: "alice" }]);
    const c = await submit(mine, "--nats", alice(), "--account", "alice");
    const traded = await serve("--until", String(c.lastSeq), "--state", state);
    expect(traded.stateHash).not.toBe(before.stateHash);

    // The server's authorization: alice cannot publish on bob's subject at all.
    const asBob = await softliq(
      "submit",
      mine,
      "--nats",
      alice(),
      "--venue",
      VENUE,
      "--account",
      "bob",
      "--retry-ms",
      "2000",
    );
    expect(asBob.code).toBe(69);
    const client = await VenueClient.connect(operator(), VENUE);
    try {
      expect(await client.lastSeq()).toBe(c.lastSeq);
    } finally {
      await client.close();
    }
  });

  it("resumes a replica from its snapshot and the stream after it, to the hash of one that applied everything", async () => {
    const client = await VenueClient.connect(operator(), VENUE);
    let last: number;
    try {
      const start = await client.lastSeq();
      const r = await client.submit(
        Array.from({ length: 300 }, (_, i) => ({
          type: "limit",
          id: `r${i}`,
          side: i % 2 === 0 ? "buy" : "sell",
          price: 100 + (i % 7) - 3,
          qty: 1 + (i % 3),
        })),
        { batch: 5 },
      );
      expect(r).toMatchObject({ published: 300, messages: 60, lastSeq: start + 60 });
      last = r.lastSeq;
    } finally {
      await client.close();
    }
    const state = join(dir, "q");
    const half = await serve("--until", String(last - 30), "--state", state, "--snapshot-every", "7");
    const resumed = await serve("--until", String(last), "--state", state);
    expect(resumed.restoredFrom).toBe(half.appliedSeq);
    const fresh = await serve("--until", String(last), "--name", "fresh");
    expect(fresh.restoredFrom).toBe(0);
    expect(resumed).toMatchObject({ appliedSeq: last, stateHash: fresh.stateHash });
    const status = await softliq("status", "--nats", operator(), "--venue", VENUE, "--json");
    const s = JSON.parse(status.stdout) as {
      lastSeq: number;
      replicas: { name: string; appliedSeq: number; stateHash: string }[];
    };
    expect(s.lastSeq).toBe(last);
    expect(s.replicas.find((x) => x.name === "fresh")).toMatchObject({ appliedSeq: last, stateHash: fresh.stateHash });
  });
});
