/**
 * The simulation's one-chart view (`--svg`): one instrument's fair price, each mode's oracle and
 * lowest trade per step, as one self-contained SVG (no dependencies). `--report` has the full page.
 */
import type { SidePath } from "./run.js";

const WIDTH = 900;
const HEIGHT = 420;
const PAD = 50;
export const MODE_COLORS: Record<string, string> = {
  soft: "#1e8449",
  hard: "#c0392b",
  hyperliquid: "#2471a3",
  dydx: "#7d3c98",
  drift: "#d68910",
};

export function chartSvg(
  title: string,
  symbol: string,
  fair: readonly number[],
  sides: Record<string, SidePath>,
): string {
  const values: number[] = [...fair];
  for (const p of Object.values(sides)) {
    values.push(...(p.oracle[symbol] ?? []));
    for (const v of p.lowTrade[symbol] ?? []) if (v > 0) values.push(v);
  }
  const lo = Math.min(...values);
  const hi = Math.max(...values);
  const span = Math.max(1, hi - lo);
  const n = Math.max(2, fair.length);
  const x = (t: number): string => (PAD + ((WIDTH - 2 * PAD) * t) / (n - 1)).toFixed(1);
  const y = (v: number): string => (HEIGHT - PAD - ((HEIGHT - 2 * PAD) * (v - lo)) / span).toFixed(1);
  const line = (series: readonly number[], color: string, dash: string): string =>
    `<polyline fill="none" stroke="${color}" stroke-width="1.6"${dash} points="${series.map((v, t) => `${x(t)},${y(v)}`).join(" ")}"/>`;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${PAD}" y="24" font-size="15">${escapeXml(title)}</text>`,
    `<text x="4" y="${y(hi)}">${hi}</text><text x="4" y="${y(lo)}">${lo}</text>`,
    line(fair, "#555", ' stroke-dasharray="5,4"'),
  ];
  let legend = 0;
  const key = (label: string, color: string): void => {
    parts.push(`<text x="${WIDTH - 230}" y="${44 + 16 * legend++}" fill="${color}">${escapeXml(label)}</text>`);
  };
  key("fair (exogenous) price, dashed", "#555");
  for (const [mode, p] of Object.entries(sides)) {
    const color = MODE_COLORS[mode] ?? "#2c3e50";
    parts.push(line(p.oracle[symbol] ?? [], color, ""));
    (p.lowTrade[symbol] ?? []).forEach((v, t) => {
      if (v > 0) parts.push(`<circle cx="${x(t)}" cy="${y(v)}" r="2" fill="${color}"/>`);
    });
    key(`${mode}: oracle (line), lowest trade (dots)`, color);
  }
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

export function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
