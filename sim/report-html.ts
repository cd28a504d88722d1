/**
 * `softliq simulate --report OUT.html`: one run of every mode asked for, as one self-contained page
 * (no network: uPlot's script and style are inlined, the run's series are a JSON literal). The page
 * is a pure function of the run, so the same seed gives the same bytes; the drawing happens in the
 * browser (uPlot on canvas), the health histogram is drawn here as SVG (grouped bars).
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { HEALTH_BUCKETS } from "./criticality.js";
import type { SidePath, SideResult } from "./run.js";
import { QUOTE_PER_USD, type Scenario } from "./scenario.js";
import { MODE_COLORS } from "./svg.js";

/** One row of the comparison table: the figure, its label, whether lower is better (undefined: neither). */
export type ReportRow = readonly [keyof SideResult, string, boolean?];

export interface ReportInput {
  scenario: Scenario;
  seed: number;
  results: Record<string, SideResult>;
  paths: Record<string, SidePath>;
  rows: readonly ReportRow[];
}

export interface ReportAssets {
  uplotJs: string;
  uplotCss: string;
}

/** uPlot's built script and style, from the installed package (read at run time, inlined into the page). */
export function uplotAssets(): ReportAssets {
  const require = createRequire(import.meta.url);
  const js = require.resolve("uplot/dist/uPlot.iife.min.js");
  const css = require.resolve("uplot/dist/uPlot.min.css");
  return { uplotJs: readFileSync(js, "utf8"), uplotCss: readFileSync(css, "utf8") };
}

const STAGE_COLORS: Record<string, string> = {
  breach: "#f1c40f",
  stage2: "#e67e22",
  bankrupt: "#c0392b",
  unrestorable: "#8e44ad",
  preemptive: "#3498db",
  closedOut: "#2c3e50",
};

export function reportHtml(input: ReportInput, assets: ReportAssets): string {
  const { scenario: s, seed, results, paths, rows } = input;
  const modes = Object.keys(results);
  const data = {
    stepSeconds: s.stepNs / 1e9,
    steps: s.steps,
    shock: s.shock,
    clockStart: s.clockStart,
    quotePerUsd: QUOTE_PER_USD,
    modes,
    colors: Object.fromEntries(modes.map((m) => [m, MODE_COLORS[m] ?? "#2c3e50"])),
    stageColors: STAGE_COLORS,
    instruments: s.instruments.map((i) => ({ symbol: i.symbol, tickUsd: i.tickUsd, fair: i.fair })),
    paths,
  };
  const title = `softliq simulate: ${s.name}, seed ${seed}`;
  const duration = (s.steps * s.stepNs) / 1e9;
  const clock = s.clockStart === null ? "" : `, from ${s.clockStart.replace("T", " ").replace("Z", " UTC")}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>${assets.uplotCss}</style>
<style>${PAGE_CSS}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="what">${escapeHtml(s.description)}.</p>
<p class="what">${s.steps} steps of ${s.stepNs / 1e6} ms (${duration} s${escapeHtml(clock)}); the shock spans steps
${s.shock[0]}&ndash;${s.shock[1]}. Policies on the same seed: ${modes.map((m) => `<b style="color:${data.colors[m]}">${m}</b>`).join(", ")}.
Prices in USD (${s.instruments.map((i) => `${escapeHtml(i.symbol)}: ${i.tickUsd} USD a tick`).join(", ")}); money in
USD (${QUOTE_PER_USD} quote units a dollar) except in the table, which gives the CLI's quote units.</p>
<div id="errors"></div>
<h2>Comparison</h2>
${comparisonTable(results, modes, rows)}
<h2 id="prices-title">1. Price paths</h2>
<p class="note">The fair price (the other venues, dashed), each policy's oracle (the index it published, line)
and its lowest trade of each step where it is more than 0.1% under the fair price (dots). The shaded band is the shock, drawn again below on its own.
Click a legend entry to hide a series.</p>
<div id="prices"></div>
<h2>2. Accounts in each liquidation stage</h2>
<p class="note">Accounts per stage at the end of each step (left axis), and the accounts a liquidation closed out
entirely (cumulative, dashed, right axis); the same scales for every policy.</p>
<div id="stages" class="grid"></div>
<h2>3. Lots liquidated and auto-deleveraged</h2>
<p class="note">Cumulative lots closed by liquidation orders and backstops (solid; dotted: the part backstops
took, when a scenario has them) and passed to other accounts by auto-deleveraging (dashed), all instruments together.</p>
<div id="lots"></div>
<h2>4. Insurance fund</h2>
<div id="fund"></div>
<h2>5. Health before the shock and at the end</h2>
<p class="note">Accounts per health bucket (equity over maintenance margin; below 100% is a breach, "flat":
no position left).</p>
${healthSvg(paths, modes, data.colors)}
<script>${assets.uplotJs}</script>
<script>const REPORT = ${JSON.stringify(data).replace(/</g, "\\u003c")};</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}

function comparisonTable(results: Record<string, SideResult>, modes: readonly string[], rows: readonly ReportRow[]) {
  const head = `<tr><th></th>${modes.map((m) => `<th>${escapeHtml(m)}</th>`).join("")}</tr>`;
  const body = rows.map(([key, label, lowerIsBetter]) => {
    const values = modes.map((m) => results[m]?.[key]);
    const numbers = values.filter((v): v is number => typeof v === "number");
    const best =
      lowerIsBetter === undefined || numbers.length < 2
        ? null
        : lowerIsBetter
          ? Math.min(...numbers)
          : Math.max(...numbers);
    const cells = values.map((v) => {
      const text = typeof v === "number" ? groupDigits(v) : v === null ? "not recovered" : String(v);
      return `<td${best !== null && v === best ? ' class="best"' : ""}>${escapeHtml(text)}</td>`;
    });
    return `<tr><th>${escapeHtml(label)}</th>${cells.join("")}</tr>`;
  });
  return `<table class="cmp">${head}\n${body.join("\n")}</table>
<p class="note">Bold green: the best policy on a row where lower (or, for equity, higher) is better for the accounts.</p>`;
}

/** Grouped bars: before the shock (one bar when every policy starts alike) and each policy at the end. */
function healthSvg(paths: Record<string, SidePath>, modes: readonly string[], colors: Record<string, string>): string {
  const befores = modes.map((m) => paths[m]?.healthBefore ?? []);
  const alike = befores.every((b) => JSON.stringify(b) === JSON.stringify(befores[0]));
  const groups: { label: string; color: string; counts: number[] }[] = [];
  if (alike) groups.push({ label: "before the shock (every policy)", color: "#95a5a6", counts: befores[0] ?? [] });
  else
    for (const [k, m] of modes.entries())
      groups.push({ label: `${m}, before`, color: "#95a5a6", counts: befores[k] ?? [] });
  for (const m of modes)
    groups.push({ label: `${m}, at the end`, color: colors[m] ?? "#2c3e50", counts: paths[m]?.healthAfter ?? [] });
  const width = 1300;
  const height = 380;
  const left = 70;
  const bottom = 60;
  const top = 20;
  const plotW = width - left - 240;
  const plotH = height - top - bottom;
  const max = Math.max(1, ...groups.flatMap((g) => g.counts));
  const step = niceStep(max / 5);
  const yMax = Math.ceil(max / step) * step;
  const y = (v: number): number => top + plotH - (plotH * v) / yMax;
  const slot = plotW / HEALTH_BUCKETS.length;
  const barW = (slot * 0.8) / groups.length;
  const parts: string[] = [
    `<svg class="health" xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
  ];
  for (let v = 0; v <= yMax; v += step) {
    parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`);
    parts.push(`<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end">${v}</text>`);
  }
  HEALTH_BUCKETS.forEach((b, i) => {
    const x0 = left + i * slot + slot * 0.1;
    groups.forEach((g, k) => {
      const v = g.counts[i] ?? 0;
      const x = (x0 + k * barW).toFixed(1);
      parts.push(
        `<rect x="${x}" y="${y(v).toFixed(1)}" width="${(barW - 1).toFixed(1)}" height="${(top + plotH - y(v)).toFixed(1)}" fill="${g.color}"><title>${escapeHtml(`${g.label}, ${b.label}: ${v}`)}</title></rect>`,
      );
    });
    parts.push(
      `<text x="${(left + (i + 0.5) * slot).toFixed(1)}" y="${top + plotH + 18}" text-anchor="middle">${escapeHtml(b.label)}</text>`,
    );
  });
  parts.push(`<line x1="${left}" x2="${left + plotW}" y1="${top + plotH}" y2="${top + plotH}" stroke="#333"/>`);
  parts.push(
    `<text x="${left + plotW / 2}" y="${height - 12}" text-anchor="middle">health (equity / maintenance margin)</text>`,
  );
  parts.push(`<text transform="translate(16 ${top + plotH / 2}) rotate(-90)" text-anchor="middle">accounts</text>`);
  groups.forEach((g, k) => {
    const ly = top + 10 + k * 20;
    parts.push(`<rect x="${left + plotW + 20}" y="${ly - 10}" width="14" height="12" fill="${g.color}"/>`);
    parts.push(`<text x="${left + plotW + 40}" y="${ly}">${escapeHtml(g.label)}</text>`);
  });
  parts.push("</svg>");
  return parts.join("\n");
}

function niceStep(raw: number): number {
  const p = 10 ** Math.floor(Math.log10(Math.max(1, raw)));
  for (const m of [1, 2, 5, 10]) if (m * p >= raw) return m * p;
  return 10 * p;
}

function groupDigits(n: number): string {
  return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

const PAGE_CSS = `
body { font-family: -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; margin: 20px 40px; color: #222; max-width: 1320px; }
h1 { font-size: 22px; margin-bottom: 4px; }
h2 { font-size: 18px; margin: 28px 0 6px; border-bottom: 1px solid #ccc; }
h3 { font-size: 14px; margin: 10px 0 2px; }
p.what { margin: 4px 0; }
p.note { margin: 2px 0 8px; color: #555; font-size: 13px; }
#errors { color: #c0392b; font-weight: bold; }
table.cmp { border-collapse: collapse; font-size: 13px; }
table.cmp th, table.cmp td { border-bottom: 1px solid #e3e3e3; padding: 3px 12px; }
table.cmp th { text-align: left; font-weight: normal; }
table.cmp tr:first-child th { font-weight: bold; text-align: right; }
table.cmp td { text-align: right; font-variant-numeric: tabular-nums; }
table.cmp td.best { color: #1e8449; font-weight: bold; }
.grid { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 20px; }
.uplot { font-family: inherit; }
`;

/** The browser side: the charts, from REPORT. Script errors are written into #errors (the Chromium test reads them). */
const PAGE_SCRIPT = `
"use strict";
window.addEventListener("error", (e) => {
  document.getElementById("errors").textContent += "script error: " + e.message + " ";
});
(function () {
  const R = REPORT;
  const t = R.paths[R.modes[0]].ts.map((ns) => ns / 1e9);
  const clock0 = R.clockStart === null ? null : Date.parse(R.clockStart);
  const pad2 = (n) => String(n).padStart(2, "0");
  const timeLabel = clock0 === null ? "time since the start (s)" : "time, UTC (" + R.clockStart.slice(0, 10) + ")";
  const timeText = (v) => {
    if (clock0 === null) return String(Math.round(v * 1000) / 1000);
    const d = new Date(clock0 + v * 1000);
    return pad2(d.getUTCHours()) + ":" + pad2(d.getUTCMinutes()) + ":" + pad2(d.getUTCSeconds());
  };
  const group = (v, digits) => {
    const s = Math.abs(v).toFixed(digits);
    const [i, f] = s.split(".");
    return (v < 0 ? "\\u2212" : "") + i.replace(/\\B(?=(\\d{3})+(?!\\d))/g, ",") + (f === undefined ? "" : "." + f);
  };
  // On a wall clock (step 0 on a whole minute) the ticks fall on whole seconds and minutes.
  const clockIncrs = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600];
  const xAxis = Object.assign({ label: timeLabel, values: (u, vals) => vals.map(timeText), space: 80 }, clock0 === null ? {} : { incrs: clockIncrs });
  const yAxis = (label, fmt) => ({ label, values: (u, vals) => vals.map(fmt), size: 80, labelSize: 20 });
  const shockBand = (x0, x1) => ({
    hooks: {
      drawClear: [
        (u) => {
          const a = u.valToPos(x0, "x", true);
          const b = u.valToPos(x1, "x", true);
          u.ctx.save();
          u.ctx.fillStyle = "rgba(231, 76, 60, 0.07)";
          u.ctx.fillRect(a, u.bbox.top, b - a, u.bbox.height);
          u.ctx.restore();
        },
      ],
    },
  });
  const chart = (parent, title, series, data, axes, extra) => {
    const div = document.createElement("div");
    parent.appendChild(div);
    const width = parent.classList.contains("grid") ? 640 : 1300;
    const height = parent.classList.contains("grid") ? 240 : 380;
    return new uPlot(
      Object.assign({ title, width, height, padding: [8, 48, 0, 0], series: [{ label: "time", value: (u, v) => (v == null ? "" : timeText(v)) }].concat(series.map((x) => Object.assign({ points: { show: false } }, x))), axes, scales: { x: { time: false } }, cursor: { drag: { x: true, y: false } } }, extra || {}),
      [data[0]].concat(data.slice(1)),
      div,
    );
  };
  // A step's lowest trade is drawn where it is more than 0.1% under the fair price: trades at the
  // fair price would cover the lines, and the ones through the book are what the chart is for.
  const DEEP_PPM = 1000;
  const slice = (arr, a, b) => arr.slice(a, b);

  // 1. Prices: every instrument, the whole run and the shock.
  const prices = document.getElementById("prices");
  for (const inst of R.instruments) {
    const usd = (ticks) => ticks * inst.tickUsd;
    const digits = inst.tickUsd < 1 ? 2 : 0;
    const fmt = (v) => group(v, digits);
    const series = [{ label: "fair", stroke: "#555", width: 2, dash: [6, 4], points: { show: false }, value: (u, v) => (v == null ? "" : fmt(v)) }];
    const cols = [inst.fair.map(usd)];
    for (const m of R.modes) {
      const p = R.paths[m];
      series.push({ label: m + " oracle", stroke: R.colors[m], width: 1.5, points: { show: false }, value: (u, v) => (v == null ? "" : fmt(v)) });
      cols.push(p.oracle[inst.symbol].map(usd));
      series.push({
        label: m + " lowest trade (> 0.1% under fair)",
        stroke: R.colors[m],
        fill: R.colors[m],
        paths: () => null,
        points: { show: true, size: 5, width: 1, stroke: R.colors[m], fill: R.colors[m] },
        value: (u, v) => (v == null ? "\\u2013" : fmt(v)),
      });
      cols.push(p.lowTrade[inst.symbol].map((v, i) => (v !== 0 && (inst.fair[i] - v) * 1e6 > DEEP_PPM * inst.fair[i] ? usd(v) : null)));
    }
    const axes = [xAxis, yAxis(inst.symbol + " price (USD)", fmt)];
    const s0 = t[R.shock[0]];
    const s1 = t[Math.min(R.shock[1], t.length - 1)];
    chart(prices, inst.symbol + ": fair price, oracle and lowest trade per policy, the whole run", series, [t].concat(cols), axes, shockBand(s0, s1));
    const a = R.shock[0];
    const b = Math.min(R.shock[1] + 1, t.length);
    chart(
      prices,
      inst.symbol + ": the shock, " + timeText(s0) + (clock0 === null ? " s" : "") + " to " + timeText(s1) + (clock0 === null ? " s" : ""),
      series,
      [slice(t, a, b)].concat(cols.map((c) => slice(c, a, b))),
      axes,
    );
  }

  // 2. Stages, one chart a policy on one scale; the closed-out count (cumulative, much larger) on its own right axis.
  const stageNames = Object.keys(R.stageColors).filter((n) => n !== "closedOut");
  let stageMax = 1;
  let closedMax = 1;
  for (const m of R.modes) {
    for (const n of stageNames) for (const v of R.paths[m].stages[n]) stageMax = Math.max(stageMax, v);
    for (const v of R.paths[m].stages.closedOut) closedMax = Math.max(closedMax, v);
  }
  const stages = document.getElementById("stages");
  const count = (v) => group(v, 0);
  for (const m of R.modes) {
    const p = R.paths[m];
    const series = stageNames.map((n) => ({ label: n, stroke: R.stageColors[n], width: 1.5 }));
    series.push({ label: "closed out (cumulative, right axis)", stroke: R.stageColors.closedOut, width: 2, dash: [5, 3], scale: "closed" });
    chart(
      stages,
      m + ": accounts per stage",
      series,
      [t].concat(stageNames.map((n) => p.stages[n]), [p.stages.closedOut]),
      [xAxis, yAxis("accounts in the stage", count), { scale: "closed", side: 1, grid: { show: false }, label: "accounts closed out", values: (u, vals) => vals.map(count), size: 60, labelSize: 20 }],
      { scales: { x: { time: false }, y: { range: [0, Math.ceil(stageMax * 1.1)] }, closed: { range: [0, Math.ceil(closedMax * 1.05)] } } },
    );
  }

  // 3. Lots.
  const lotSeries = [];
  const lotCols = [];
  const anyBackstop = R.modes.some((m) => R.paths[m].backstopQty.some((v) => v !== 0));
  for (const m of R.modes) {
    const p = R.paths[m];
    lotSeries.push({ label: m + " liquidated", stroke: R.colors[m], width: 2 });
    lotCols.push(p.closedQty);
    lotSeries.push({ label: m + " ADL", stroke: R.colors[m], width: 1.5, dash: [6, 4] });
    lotCols.push(p.adlQty);
    if (anyBackstop) {
      lotSeries.push({ label: m + " to backstops", stroke: R.colors[m], width: 1, dash: [2, 3] });
      lotCols.push(p.backstopQty);
    }
  }
  chart(document.getElementById("lots"), "Cumulative lots liquidated and auto-deleveraged, per policy", lotSeries, [t].concat(lotCols), [xAxis, yAxis("lots (cumulative)", (v) => group(v, 0))]);

  // 4. The insurance fund in USD.
  const usdFmt = (v) => group(v, 0);
  chart(
    document.getElementById("fund"),
    "Insurance fund per policy",
    R.modes.map((m) => ({ label: m, stroke: R.colors[m], width: 2, value: (u, v) => (v == null ? "" : usdFmt(v) + " USD") })),
    [t].concat(R.modes.map((m) => R.paths[m].insuranceFund.map((q) => q / R.quotePerUsd))),
    [xAxis, yAxis("insurance fund (USD)", usdFmt)],
  );
})();
`;
