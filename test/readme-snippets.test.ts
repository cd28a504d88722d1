/**
 * The README's Library snippets, compiled (tsc, strict, nodenext) and run against the package as
 * `npm pack` builds it, installed into a scratch project: what a newcomer copies must work.
 * The tarball's runtime dependencies come from this checkout's node_modules (no network).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
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
});
