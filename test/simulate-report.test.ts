import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { ROWS } from "../cli/simulate.js";
import { reportHtml, uplotAssets } from "../sim/report-html.js";
import { runModes, SIM_MODES, type SidePath, type SideResult } from "../sim/run.js";
import { buildScenario } from "../sim/scenario.js";
import { CLI } from "./cli-run.js";

const dir = mkdtempSync(join(tmpdir(), "softliq-report-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function page(name: string, seed: number): string {
  const scenario = buildScenario(name, seed);
  if (scenario === null) throw new Error(`no scenario ${name}`);
  const results: Record<string, SideResult> = {};
  const paths: Record<string, SidePath> = {};
  for (const run of runModes(scenario, SIM_MODES)) {
    results[run.result.mode] = run.result;
    paths[run.result.mode] = run.path;
  }
  return reportHtml({ scenario, seed, results, paths, rows: ROWS }, uplotAssets());
}

/** The run's data as the page carries it. */
function reportData(html: string): { modes: string[]; paths: Record<string, SidePath> } {
  const m = /<script>const REPORT = (.*);<\/script>/.exec(html);
  if (m === null) throw new Error("no REPORT literal in the page");
  return JSON.parse(m[1] as string);
}

const cascade = page("cascade", 1);

describe("softliq simulate --report", () => {
  it("is one self-contained page: no URL in a src or href, no fetch, uPlot inlined", () => {
    expect(cascade.startsWith("<!DOCTYPE html>")).toBe(true);
    expect(cascade).not.toMatch(/\b(src|href)\s*=\s*["']?\s*(https?:)?\/\//i);
    expect(cascade).not.toMatch(/<script[^>]+src=|<link\b|@import|url\(\s*["']?https?:/i);
    expect(cascade).not.toMatch(/\bfetch\(|XMLHttpRequest|WebSocket|EventSource/);
    expect(cascade).toContain(uplotAssets().uplotJs);
    expect(cascade).toContain("uplot"); // the inlined style's class names
  });

  it("carries every mode's series and every row of the comparison table", () => {
    const scenario = buildScenario("cascade", 1);
    const data = reportData(cascade);
    expect(data.modes).toEqual([...SIM_MODES]);
    for (const mode of SIM_MODES) {
      const p = data.paths[mode] as SidePath;
      expect(p.ts).toHaveLength(scenario?.steps ?? 0);
      expect(p.oracle.X).toHaveLength(scenario?.steps ?? 0);
      expect(p.closedQty.at(-1)).toBeGreaterThan(0);
      expect(cascade).toContain(`<th>${mode}</th>`);
    }
    for (const [, label] of ROWS) expect(cascade).toContain(`<th>${label.replace(/&/g, "&amp;")}</th>`);
  });

  it("gives the same bytes for the same seed, other bytes for another", () => {
    expect(page("cascade", 1)).toBe(cascade);
    expect(page("cascade", 2)).not.toBe(cascade);
  });

  it("is written by the CLI, and an unwritable --report fails before the run (exit 73)", () => {
    const out = join(dir, "cli.html");
    const r = spawnSync(process.execPath, [CLI, "simulate", "--scenario", "flash", "--mode", "both", "--report", out], {
      encoding: "utf8",
    });
    expect(r.status).toBe(0);
    expect(reportData(readFileSync(out, "utf8")).modes).toEqual(["hard", "soft"]);
    const bad = spawnSync(process.execPath, [CLI, "simulate", "--report", join(dir, "missing", "x.html")], {
      encoding: "utf8",
    });
    expect(bad.status).toBe(73);
    expect(bad.stdout).toBe("");
  });
});

const chromium = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((p) => existsSync(p)) ?? null;

describe("the report in headless Chromium", () => {
  it.skipIf(chromium === null)(
    `renders every chart without a script error${chromium === null ? " (skipped: Debian's chromium is not installed; apt-get install -y chromium)" : ""}`,
    () => {
      const file = join(dir, "oct2025.html");
      const shot = join(dir, "oct2025.png");
      // Two instruments and a wall clock: the richest page.
      const r = spawnSync(
        process.execPath,
        [CLI, "simulate", "--scenario", "oct2025", "--mode", "all", "--report", file],
        {
          encoding: "utf8",
        },
      );
      expect(r.status).toBe(0);
      const flags = ["--headless", "--no-sandbox", "--disable-gpu", "--virtual-time-budget=5000"];
      const url = pathToFileURL(file).href;
      const dom = spawnSync(chromium as string, [...flags, "--dump-dom", url], { encoding: "utf8", timeout: 50_000 });
      expect(dom.status).toBe(0);
      // Per instrument the whole run and the shock, a stage chart per mode, the lots, the fund.
      const charts = 2 * 2 + SIM_MODES.length + 2;
      expect(dom.stdout.match(/<canvas/g)?.length).toBe(charts);
      expect(dom.stdout.match(/class="u-title"/g)?.length).toBe(charts);
      // The page writes any script error into #errors: empty.
      expect(dom.stdout).toMatch(/<div id="errors"><\/div>/);
      expect(dom.stdout).toContain("21:2"); // the UTC clock on the time axis
      const png = spawnSync(chromium as string, [...flags, `--screenshot=${shot}`, "--window-size=1400,3000", url], {
        encoding: "utf8",
        timeout: 50_000,
      });
      expect(png.status).toBe(0);
      expect(readFileSync(shot).subarray(1, 4).toString()).toBe("PNG");
      expect(statSync(shot).size).toBeGreaterThan(50_000);
    },
  );
});
