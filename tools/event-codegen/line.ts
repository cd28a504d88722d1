/** The JSONL line of an event shape, as pieces: what eventToJson and the byte writer both write. */
import { type Event, type Field, HEAD, type Shape } from "./table.js";
import { lit } from "./text.js";

/** One JSONL piece: fixed text, a value, or a field written only when its condition holds. */
export type Piece = { lit: string } | { value: Field } | { when: Field; body: Piece[] };

/** The pieces of `{"seq":…,"ts":…` that start every line. */
export const HEAD_PIECES = 4;

/** A shape's line as pieces, in the contract's order. */
export function pieces(e: Event, s: Shape): Piece[] {
  const out: Piece[] = [
    { lit: '{"seq":' },
    { value: HEAD[0] as Field },
    { lit: ',"ts":' },
    { value: HEAD[1] as Field },
    { lit: `,"type":${lit(e.type)}` },
  ];
  for (const f of s.fields) {
    if (f === e.by && s.value !== null) {
      out.push({ lit: `,${lit(f.key)}:${lit(s.value)}` });
      continue;
    }
    const body: Piece[] =
      f.when === "true" ? [{ lit: `,${lit(f.key)}:true` }] : [{ lit: `,${lit(f.key)}:` }, { value: f }];
    if (f.when === undefined) out.push(...body);
    else out.push({ when: f, body });
  }
  out.push({ lit: "}" });
  return out;
}
