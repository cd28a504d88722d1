/** `softliq` subcommands as child processes the NATS tests can wait on, kill and restart. */
import { type ChildProcess, spawn } from "node:child_process";
import { CLI } from "./cli-run.js";

export interface Child {
  process: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal) and everything printed. */
  exited: Promise<{ code: number | null; stdout: string; stderr: string }>;
}

export function start(...args: string[]): Child {
  const child = spawn(process.execPath, [CLI, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString("utf8");
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString("utf8");
  });
  const exited = new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
  return { process: child, exited };
}

/** Polls `check` every 50 ms until it returns a value (not undefined) or `timeoutMs` passes. */
export async function until<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    let last: unknown = null;
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${what}${last === null ? "" : `: ${String(last)}`}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
