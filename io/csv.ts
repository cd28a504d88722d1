/**
 * RFC 4180 cells of one line: commas separate, double quotes enclose cells holding commas or
 * quotes, "" is a literal quote. A cell may not span lines. Returns null for unbalanced quotes.
 */
export function parseCsvRow(text: string): string[] | null {
  const cells: string[] = [];
  let i = 0;
  for (;;) {
    if (text.charCodeAt(i) === 34) {
      let cell = "";
      i++;
      for (;;) {
        const close = text.indexOf('"', i);
        if (close === -1) return null;
        cell += text.slice(i, close);
        if (text.charCodeAt(close + 1) === 34) {
          cell += '"';
          i = close + 2;
          continue;
        }
        i = close + 1;
        break;
      }
      cells.push(cell);
      if (i === text.length) return cells;
      if (text.charCodeAt(i) !== 44) return null;
      i++;
    } else {
      const comma = text.indexOf(",", i);
      if (comma === -1) {
        cells.push(text.slice(i));
        return cells;
      }
      cells.push(text.slice(i, comma));
      i = comma + 1;
    }
  }
}

/** Quotes a cell when it must be. */
export function csvCell(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}
