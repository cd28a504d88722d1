/**
 * nats-server for the tests and the replica benchmark: one server or a 3-node cluster on
 * 127.0.0.1, on free ports picked here (never 4222, where Debian's service listens), each with its
 * own store directory, started as child processes and stopped by pid. `natsServerPath()` is null
 * when nats-server is missing.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";

export function natsServerPath(): string | null {
  for (const candidate of ["nats-server", "/usr/sbin/nats-server", "/usr/bin/nats-server"]) {
    try {
      execFileSync(candidate, ["--version"], { stdio: "ignore" });
      return candidate;
    } catch {
      // try the next
    }
  }
  return null;
}

export const SKIP_MESSAGE = "skipped: nats-server is not installed (apt-get install -y nats-server)";

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

interface Node {
  name: string;
  port: number;
  config: string;
  process: ChildProcess | null;
}

export class NatsCluster {
  private constructor(
    private readonly binary: string,
    readonly dir: string,
    private readonly nodes: Node[],
    /** Extra lines for every node's config (e.g. authorization), and credentials for the harness. */
    private readonly credentials: string,
  ) {}

  /**
   * `size` servers (1, or 3 as a JetStream cluster); `extraConfig` goes into each node's config
   * (accounts and users); `credentials` ("user:pass") is how the harness itself connects.
   */
  static async start(size: 1 | 3, extraConfig = "", credentials = ""): Promise<NatsCluster> {
    const binary = natsServerPath();
    if (binary === null) throw new Error(SKIP_MESSAGE);
    const dir = mkdtempSync(join(tmpdir(), "softliq-nats-"));
    const ports = await Promise.all(Array.from({ length: size * 2 }, freePort));
    const nodes: Node[] = [];
    for (let i = 0; i < size; i++) {
      const name = `n${i + 1}`;
      const store = join(dir, name);
      mkdirSync(store, { recursive: true });
      const routes = ports
        .slice(size)
        .filter((_, j) => j !== i)
        .map((p) => `nats-route://127.0.0.1:${p}`);
      const cluster =
        size === 1
          ? ""
          : `cluster { name: softliq-test, listen: 127.0.0.1:${ports[size + i]}, routes: [${routes.join(", ")}] }\n`;
      const config = join(dir, `${name}.conf`);
      writeFileSync(
        config,
        `server_name: ${name}\nlisten: 127.0.0.1:${ports[i]}\njetstream { store_dir: "${store}", max_memory_store: 64MB, max_file_store: 1GB }\n${cluster}${extraConfig}\n`,
      );
      nodes.push({ name, port: ports[i] as number, config, process: null });
    }
    const cluster = new NatsCluster(binary, dir, nodes, credentials);
    for (const node of nodes) cluster.launch(node);
    await cluster.waitReady();
    return cluster;
  }

  private launch(node: Node): void {
    node.process = spawn(this.binary, ["-c", node.config], { stdio: ["ignore", "ignore", "ignore"] });
  }

  /** `nats://[creds@]127.0.0.1:port,…` for every node (or the given one). */
  url(credentials = this.credentials): string {
    const auth = credentials === "" ? "" : `${credentials}@`;
    return this.nodes.map((n) => `nats://${auth}127.0.0.1:${n.port}`).join(",");
  }

  /** Waits until JetStream answers on every running node (a cluster has elected its meta leader). */
  async waitReady(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const [user, pass] = this.credentials === "" ? [] : this.credentials.split(":");
    for (const node of this.nodes.filter((n) => n.process !== null)) {
      for (;;) {
        try {
          const nc = await connect({
            servers: `127.0.0.1:${node.port}`,
            reconnect: false,
            ...(user === undefined ? {} : { user, pass: pass ?? "" }),
          });
          try {
            await (await jetstreamManager(nc, { timeout: 1_000 })).getAccountInfo();
            break;
          } finally {
            await nc.close();
          }
        } catch (err) {
          if (Date.now() > deadline) throw new Error(`nats node ${node.name} not ready: ${(err as Error).message}`);
          await new Promise((r) => setTimeout(r, 100));
        }
      }
    }
  }

  /** Kills a node at once (SIGKILL, by its pid): a crashed machine. */
  kill(name: string): void {
    const node = this.node(name);
    node.process?.kill("SIGKILL");
    node.process = null;
  }

  /** Starts a killed node again on its own port and store. */
  restart(name: string): void {
    const node = this.node(name);
    if (node.process === null) this.launch(node);
  }

  private node(name: string): Node {
    const node = this.nodes.find((n) => n.name === name);
    if (node === undefined) throw new Error(`no node ${name}`);
    return node;
  }

  async stop(): Promise<void> {
    const exits = this.nodes.map((n) => {
      const p = n.process;
      n.process = null;
      if (p === null || p.exitCode !== null) return Promise.resolve();
      return new Promise<void>((resolve) => {
        p.once("exit", () => resolve());
        p.kill("SIGKILL");
      });
    });
    await Promise.all(exits);
    rmSync(this.dir, { recursive: true, force: true });
  }
}
