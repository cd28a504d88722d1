/**
 * Comment lines the importer writes into a flow so that each command maps back to the LOBSTER
 * message it came from. Replay skips `#` lines, so the flow stays a plain, schema-valid flow;
 * `softliq fidelity` reads them.
 *
 *   #m 17       the commands below carry out message 17 (the orderbook file's row 17)
 *   #m 12-17    … messages 12 to 17, one execution run: only the book after 17 is reproduced
 *   #r          the commands below hold the book to row 17's snapshot (see README.md)
 *
 * Commands before the first `#m` build the opening book.
 */
export const HOLD_MARKER = "#r";

export function messageMarker(first: number, last: number): string {
  return first === last ? `#m ${last}` : `#m ${first}-${last}`;
}

export interface MessageRange {
  first: number;
  last: number;
}

/** The range of a `#m` line, or null when `text` is not one. */
export function parseMessageMarker(text: string, out: MessageRange): boolean {
  if (!text.startsWith("#m ")) return false;
  const body = text.slice(3);
  const dash = body.indexOf("-");
  const first = Number(dash === -1 ? body : body.slice(0, dash));
  const last = dash === -1 ? first : Number(body.slice(dash + 1));
  if (!Number.isSafeInteger(first) || !Number.isSafeInteger(last) || first < 1 || last < first) return false;
  out.first = first;
  out.last = last;
  return true;
}
