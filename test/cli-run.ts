import { execFile } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
/** The built command line (the tests' global setup builds it). */
export const CLI = join(fileURLToPath(new URL("..", import.meta.url)), "dist", "cli", "softliq.js");

export interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `softliq …` and returns its exit code and output, whatever the code. */
export async function softliq(...args: string[]): Promise<Ran> {
  try {
    const { stdout, stderr } = await run(process.execPath, [CLI, ...args], { maxBuffer: 1 << 26 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}
