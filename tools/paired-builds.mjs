#!/usr/bin/env node
/**
 * Builds compared on the margined bench flow in one process, paired: the first build's bare flow
 * and every build's margined flow step through the 1M-command flow in lockstep, 25k commands at a
 * time, the order rotating, each on a fresh engine a round. This machine swings the same build up
 * to 2x between moments and processes; paired chunks cancel that, and two copies of one build read
 * within ~3% of each other. Each build is a `dist` directory (a copy of `npm run build`'s output
 * under its own path: the same path twice would load one module).
 *
 *   cp -r dist /tmp/before/dist   # (with node_modules reachable from /tmp/before)
 *   ... change, npm run build ...
 *   node tools/paired-builds.mjs 5 /tmp/before/dist ./dist
 *
 * Prints, per build, Σ of each chunk's least time, the paired median of bare ÷ margined time, and
 * the paired median of this build's margined time ÷ the first build's. A build may also be a copy
 * with hooks patched to do nothing: the price of those hooks (bench/README.md, "Margined flow").
 */
import path from "node:path";
import { pathToFileURL } from "node:url";

const [roundsArg, ...dirs] = process.argv.slice(2);
const rounds = Number(roundsArg);
if (!Number.isInteger(rounds) || rounds < 2 || dirs.length === 0) {
  console.error("usage: node tools/paired-builds.mjs ROUNDS DIST_DIR [DIST_DIR...]");
  process.exit(2);
}
const load = (dir, file) => import(pathToFileURL(path.resolve(dir, file)).href);
const builds = [];
for (const dir of dirs) builds.push(await load(dir, "exchange.js"));
const { generateFlow } = await load(dirs[0], "sim/flow-generator.js");
const { withoutAccounts } = await load(dirs[0], "bench/suites/margined-flow.js");

const margined = generateFlow({ commands: 1_000_000, seed: 42, accountPpm: 1_000_000 });
const bare = withoutAccounts(margined);
const CHUNK = 25_000;
const chunks = Math.ceil(margined.length / CHUNK);
const sides = [
  { name: `bare (${dirs[0]})`, build: builds[0], flow: bare },
  ...dirs.map((dir, i) => ({ name: `margined ${dir}`, build: builds[i], flow: margined })),
];
const times = sides.map(() => Array.from({ length: chunks }, () => []));

for (let r = 0; r < rounds; r++) {
  const engines = sides.map((side) => new side.build.Engine({ onEvent: () => {} }));
  for (let k = 0; k < chunks; k++) {
    for (let j = 0; j < sides.length; j++) {
      const at = (j + k + r) % sides.length;
      const flow = sides[at].flow;
      const engine = engines[at];
      const end = Math.min(flow.length, (k + 1) * CHUNK);
      const started = performance.now();
      for (let i = k * CHUNK; i < end; i++) engine.apply(flow[i]);
      if (r > 0) times[at][k].push(performance.now() - started); // round 0 warms the JIT
    }
  }
}

const median = (values) => {
  const sorted = [...values].sort((x, y) => x - y);
  return sorted[sorted.length >> 1];
};
const paired = (x, y) => {
  const ratios = [];
  for (let k = 0; k < chunks; k++)
    for (let i = 0; i < times[x][k].length; i++) ratios.push(times[x][k][i] / times[y][k][i]);
  return median(ratios);
};
const floor = (at) => times[at].reduce((sum, ms) => sum + Math.min(...ms), 0);
for (let at = 0; at < sides.length; at++) {
  const vsFirst = at > 1 ? `  margined time ÷ the first build's ${paired(at, 1).toFixed(3)}` : "";
  console.log(
    `${sides[at].name}: Σ chunk minima ${floor(at).toFixed(1)} ms, bare ÷ this ${paired(0, at).toFixed(3)}${vsFirst}`,
  );
}
