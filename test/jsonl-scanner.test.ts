import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { generateFlow } from "../bench/flow-generator.js";
import { RawCommand, scanCommandLine } from "../protocol/jsonl-scanner.js";

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

  it("declines malformed and unusual lines so JSON.parse can report them", () => {
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
