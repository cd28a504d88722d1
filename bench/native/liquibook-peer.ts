/**
 * The native peer's plumbing: find Liquibook's source (LIQUIBOOK_DIR or a path given), build
 * bench/native/liquibook-driver.cpp against it with g++ -O3 -march=native (cached by a digest of
 * the driver, the headers and the flags), and drive it as a child process one round at a time, so
 * the bench can alternate rounds between it and the engine in this process.
 */
import { type ChildProcessWithoutNullStreams, spawn, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface, type Interface } from "node:readline";
import { fileURLToPath } from "node:url";

export const LIQUIBOOK_ENV = "LIQUIBOOK_DIR";
const FLAGS = ["-O3", "-march=native", "-std=c++17", "-DNDEBUG", "-DLIQUIBOOK_IGNORES_DEPRECATED_CALLS"];

export interface SideTotals {
  orders: number;
  qty: number;
  levels: number;
}

/** What one round reports, the same fields for both engines (the native one adds its event count). */
export interface RoundResult {
  ns: number;
  events: number;
  fills: number;
  volume: number;
  rejects: number;
  bids: SideTotals;
  asks: SideTotals;
}

export type DriverBuild = { status: "built"; binary: string; compiler: string } | { status: "skipped"; reason: string };

/** The driver's source: next to this module when run from source, under bench/native from dist. */
function driverSource(): string | null {
  for (const rel of ["./liquibook-driver.cpp", "../../../bench/native/liquibook-driver.cpp"]) {
    const path = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(path)) return path;
  }
  return null;
}

/** Builds the driver, or says why not (no path given, no headers there, no g++, a compile error). */
export function buildDriver(liquibookDir: string | undefined): DriverBuild {
  if (liquibookDir === undefined || liquibookDir === "") {
    return {
      status: "skipped",
      reason: `no Liquibook source: set ${LIQUIBOOK_ENV} to a checkout of github.com/enewhuis/liquibook (header-only)`,
    };
  }
  const include = join(liquibookDir, "src");
  const bookDir = join(include, "book");
  if (!existsSync(join(bookDir, "order_book.h"))) {
    return {
      status: "skipped",
      reason: `${bookDir}/order_book.h not found: ${LIQUIBOOK_ENV} must be Liquibook's root`,
    };
  }
  const source = driverSource();
  if (source === null) return { status: "skipped", reason: "bench/native/liquibook-driver.cpp not found" };
  const version = spawnSync("g++", ["--version"], { encoding: "utf8" });
  if (version.status !== 0) return { status: "skipped", reason: "g++ not found" };
  const compiler = (version.stdout.split("\n")[0] ?? "g++").trim();

  const digest = createHash("sha256");
  digest.update(readFileSync(source));
  for (const name of readdirSync(bookDir).sort()) digest.update(name).update(readFileSync(join(bookDir, name)));
  digest.update(FLAGS.join(" ")).update(compiler);
  const dir = join(tmpdir(), "softliq-native", digest.digest("hex").slice(0, 16));
  const binary = join(dir, "liquibook-driver");
  if (existsSync(binary)) return { status: "built", binary, compiler };
  mkdirSync(dir, { recursive: true });
  const partial = `${binary}.${process.pid}`;
  const built = spawnSync("g++", [...FLAGS, "-I", include, source, "-o", partial], { encoding: "utf8" });
  if (built.status !== 0)
    return { status: "skipped", reason: `g++ failed: ${(built.stderr ?? "").trim().slice(0, 2000)}` };
  renameSync(partial, binary);
  return { status: "built", binary, compiler };
}

/** The driver as a child process: `round()` applies the whole flow once on a fresh book. */
export class NativeDriver {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly lines: Interface;
  private readonly waiting: ((line: string) => void)[] = [];
  private stderr = "";

  constructor(binary: string, flowFile: string) {
    this.child = spawn(binary, [flowFile], { stdio: ["pipe", "pipe", "pipe"] });
    this.child.stderr.setEncoding("utf8");
    this.child.stderr.on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.lines = createInterface({ input: this.child.stdout });
    this.lines.on("line", (line) => this.waiting.shift()?.(line));
  }

  round(): Promise<RoundResult> {
    return new Promise((resolve, reject) => {
      const onExit = (code: number | null): void =>
        reject(new Error(`liquibook-driver exited (${code}): ${this.stderr.trim()}`));
      this.child.once("exit", onExit);
      this.waiting.push((line) => {
        this.child.off("exit", onExit);
        resolve(JSON.parse(line) as RoundResult);
      });
      this.child.stdin.write("run\n");
    });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      if (this.child.exitCode !== null) return resolve();
      this.child.once("exit", () => resolve());
      this.child.stdin.end("quit\n");
    });
  }
}
