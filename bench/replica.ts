/**
 * The replicated venue's figures (not a test: `npm run bench:replica`, `node dist/bench/replica.js
 * [--quick]`). It starts its own nats-server processes on free loopback ports: one server (R1) and
 * a 3-node cluster (R3), and `softliq serve` replicas as child processes, then measures
 *
 * - throughput: commands/s from the first submit to the events of the last command arriving back
 *   (submit → input stream → replica → events stream → reader), rounds alternating R1 and R3;
 * - latency: one command at a time on an idle venue, publish to its events' arrival, percentiles;
 * - failover: single-command messages in a loop while the input stream's leader node is killed:
 *   how long submits and events stall.
 *
 * Wall-clock time here measures delivery; the engine itself never reads it.
 */

import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect, type NatsConnection } from "@nats-io/transport-node";
import type { Command } from "../protocol/commands.js";
import { HEADER_IN_SEQ } from "../replica/event-publisher.js";
import { VenueClient } from "../replica/venue-client.js";
import { VenueNames } from "../replica/venue-names.js";
import { generateFlow } from "../sim/flow-generator.js";
import { machineInfo, machineLine } from "./machine.js";
import { NatsCluster, natsServerPath } from "./nats-servers.js";

const CLI = new URL("../cli/softliq.js", import.meta.url).pathname;
const CASCADE = new URL("../../samples/cascade.jsonl", import.meta.url).pathname;

const quick = process.argv.includes("--quick");
let venueCounter = 0;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)] as number;
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

/**
 * Watches a venue's events subject with a plain subscription on its own connection: it sees each
 * events message as the replica publishes it (one replica here, so each once).
 */
class EventsWatch {
  seen = 0;
  private waiters: { seq: number; resolve: (t: number) => void }[] = [];

  private constructor(private readonly nc: NatsConnection) {}

  static async open(servers: NatsCluster, names: VenueNames): Promise<EventsWatch> {
    const nc = await connect({
      servers: servers
        .url()
        .split(",")
        .map((u) => u.slice("nats://".length)),
    });
    const watch = new EventsWatch(nc);
    nc.subscribe(names.eventsSubject, {
      callback: (_err, msg) => {
        const seq = Number(msg.headers?.get(HEADER_IN_SEQ) ?? "0");
        if (seq <= watch.seen) return;
        watch.seen = seq;
        const now = performance.now();
        watch.waiters = watch.waiters.filter((w) => {
          if (w.seq > seq) return true;
          w.resolve(now);
          return false;
        });
      },
    });
    await nc.flush();
    return watch;
  }

  /** The time (performance.now) the events of input sequence `seq` were published. */
  arrival(seq: number): Promise<number> {
    if (this.seen >= seq) return Promise.resolve(performance.now());
    return new Promise((resolve) => this.waiters.push({ seq, resolve }));
  }

  async stop(): Promise<void> {
    await this.nc.close();
  }
}

interface Venue {
  name: string;
  client: VenueClient;
  watch: EventsWatch;
  replicas: ChildProcess[];
}

async function openVenue(servers: NatsCluster, replicas: number): Promise<Venue> {
  const name = `bench${++venueCounter}`;
  const children = Array.from({ length: replicas }, (_, i) =>
    spawn(process.execPath, [CLI, "serve", "--nats", servers.url(), "--venue", name, "--name", `r${i + 1}`], {
      stdio: ["ignore", "ignore", "inherit"],
    }),
  );
  const client = await VenueClient.connect(servers.url(), name);
  for (const deadline = Date.now() + 30_000; ; ) {
    try {
      await client.status();
      break;
    } catch (err) {
      if (Date.now() > deadline) throw err;
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { name, client, watch: await EventsWatch.open(servers, new VenueNames(name)), replicas: children };
}

async function closeVenue(v: Venue): Promise<void> {
  await v.watch.stop();
  await v.client.close();
  await Promise.all(
    v.replicas.map(
      (c) =>
        new Promise<void>((resolve) => {
          c.once("exit", () => resolve());
          c.kill("SIGTERM");
        }),
    ),
  );
}

/** Commands/s through the whole path, and the submit side alone. */
async function throughput(
  v: Venue,
  commands: readonly Command[],
  batch: number,
): Promise<{ e2e: number; submit: number; messages: number }> {
  const t0 = performance.now();
  const r = await v.client.submit(commands, { batch });
  const t1 = performance.now();
  const t2 = await v.watch.arrival(r.lastSeq);
  return {
    e2e: commands.length / ((t2 - t0) / 1000),
    submit: commands.length / ((t1 - t0) / 1000),
    messages: r.messages,
  };
}

/** One command at a time: publish → its events back, in µs. */
async function latency(v: Venue, samples: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < samples; i++) {
    const c =
      i % 2 === 0
        ? { type: "limit", id: `L${i}`, side: "buy", price: 100, qty: 1 }
        : { type: "cancel", id: `L${i - 1}` };
    const t0 = performance.now();
    const ack = await v.client.publishMessage(v.client.names.adminSubject, Buffer.from(`${JSON.stringify(c)}\n`));
    const t1 = await v.watch.arrival(ack.seq);
    out.push((t1 - t0) * 1000);
  }
  return out.sort((a, b) => a - b);
}

/** Kills the input stream's leader node while single commands go out; the longest stalls. */
async function failover(
  cluster: NatsCluster,
  v: Venue,
): Promise<{ ackStallMs: number; eventStallMs: number; lost: number }> {
  const names = new VenueNames(v.name);
  const [host] = cluster.url().split(",");
  const nc = await connect({ servers: (host as string).slice("nats://".length) });
  const jsm = await jetstreamManager(nc);
  let killedAt = 0;
  const acks: number[] = [];
  let sent = 0;
  let stop = false;
  const loop = (async () => {
    for (let i = 0; !stop; i++) {
      await v.client.publishMessage(names.adminSubject, Buffer.from(`{"type":"tick","ts":${i + 1}}\n`));
      sent++;
      acks.push(performance.now());
    }
  })();
  await new Promise((r) => setTimeout(r, 1_000));
  const leader = (await jsm.streams.info(names.inputStream)).cluster?.leader ?? "";
  const seqAtKill = (await jsm.streams.info(names.inputStream)).state.last_seq;
  await nc.close();
  killedAt = performance.now();
  cluster.kill(leader);
  const eventAt = await v.watch.arrival(seqAtKill + 2);
  await new Promise((r) => setTimeout(r, 1_000));
  stop = true;
  await loop;
  const last = await v.client.lastSeq();
  cluster.restart(leader);
  await cluster.waitReady();
  // The longest wait between two acknowledgements from the kill on (the retries cross the election).
  let ackStallMs = 0;
  let previous = killedAt;
  for (const t of acks) {
    if (t < killedAt) continue;
    ackStallMs = Math.max(ackStallMs, t - previous);
    previous = t;
  }
  return { ackStallMs, eventStallMs: eventAt - killedAt, lost: sent - last };
}

async function main(): Promise<void> {
  if (natsServerPath() === null) {
    process.stderr.write("bench/replica: nats-server is not installed (apt-get install -y nats-server)\n");
    process.exitCode = 2;
    return;
  }
  const started = new Date();
  // Without accounts every command goes on in.admin, so messages are full batches.
  const mixed = generateFlow({ commands: quick ? 20_000 : 50_000, seed: 42, accountPpm: 0 });
  const cascade = readFileSync(CASCADE, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "" && !l.startsWith("#"))
    .map((l) => JSON.parse(l) as Command);
  const rounds = quick ? 1 : 3;
  const r1 = await NatsCluster.start(1);
  const r3 = await NatsCluster.start(3);
  const out: string[] = [];
  const line = (s: string) => {
    out.push(s);
    process.stderr.write(`${s}\n`);
  };
  try {
    line(`# Replicated venue on NATS JetStream, ${started.toISOString()}`);
    line(
      `machine: ${machineLine(machineInfo())} (2 cores shared with other work); nats-server ${r1 === null ? "" : "2.9.10 (Debian)"}`,
    );
    const results: Record<string, number[]> = {};
    const push = (key: string, value: number) => {
      if (results[key] === undefined) results[key] = [];
      (results[key] as number[]).push(value);
    };
    for (let round = 0; round < rounds; round++) {
      for (const [label, servers] of [
        ["R1", r1],
        ["R3", r3],
      ] as const) {
        for (const [flow, commands, batch] of [
          ["mixed b64", mixed, 64],
          ["mixed b1", mixed.slice(0, quick ? 2_000 : 5_000), 1],
          ["cascade b64", cascade, 64],
        ] as const) {
          process.stderr.write(`round ${round + 1}: ${label} ${flow}\n`);
          const v = await openVenue(servers, 1);
          const t = await throughput(v, commands, batch);
          push(`${label} ${flow} e2e`, t.e2e);
          push(`${label} ${flow} submit`, t.submit);
          push(`${label} ${flow} messages`, t.messages);
          await closeVenue(v);
        }
      }
    }
    line("");
    line("| stream | flow | commands | messages | submit cmd/s | end to end cmd/s |");
    line("| --- | --- | ---: | ---: | ---: | ---: |");
    for (const label of ["R1", "R3"]) {
      for (const [flow, n] of [
        ["mixed b64", mixed.length],
        ["mixed b1", quick ? 2_000 : 5_000],
        ["cascade b64", cascade.length],
      ] as const) {
        const k = `${label} ${flow}`;
        line(
          `| ${label} | ${flow} | ${n} | ${median(results[`${k} messages`] ?? [])} | ${Math.round(median(results[`${k} submit`] ?? []))} | ${Math.round(median(results[`${k} e2e`] ?? []))} |`,
        );
      }
    }
    line("");
    line("| stream | one command, publish → events back | p50 µs | p90 µs | p99 µs | max µs |");
    line("| --- | --- | ---: | ---: | ---: | ---: |");
    for (const [label, servers] of [
      ["R1", r1],
      ["R3", r3],
    ] as const) {
      const v = await openVenue(servers, 1);
      await latency(v, 50); // warm-up
      const l = await latency(v, quick ? 200 : 1_000);
      line(
        `| ${label} | ${l.length} samples | ${Math.round(percentile(l, 50))} | ${Math.round(percentile(l, 90))} | ${Math.round(percentile(l, 99))} | ${Math.round(l[l.length - 1] as number)} |`,
      );
      await closeVenue(v);
    }
    line("");
    const v = await openVenue(r3, 1);
    const f = await failover(r3, v);
    await closeVenue(v);
    line(
      `failover (R3, the input stream's leader node killed under single-command submits): longest wait for an acknowledgement ${Math.round(f.ackStallMs)} ms, kill to the next events ${Math.round(f.eventStallMs)} ms; commands acknowledged but not in the stream: ${f.lost}`,
    );
  } finally {
    await r1.stop();
    await r3.stop();
  }
  process.stdout.write(`${out.join("\n")}\n`);
}

await main();
