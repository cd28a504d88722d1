/**
 * vitest global setup: worker threads load built JavaScript (dist/), so the tests that start one
 * need a build no older than the sources. Builds only when a source file is newer than the stamp.
 * The test-only worker entries (test/support/) are transpiled file by file into dist/test/support/,
 * where their imports of ../../worker/… reach the build (npm pack leaves dist/test out).
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = fileURLToPath(new URL("..", import.meta.url));
/** What the build compiles (tsconfig.build.json's include), so a new top-level folder is watched too. */
const SOURCES = (JSON.parse(readFileSync(join(ROOT, "tsconfig.build.json"), "utf8")) as { include: string[] }).include;
const STAMP = join(ROOT, "dist", ".build-stamp");

function newestSource(path: string): number {
  if (!existsSync(path)) return 0;
  const info = statSync(path);
  if (!info.isDirectory()) return path.endsWith(".ts") ? info.mtimeMs : 0;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestSource(join(path, name)));
  return newest;
}

const SUPPORT = join(ROOT, "test", "support");
const SUPPORT_OUT = join(ROOT, "dist", "test", "support");

/** Type-checking is `npm run typecheck`'s: here each file is only stripped to JavaScript. */
function transpileSupport(): void {
  mkdirSync(SUPPORT_OUT, { recursive: true });
  for (const name of readdirSync(SUPPORT)) {
    if (!name.endsWith(".ts")) continue;
    const from = join(SUPPORT, name);
    const to = join(SUPPORT_OUT, name.replace(/\.ts$/, ".js"));
    if (existsSync(to) && statSync(to).mtimeMs >= statSync(from).mtimeMs) continue;
    const out = ts.transpileModule(readFileSync(from, "utf8"), {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
      fileName: name,
    });
    writeFileSync(to, out.outputText);
  }
}

export default function setup(): void {
  buildIfStale();
  transpileSupport();
}

function buildIfStale(): void {
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
