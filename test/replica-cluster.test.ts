/**
 * The replicated venue on a 3-node JetStream cluster on 127.0.0.1: the bundled liquidation
 * cascade submitted while the input stream's leader node is killed, one engine replica killed
 * and restarted from its snapshot meanwhile. Every replica must end at the stream's last sequence
 * with the stateHash of an in-process replay, and `softliq events` must give replay's bytes.
 */
import { createReadStream, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { afterAll, beforeAll, expect, it } from "vitest";
import { eventToJson } from "../protocol/events.js";
import { VenueClient } from "../replica/venue-client.js";
import { VenueNames } from "../replica/venue-names.js";
import { replayFlow } from "../worker/replay-flow.js";
import { listSnapshots } from "../worker/snapshot-store.js";
import { softliq } from "./cli-run.js";
import { describeWithNats, NatsCluster } from "./nats-cluster.js";
import { type Child, start, until } from "./nats-run.js";

const FLOW = "samples/cascade.jsonl";
const VENUE = "cascade";

describeWithNats("a venue replicated on a 3-node JetStream cluster", () => {
  let cluster: NatsCluster;
  let dir = "";
  const replicas = new Map<string, Child>();
  beforeAll(async () => {
    cluster = await NatsCluster.start(3);
    dir = mkdtempSync(join(tmpdir(), "softliq-replicas-"));
  }, 60_000);
  afterAll(async () => {
    for (const r of replicas.values()) r.process.kill("SIGKILL");
    await cluster?.stop();
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  const serve = (name: string): Child => {
    const child = start(
      "serve",
      "--nats",
      cluster.url(),
      "--venue",
      VENUE,
      "--state",
      join(dir, name),
      "--name",
      name,
      "--snapshot-every",
      "25",
      "--json",
    );
    replicas.set(name, child);
    return child;
  };

  it("survives the stream leader's node and a replica dying mid-flow: same sequence, replay's stateHash and events", async () => {
    const names = new VenueNames(VENUE);
    for (const name of ["r1", "r2", "r3"]) serve(name);
    const nc = await connect({
      servers: cluster
        .url()
        .split(",")
        .map((u) => u.slice("nats://".length)),
    });
    const jsm = await jetstreamManager(nc);
    const client = await VenueClient.connect(cluster.url(), VENUE);
    try {
      await until("the venue's streams", async () => (await jsm.streams.info(names.statusStream)) && true);
      expect((await jsm.streams.info(names.inputStream)).config.num_replicas).toBe(3);

      const submit = start("submit", FLOW, "--nats", cluster.url(), "--venue", VENUE, "--batch", "16", "--json");
      let submitDone = false;
      void submit.exited.then(() => {
        submitDone = true;
      });

      // The stream leader's node dies while commands are still going out.
      await until("100 messages in the stream", async () =>
        (await jsm.streams.info(names.inputStream)).state.last_seq >= 100 ? true : undefined,
      );
      const leader = (await jsm.streams.info(names.inputStream)).cluster?.leader ?? "";
      expect(leader).toMatch(/^n[123]$/);
      expect(submitDone).toBe(false);
      cluster.kill(leader);

      // After the failover, a replica is killed (SIGKILL) and restarted from its state directory.
      await until("a new stream leader and more messages", async () => {
        const info = await jsm.streams.info(names.inputStream);
        return info.cluster?.leader !== undefined && info.cluster.leader !== leader && info.state.last_seq >= 400
          ? true
          : undefined;
      });
      // It has a snapshot to come back from (on a loaded machine a replica can lag far behind the stream).
      await until(
        "a snapshot of r2",
        async () => (listSnapshots(join(dir, "r2")).length > 0 ? true : undefined),
        60_000,
      );
      replicas.get("r2")?.process.kill("SIGKILL");
      await replicas.get("r2")?.exited;
      serve("r2");
      cluster.restart(leader);

      const submitted = await submit.exited;
      expect(submitted.code, submitted.stderr).toBe(0);
      const { published, lastSeq } = JSON.parse(submitted.stdout) as { published: number; lastSeq: number };
      expect(published).toBe(
        readFileSync(FLOW, "utf8")
          .split("\n")
          .filter((l) => l !== "").length,
      );

      let seen: unknown = null;
      const status = await until(
        "every replica at the last sequence",
        async () => {
          const s = await client.status();
          seen = s;
          const stopped = s.replicas.some((r) => r.error !== undefined);
          // r2's status must come from its restarted run: the killed run's last status may read lastSeq too.
          const current = s.replicas.every((r) => r.name !== "r2" || r.restoredFrom > 0);
          return stopped || (s.replicas.length === 3 && current && s.replicas.every((r) => r.appliedSeq === lastSeq))
            ? s
            : undefined;
        },
        60_000,
      ).catch(async (err: Error) => {
        for (const r of replicas.values()) r.process.kill("SIGTERM");
        const notes = await Promise.all([...replicas.values()].map(async (r) => (await r.exited).stderr));
        throw new Error(`${err.message}; last status ${JSON.stringify(seen)}; replicas said ${JSON.stringify(notes)}`);
      });
      expect(status.lastSeq).toBe(lastSeq);
      expect((await jsm.streams.info(names.inputStream)).state.messages).toBe(lastSeq); // nothing twice, nothing lost

      const lines: string[] = [];
      const replay = await replayFlow(createReadStream(FLOW), "jsonl", {
        onEvent: (e) => lines.push(`${eventToJson(e)}\n`),
      });
      const expectedHash = replay.engine.stateHash();
      expect(status.replicas.map((r) => [r.name, r.stateHash, r.error ?? null])).toEqual(
        ["r1", "r2", "r3"].map((name) => [name, expectedHash, null]),
      );

      const events = await softliq("events", "--nats", cluster.url(), "--venue", VENUE);
      expect(events.code, events.stderr).toBe(0);
      expect(events.stdout === lines.join("")).toBe(true);

      for (const [name, child] of replicas) {
        child.process.kill("SIGTERM");
        const done = await child.exited;
        expect(done.code, `${name}: ${done.stderr}`).toBe(0);
        const report = JSON.parse(done.stdout) as { appliedSeq: number; stateHash: string; restoredFrom: number };
        expect({ name, ...report }, done.stderr).toMatchObject({ name, appliedSeq: lastSeq, stateHash: expectedHash });
        if (name === "r2") expect(report.restoredFrom).toBeGreaterThan(0);
      }
      replicas.clear();
    } finally {
      await client.close();
      await nc.close();
    }
  }, 300_000); // ~20 s alone; minutes on a loaded machine beside the rest of the suite
});
