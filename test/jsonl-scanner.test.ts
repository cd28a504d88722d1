import { Readable } from "node:stream";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ALL_COMMAND_FIELDS, COMMAND_TYPES } from "../protocol/commands.js";
import { readFlow } from "../protocol/flow-reader.js";
import { RawCommand, scanCommandLine } from "../protocol/jsonl-scanner.js";
import { generateFlow } from "../sim/flow-generator.js";
import { referenceRead } from "./strict-reference-reader.js";

const FIELDS = ["type", "ts", "id", "side", "price", "qty", "symbol", "account", "tif", "postOnly", "stp", "amount"];

function scan(line: string): RawCommand | null {
  const buf = Buffer.from(line, "utf8");
  const raw = new RawCommand();
  return scanCommandLine(buf, 0, buf.length, raw) ? raw : null;
}

function parseOrNull(line: string): unknown {
  try {
    return JSON.parse(line);
  } catch {
    return undefined;
  }
}

/** What the scanner accepted must be exactly what JSON.parse reads. */
function expectSameAsJsonParse(line: string): void {
  const raw = scan(line);
  if (raw === null) return;
  const parsed = parseOrNull(line) as Record<string, unknown> | undefined;
  expect(parsed, `scanner accepted invalid JSON: ${line}`).toBeTypeOf("object");
  const record = raw as unknown as Record<string, unknown>;
  for (const key of Object.keys(parsed ?? {}))
    expect(Object.is(record[key], parsed?.[key]), `${key} in ${line}`).toBe(true);
  for (const key of FIELDS) if (!Object.hasOwn(parsed ?? {}, key)) expect(record[key]).toBeUndefined();
}

const value = fc.oneof(
  fc.integer(),
  fc.maxSafeInteger(),
  fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }).map((b) => Number(b)),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.constantFrom(0, -0, 1e21, 5e-7),
  fc.string(),
  fc.string({ unit: "binary" }),
  fc.constantFrom("limit", "buy", "sell", "GTC", "expire_both", "X", 'a"b', "a\\b", "tab\there", "é"),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
);

describe("the JSONL byte scanner", () => {
  it("reads every line of a generated flow without falling back to JSON.parse", () => {
    for (const command of generateFlow({ commands: 5000, seed: 3 })) {
      const line = JSON.stringify(command);
      expect(scan(line), line).not.toBeNull();
      expectSameAsJsonParse(line);
    }
  });

  it("accepts only what JSON.parse reads, and reads it the same", () => {
    fc.assert(
      fc.property(
        fc.dictionary(fc.constantFrom(...FIELDS, "extra", "tiers"), value, { maxKeys: 6 }),
        fc.constantFrom("", " ", "\t", "  "),
        (object, space) => {
          const line = JSON.stringify(object).replaceAll(",", `${space},${space}`).replaceAll(":", `${space}:`);
          expectSameAsJsonParse(line);
          expectSameAsJsonParse(`${space}${line}${space}`);
        },
      ),
      { numRuns: 3000 },
    );
  });

  it("declines malformed and unusual lines so the strict reader can report them", () => {
    const declined = [
      '{"type":"limit"',
      '{"type":"limit",}',
      '{"type":"limit"} x',
      '{"qty":012}',
      '{"qty":1.5}',
      '{"qty":1e3}',
      '{"qty":-}',
      '{"type":"li\\u006dit"}',
      '{"unknown":1}',
      '{"type":"cancel","id":1,"price":5}',
      '{"type":"market","id":1,"side":"buy","qty":1,"tif":"IOC"}',
      '{"type":"limit","id":"é"}',
      '{"tiers":[]}',
      '{"type":tru}',
      "[]",
      "",
      '{"type":"limit" "id":1}',
    ];
    for (const line of declined) expect(scan(line), line).toBeNull();
  });

  it("reads the largest integers as JSON.parse does", () => {
    for (const line of ['{"qty":9007199254740993}', '{"qty":-9007199254740991}', '{"ts":123456789012345678901}']) {
      expectSameAsJsonParse(line);
      expect(scan(line)).not.toBeNull();
    }
  });
});

describe("the JSONL reader (scanner, then the strict reader) against a plain reference reader", () => {
  const bytes = (s: string): Buffer => Buffer.from(s, "utf8");
  /** `text` with its character at `at` written as \uXXXX (hex case as given). */
  const escapeAt = (text: string, at: number, upper: boolean): string => {
    const i = at % text.length;
    const hex = (text.charCodeAt(i) as number).toString(16).padStart(4, "0");
    return `${text.slice(0, i)}\\u${upper ? hex.toUpperCase() : hex}${text.slice(i + 1)}`;
  };
  const maybeEscaped = (words: readonly string[]) =>
    fc
      .tuple(fc.constantFrom(...words), fc.nat(), fc.integer({ min: 0, max: 3 }))
      .map(([w, at, how]) => bytes(`"${how === 0 ? escapeAt(w, at, false) : how === 1 ? escapeAt(w, at, true) : w}"`));
  const stringPiece = fc.oneof(
    fc.constantFrom("a", "Z", "0", " ", "limit", "buy", "GTC", "X", "#").map(bytes),
    fc.constantFrom("\\n", '\\"', "\\\\", "\\u0041", "\\u00e9", "\\ud800", "\\/", "\\x", "\\u12").map(bytes),
    fc.constantFrom("é", "😀", "\u2028", "\u0000").map(bytes),
    fc
      .constantFrom([0xff], [0xc3], [0xed, 0xa0, 0x80], [0xc0, 0xaf], [0xf4, 0x90, 0x80, 0x80], [0x80], [0x09])
      .map((b) => Buffer.from(b)),
  );
  const stringToken = fc
    .array(stringPiece, { maxLength: 4 })
    .map((pieces) => Buffer.concat([bytes('"'), ...pieces, bytes('"')]));
  const numberToken = fc.oneof(
    fc.integer().map(String),
    fc.maxSafeInteger().map(String),
    fc
      .tuple(
        fc.constantFrom("", "-"),
        fc.constantFrom("0", "1", "12", "100", "9007199254740991", "123456789012345678901"),
        fc.constantFrom("", ".0", ".00", ".5", ".000000000000000001", ".50", ".25"),
        fc.constantFrom("", "e0", "e1", "E-1", "e-2", "e+3", "e21", "e-30", "e400", "e-400"),
      )
      .map((parts) => parts.join("")),
    fc.constantFrom(
      "100.00000000000000001",
      "9007199254740990.5",
      "0.99999999999999999",
      "01",
      "1.",
      "-",
      "1e",
      "+1",
      ".5",
    ),
  );
  const valueToken = fc.oneof(
    stringToken,
    numberToken.map(bytes),
    maybeEscaped(["limit", "buy", "sell", "GTC", "IOC", "expire_both", "X", "true"]),
    fc.constantFrom("true", "false", "null", "tru", "nul").map(bytes),
    fc
      .constantFrom(
        '[{"maxNotional":1000,"imrPpm":20000,"mmrPpm":10000}]',
        '[{"maxNotional":1.5e3,"imrPpm":2e4,"mmrPpm":1e4}]',
        '[{"maxNotional":1000.5,"imrPpm":20000,"mmrPpm":10000}]',
        '{"penaltyPpm":5000.5}',
        '{"penaltyPpm":5.0e3}',
        '{"__proto__":1}',
        "[1,2.5]",
        "[]",
      )
      .map(bytes),
  );
  const keyToken = maybeEscaped([
    ...FIELDS,
    "qty",
    "protectionPpm",
    "reduceOnly",
    "tiers",
    "liquidation",
    "extra",
    "__proto__",
  ]);
  const typeToken = maybeEscaped([...COMMAND_TYPES, "backstop"]);
  const objectLine = fc
    .tuple(
      fc.option(typeToken, { freq: 4 }),
      fc.array(fc.tuple(keyToken, valueToken), { maxLength: 6 }),
      fc.constantFrom("", " ", "\t"),
      fc.constantFrom("", "", "", "}", " x", ","),
    )
    .map(([type, pairs, space, tail]) => {
      const entries = pairs.map(([k, v]) => Buffer.concat([k, bytes(`${space}:${space}`), v]));
      if (type !== null) entries.unshift(Buffer.concat([bytes('"type":'), type]));
      const body = entries.flatMap((e, i) => (i === 0 ? [e] : [bytes(`${space},`), e]));
      return Buffer.concat([bytes(`${space}{`), ...body, bytes(`}${tail}`)]);
    });
  const anyLine = fc.oneof(
    { arbitrary: objectLine, weight: 9 },
    {
      arbitrary: fc.uint8Array({ maxLength: 24 }).map((b) => Buffer.from(b.filter((x) => x !== 10 && x !== 13))),
      weight: 1,
    },
  );

  type Verdict = ReturnType<typeof referenceRead>;

  async function readLines(lines: readonly Buffer[]): Promise<Verdict[]> {
    const got: Verdict[] = lines.map(() => ({ skipped: true }));
    const file = Buffer.concat([bytes('{"type":"tick","ts":0}\n'), ...lines.flatMap((l) => [l, bytes("\n")])]);
    await readFlow(Readable.from([file]), "jsonl", {
      command(input, line) {
        const fields: Record<string, unknown> = {};
        for (const f of ALL_COMMAND_FIELDS) {
          const v = Object.hasOwn(input, f) ? input[f] : undefined;
          if (v !== undefined) fields[f] = v;
        }
        if (line > 1) got[line - 2] = { fields };
        return true;
      },
      malformed(reason, line) {
        got[line - 2] = { reason: reason as "MALFORMED_LINE" };
        return true;
      },
    });
    return got;
  }

  it("reads every line as the reference does: UTF-8 validated, numbers whole as written, escapes decoded, fields checked", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(anyLine, { minLength: 1, maxLength: 25 }), async (lines) => {
        const got = await readLines(lines);
        lines.forEach((line, i) => {
          expect(got[i], line.toString("latin1")).toEqual(referenceRead(line));
        });
      }),
      { numRuns: 400 },
    );
  });
});
