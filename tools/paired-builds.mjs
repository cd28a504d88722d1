#!/usr/bin/env node
/**
 * Builds compared on the margined bench flow in one process, paired: the first build's bare flow
 * and every build's margined flow step through the 1M-command flow in lockstep, 25k commands at a
 * time, the order rotating, each on a fresh engine a round (the margined suite's rounds,
 * bench/suites/margined-flow.ts, from this checkout's build; flows from this checkout's generator). This machine swings the same build up
 * to 2x between moments and processes; paired chunks cancel that, and two copies of one build read
 * within ~3% of each other. Each build is a `dist` directory (a copy of `npm run build`'s output
 * under its own path: the same path twice would load one module).
 *
 *   cp -r dist /tmp/before/dist   # (with node_modules reachable from /tmp/before)
 *   ... change, npm run build ...
 *   node tools/paired-builds.mjs 5 /tmp/before/dist ./dist
 *   node tools/paired-builds.mjs --accounts 10000 5 /tmp/before/dist ./dist   # many accounts
 *
 * Prints, per build, Σ of each chunk's least time, the paired median of bare ÷ margined time, and
 * the paired median of this build's margined time ÷ the first build's. A build may also be a copy
 * with hooks patched to do nothing: the price of those hooks (bench/README.md, "Margined flow").
 */
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const args = process.argv.slice(2);
// --accounts N: the flow's orders spread over N accounts (the generator's and the suite's default: 20).
const accountsAt = args.indexOf("--accounts");
const accounts = accountsAt >= 0 ? Number(args.splice(accountsAt, 2)[1]) : 20;
const [roundsArg, ...dirs] = args;
const rounds = Number(roundsArg);
if (!Number.isInteger(rounds) || rounds < 2 || dirs.length === 0 || !Number.isInteger(accounts) || accounts < 1) {
  console.error("usage: node tools/paired-builds.mjs [--accounts N] ROUNDS DIST_DIR [DIST_DIR...]");
  process.exit(2);
}
const load = (dir, file) => import(pathToFileURL(path.resolve(dir, file)).href);
// The harness is this checkout's build (the suite's lockstep rounds); the engines are the builds'.
const own = path.join(path.dirname(fileURLToPath(import.meta.url)), "..", "dist");
const { lockstepRound, newSide, pairedRatio, withoutAccounts } = await load(own, "bench/suites/margined-flow.js");
const { generateFlow } = await load(own, "sim/flow-generator.js");
const builds = [];
for (const dir of dirs) builds.push(await load(dir, "exchange.js"));

const margined = generateFlow({ commands: 1_000_000, seed: 42, accountPpm: 1_000_000, accounts });
const bare = withoutAccounts(margined);
const side = (name, build, flow) => newSide(name, flow, (onEvent) => new build.Engine({ onEvent }));
const sides = [
  side(`bare (${dirs[0]})`, builds[0], bare),
  ...dirs.map((d, i) => side(`margined ${d}`, builds[i], margined)),
];
for (let r = 0; r < rounds; r++) lockstepRound(sides, r, r > 0); // round 0 warms the JIT

/** Σ over the chunks of each one's least time over the timed rounds. */
const floor = (s) => {
  const chunks = s.chunkMs.length / (rounds - 1); // every timed round pairs the same chunks
  let sum = 0;
  for (let k = 0; k < chunks; k++) {
    let least = Number.POSITIVE_INFINITY;
    for (let i = k; i < s.chunkMs.length; i += chunks) least = Math.min(least, s.chunkMs[i]);
    sum += least;
  }
  return sum;
};
for (let at = 0; at < sides.length; at++) {
  const s = sides[at];
  const vsFirst = at > 1 ? `  margined time ÷ the first build's ${pairedRatio(s, sides[1]).toFixed(3)}` : "";
  console.log(
    `${s.name}: Σ chunk minima ${floor(s).toFixed(1)} ms, bare ÷ this ${pairedRatio(sides[0], s).toFixed(3)}${vsFirst}`,
  );
}
