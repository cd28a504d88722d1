// Regenerates docs/simulate-report.png, the README's main chart: the report of
// `softliq simulate --scenario cascade --seed 1 --mode all --report`, its price chart (570 px) in
// headless Chromium (Debian's chromium). Run after `npm run build`: node tools/report-png.mjs [OUT.png]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";

const out = process.argv[2] ?? "docs/simulate-report.png";
const chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p));
if (chromium === undefined) {
  console.error("report-png: Debian's chromium is not installed (apt-get install -y chromium)");
  process.exit(2);
}
const dir = mkdtempSync(join(tmpdir(), "softliq-report-"));
try {
  const page = join(dir, "cascade.html");
  const sim = spawnSync(
    process.execPath,
    ["dist/cli/softliq.js", "simulate", "--scenario", "cascade", "--seed", "1", "--mode", "all", "--report", page],
    { stdio: "inherit" },
  );
  if (sim.status !== 0) process.exit(sim.status ?? 1);
  // The picture is the price chart: the page's head and comparison table are hidden in a copy.
  const hide = "<style>body > :has(~ #prices-title) { display: none }</style>";
  writeFileSync(page, readFileSync(page, "utf8").replace("</head>", `${hide}</head>`));
  const flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"];
  const shot = spawnSync(
    chromium,
    [
      ...flags,
      "--virtual-time-budget=5000",
      `--user-data-dir=${join(dir, "profile")}`,
      `--screenshot=${join(process.cwd(), out)}`,
      "--window-size=1400,570",
      pathToFileURL(page).href,
    ],
    { encoding: "utf8", timeout: 60_000 },
  );
  if (shot.status !== 0) {
    console.error(`report-png: chromium failed: ${shot.stderr}`);
    process.exit(1);
  }
  console.log(`wrote ${out}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
