/**
 * The README's Library snippets and the examples/ folder, compiled (tsc, strict, nodenext) and run against the package as
 * `npm pack` builds it, installed into a scratch project: what a newcomer copies must work.
 * The tarball's runtime dependencies come from this checkout's node_modules (no network).
 */
import { execFileSync, spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = resolve(import.meta.dirname, "..");

function librarySnippets(): string[] {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");
  const start = readme.indexOf("\n## Library");
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end);
  return [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1] as string);
}

describe("the README's library snippets", () => {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "softliq-readme-"));
    const tarball = execFileSync("npm", ["pack", "--ignore-scripts", "--silent", "--pack-destination", dir], {
      cwd: ROOT,
      encoding: "utf8",
    }).trim();
    const modules = join(dir, "node_modules");
    mkdirSync(join(modules, "softliq"), { recursive: true });
    execFileSync("tar", ["-xzf", join(dir, tarball), "-C", join(modules, "softliq"), "--strip-components=1"]);
    const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
      dependencies: Record<string, string>;
    };
    for (const dep of [...Object.keys(pkg.dependencies), "@types/node"]) {
      const target = join(modules, dep);
      mkdirSync(join(target, ".."), { recursive: true });
      symlinkSync(join(ROOT, "node_modules", dep), target, "dir");
    }
    writeFileSync(join(dir, "package.json"), JSON.stringify({ type: "module", private: true }));
    writeFileSync(
      join(dir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          module: "nodenext",
          moduleResolution: "nodenext",
          target: "es2022",
          strict: true,
          noUnusedLocals: false,
          skipLibCheck: false,
          types: ["node"],
          outDir: "out",
        },
        include: ["*.ts"],
      }),
    );
  }, 120_000);
  afterAll(() => {
    if (dir !== "") rmSync(dir, { recursive: true, force: true });
  });

  const snippets = librarySnippets();

  it("are there", () => {
    expect(snippets.length).toBeGreaterThanOrEqual(2);
  });

  it("compile against the packed package's types and run to completion", () => {
    // Each snippet is a module of its own (top-level await).
    for (const [i, code] of snippets.entries()) writeFileSync(join(dir, `snippet${i}.ts`), `${code}\nexport {};\n`);
    const tsc = spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", dir], {
      encoding: "utf8",
    });
    expect(tsc.stdout + tsc.stderr).toBe("");
    expect(tsc.status).toBe(0);
    for (let i = 0; i < snippets.length; i++) {
      const run = spawnSync(process.execPath, [join(dir, "out", `snippet${i}.js`)], {
        cwd: dir,
        encoding: "utf8",
        timeout: 30_000,
      });
      expect(run.stderr, `snippet ${i}`).toBe("");
      expect(run.status, `snippet ${i}`).toBe(0);
    }
  }, 120_000);

  it("examples/: each compiles against the packed package and runs to completion, saying what it shows", () => {
    const examples = readdirSync(join(ROOT, "examples")).filter((f) => f.endsWith(".ts"));
    expect(examples.length).toBeGreaterThanOrEqual(3);
    for (const f of examples) copyFileSync(join(ROOT, "examples", f), join(dir, f));
    const tsc = spawnSync(process.execPath, [join(ROOT, "node_modules/typescript/bin/tsc"), "-p", dir], {
      encoding: "utf8",
    });
    expect(tsc.stdout + tsc.stderr).toBe("");
    const outputs: Record<string, string> = {};
    for (const f of examples) {
      const run = spawnSync(process.execPath, [join(dir, "out", f.replace(/\.ts$/, ".js"))], {
        cwd: dir,
        encoding: "utf8",
        timeout: 60_000,
      });
      expect(run.stderr, f).toBe("");
      expect(run.status, f).toBe(0);
      outputs[f] = run.stdout;
    }
    // What each example claims, as it prints it.
    expect(outputs["worker-feed.ts"]).toMatch(/same state in the worker: true/);
    expect(outputs["worker-feed.ts"]).toMatch(/after close: EngineClient: closed \(state closed\)/);
    expect(outputs["replay-file.ts"]).toMatch(/^10149 lines, 0 rejected/m);
    const soft = /soft: (\d+) child order\(s\) closed (\d+) lots/.exec(outputs["soft-vs-hard.ts"] ?? "");
    const hard = /hard: (\d+) child order\(s\) closed (\d+) lots/.exec(outputs["soft-vs-hard.ts"] ?? "");
    expect(Number(soft?.[2])).toBeGreaterThan(0);
    expect(Number(soft?.[2])).toBeLessThan(Number(hard?.[2]));
    // Closing less at better prices leaves the trader more equity.
    const equities = [...(outputs["soft-vs-hard.ts"] ?? "").matchAll(/equity (-?\d+)/g)].map((m) => Number(m[1]));
    expect(equities).toHaveLength(2);
    expect(equities[0]).toBeGreaterThan(equities[1] as number);
  }, 120_000);
});
