/**
 * vitest global setup: worker threads load built JavaScript (dist/), so the tests that start one
 * need a build no older than the sources. Builds only when a source file is newer than the stamp.
 */
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
const SOURCES = [
  "index.ts",
  "exchange.ts",
  "engine",
  "protocol",
  "liquidator",
  "worker",
  "replica",
  "cli",
  "sim",
  "bench",
];
const STAMP = join(ROOT, "dist", ".build-stamp");

function newestSource(path: string): number {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return path.endsWith(".ts") ? info.mtimeMs : 0;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestSource(join(path, name)));
  return newest;
}

export default function setup(): void {
  const newest = Math.max(
    ...SOURCES.map((s) => newestSource(join(ROOT, s))),
    newestSource(join(ROOT, "tsconfig.json")),
  );
  if (existsSync(STAMP) && statSync(STAMP).mtimeMs >= newest) return;
  execFileSync(
    process.execPath,
    [join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"],
    {
      cwd: ROOT,
      stdio: "inherit",
    },
  );
  writeFileSync(STAMP, `${new Date().toISOString()}\n`);
}
