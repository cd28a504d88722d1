/**
 * The parameter sweep's chart (`simulate --sweep --svg`): drawdown against equity retained, one dot
 * per grid point; the frontier's points larger and labelled with their debt (bad debt + open
 * deficit, its area growing with it), the rest grey, the defaults' point ringed.
 */
import type { SweepReport, SweepRow } from "./param-sweep.js";
import { escapeXml, MODE_COLORS } from "./svg.js";

const WIDTH = 900;
const HEIGHT = 520;
const PAD = 70;
/** Room on the left for the equity axis' labels (8-digit quote units). */
const LEFT = 120;

export function frontierSvg(report: SweepReport): string {
  const rows = report.points;
  const xs = rows.map((r) => r.maxDrawdownPpm);
  const ys = rows.map((r) => r.equityRetained);
  const [xLo, xHi] = [Math.min(...xs), Math.max(...xs)];
  const [yLo, yHi] = [Math.min(...ys), Math.max(...ys)];
  const x = (v: number): string => (LEFT + ((WIDTH - LEFT - PAD) * (v - xLo)) / Math.max(1, xHi - xLo)).toFixed(1);
  const y = (v: number): string =>
    (HEIGHT - PAD - ((HEIGHT - 2 * PAD) * (v - yLo)) / Math.max(1, yHi - yLo)).toFixed(1);
  const maxDebt = Math.max(1, ...rows.map((r) => r.debt));
  const radius = (r: SweepRow): string => (4 + 10 * Math.sqrt(r.debt / maxDebt)).toFixed(1);
  const color = MODE_COLORS.soft as string;
  const [first, last] = report.seeds;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${LEFT}" y="24" font-size="15">${escapeXml(`softliq simulate --sweep: ${report.scenario}, seeds ${first}-${last}, medians per grid point`)}</text>`,
    `<text x="${LEFT}" y="42" fill="#555">${escapeXml("green: the Pareto frontier, its area and label the debt (bad debt + open deficit, quote units); grey: dominated; ringed: the defaults")}</text>`,
    `<line x1="${LEFT}" y1="${HEIGHT - PAD}" x2="${WIDTH - PAD}" y2="${HEIGHT - PAD}" stroke="#333"/>`,
    `<line x1="${LEFT}" y1="${PAD}" x2="${LEFT}" y2="${HEIGHT - PAD}" stroke="#333"/>`,
    `<text x="${(LEFT + WIDTH - PAD) / 2}" y="${HEIGHT - 20}" text-anchor="middle">deepest trade below the fair price (ppm)</text>`,
    `<text x="18" y="${HEIGHT / 2}" text-anchor="middle" transform="rotate(-90 18 ${HEIGHT / 2})">equity retained (quote units)</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const xv = Math.round(xLo + ((xHi - xLo) * i) / 4);
    const yv = Math.round(yLo + ((yHi - yLo) * i) / 4);
    parts.push(`<text x="${x(xv)}" y="${HEIGHT - PAD + 16}" text-anchor="middle">${xv}</text>`);
    parts.push(`<text x="${LEFT - 6}" y="${y(yv)}" text-anchor="end">${yv}</text>`);
  }
  for (const r of rows) {
    if (r.frontier) continue;
    parts.push(`<circle cx="${x(r.maxDrawdownPpm)}" cy="${y(r.equityRetained)}" r="2.5" fill="#aaa"/>`);
  }
  for (const r of rows) {
    if (!r.frontier) continue;
    const cx = x(r.maxDrawdownPpm);
    const cy = y(r.equityRetained);
    parts.push(
      `<circle cx="${cx}" cy="${cy}" r="${radius(r)}" fill="${color}" fill-opacity="0.45" stroke="${color}"/>`,
    );
    parts.push(`<text x="${cx}" y="${cy}" dx="8" dy="-8">${r.debt}</text>`);
  }
  const d = rows.find((r) => r.defaults);
  if (d !== undefined)
    parts.push(
      `<circle cx="${x(d.maxDrawdownPpm)}" cy="${y(d.equityRetained)}" r="${Number(radius(d)) + 4}" fill="none" stroke="#000" stroke-width="1.5"/>`,
    );
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}
