import { readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

/**
 * The house's layering, read from the imports: dependencies point one way, from the contract up to
 * the command line. A file may import its own layer and the layers below it, never one above, so no
 * two top-level folders import each other, and the library entry reaches neither bench/ nor cli/.
 */
const ROOT = fileURLToPath(new URL("..", import.meta.url));
const LAYERS = [
  "io",
  "protocol",
  "engine",
  "liquidator",
  "exchange.ts",
  "lobster",
  "worker",
  "replica",
  "sim",
  "bench",
  "cli",
];

function layerOf(path: string): string | null {
  const top = relative(ROOT, path).split(/[\\/]/)[0] as string;
  return LAYERS.includes(top) ? top : top === "index.ts" ? "index.ts" : null;
}

function sources(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist" || name === "test" || name.startsWith(".")) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...sources(path));
    else if (name.endsWith(".ts") && !name.endsWith(".d.ts")) out.push(path);
  }
  return out;
}

/** [importer, imported] for every relative import (static or dynamic) of every source file. */
function edges(): [string, string][] {
  const out: [string, string][] = [];
  for (const file of sources(ROOT)) {
    const text = readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*"(\.{1,2}\/[^"]+)"/g)) {
      const target = resolve(dirname(file), (m[1] as string).replace(/\.js$/, ".ts"));
      out.push([file, target]);
    }
  }
  return out;
}

describe("the layering", () => {
  const all = edges();

  it("gives every built top-level folder and file its place in the order (an unlisted one would escape the checks)", () => {
    const build = JSON.parse(readFileSync(join(ROOT, "tsconfig.build.json"), "utf8")) as { include: string[] };
    expect(build.include.filter((top) => top !== "index.ts" && !LAYERS.includes(top))).toEqual([]);
  });

  it("has no import from a lower layer into a higher one (so no two top-level folders import each other)", () => {
    const wrong: string[] = [];
    for (const [from, to] of all) {
      const a = layerOf(from);
      const b = layerOf(to);
      if (a === null || b === null || a === "index.ts" || b === "index.ts") continue;
      if (LAYERS.indexOf(b) > LAYERS.indexOf(a)) wrong.push(`${relative(ROOT, from)} → ${relative(ROOT, to)}`);
    }
    expect(wrong).toEqual([]);
  });

  it("lets the money layer reach the engine only through its seam: what it is told, reads and writes", () => {
    // margin-hooks.ts (the hooks, MarginControl, MarginBook), depth-view.ts (a book's depth),
    // state-section.ts, the event stream it writes to, and the records the hooks hand over.
    const seam = ["margin-hooks.ts", "depth-view.ts", "state-section.ts", "event-stream.ts", "order.ts", "taker.ts"];
    const wrong = all
      .filter(([from, to]) => layerOf(from) === "liquidator" && layerOf(to) === "engine")
      .filter(([, to]) => !seam.some((name) => to === join(ROOT, "engine", name)))
      .map(([from, to]) => `${relative(ROOT, from)} → ${relative(ROOT, to)}`);
    expect(wrong).toEqual([]);
  });

  it("finds no two top-level folders that import each other", () => {
    const pairs = new Set<string>();
    for (const [from, to] of all) {
      const a = layerOf(from);
      const b = layerOf(to);
      if (a !== null && b !== null && a !== b) pairs.add(`${a} ${b}`);
    }
    const both = [...pairs].filter((p) => pairs.has(p.split(" ").reverse().join(" "))).sort();
    expect(both).toEqual([]);
  });

  it("keeps the library entry (index.ts) from reaching bench/ or cli/, through any chain of imports", () => {
    const next = new Map<string, string[]>();
    for (const [from, to] of all) next.set(from, [...(next.get(from) ?? []), to]);
    const seen = new Set<string>();
    const stack = [join(ROOT, "index.ts")];
    const reached: string[] = [];
    while (stack.length > 0) {
      const file = stack.pop() as string;
      if (seen.has(file)) continue;
      seen.add(file);
      const layer = layerOf(file);
      if (layer === "bench" || layer === "cli") reached.push(relative(ROOT, file));
      stack.push(...(next.get(file) ?? []));
    }
    expect(reached).toEqual([]);
  });
});
