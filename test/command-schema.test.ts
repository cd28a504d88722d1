import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { Ajv2020 } from "ajv/dist/2020.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { commandSchema } from "../protocol/command-schema.js";
import { COMMAND_FIELDS, COMMAND_TYPES, CommandRecord } from "../protocol/commands.js";
import { readCommand } from "../protocol/validate.js";
import { commandLike } from "./command-arbitraries.js";
import { marginedFlowSample } from "./margin-flows.js";

const schema = commandSchema();
const validate = new Ajv2020({ strict: true, allowUnionTypes: true }).compile(schema);

describe("the command schema", () => {
  it("has one variant per command type with exactly the fields the reader allows", () => {
    const variants = schema.oneOf as { title: string; properties: Record<string, unknown>; required: string[] }[];
    expect(variants.map((v) => v.title)).toEqual([...COMMAND_TYPES]);
    for (const v of variants) {
      const type = v.title as (typeof COMMAND_TYPES)[number];
      expect(Object.keys(v.properties).sort()).toEqual([...COMMAND_FIELDS[type]].sort());
      for (const r of v.required) expect(COMMAND_FIELDS[type]).toContain(r);
    }
  });

  it("accepts every line of the bundled samples and of generated margined flows", () => {
    for (const file of ["samples/sample.jsonl", "samples/cascade.jsonl"]) {
      const lines = readFileSync(file, "utf8").split("\n");
      for (const [i, line] of lines.entries()) {
        if (line.trim() === "" || line.startsWith("#")) continue;
        expect(validate(JSON.parse(line)), `${file}:${i + 1} ${JSON.stringify(validate.errors)}`).toBe(true);
      }
    }
    for (const seed of [1, 2, 3]) for (const c of marginedFlowSample(seed)) expect(validate(c)).toBe(true);
  });

  it("accepts whatever the engine reads as a well-formed command (a file's fields only)", () => {
    const record = new CommandRecord();
    let accepted = 0;
    fc.assert(
      fc.property(commandLike, ({ type, fields }) => {
        // The library ignores fields a type does not have; a file rejects them (UNKNOWN_FIELD), as the schema does.
        const fieldsOf = COMMAND_FIELDS as Record<string, readonly string[]>;
        const known = typeof type === "string" && Object.hasOwn(fieldsOf, type);
        const allowed = known ? (fieldsOf[type] as readonly string[]) : [];
        const command: Record<string, unknown> = { type };
        for (const [k, v] of Object.entries(fields)) if (allowed.includes(k) && k !== "type") command[k] = v;
        if (readCommand(command, record) !== null) return;
        accepted++;
        expect(validate(command), JSON.stringify(validate.errors)).toBe(true);
      }),
      { numRuns: 3_000 },
    );
    expect(accepted).toBeGreaterThan(10);
  });

  it("refuses what the engine refuses by shape: unknown types and fields, ranges, types", () => {
    const bad: unknown[] = [
      { type: "limt", id: 1, side: "buy", price: 1, qty: 1 },
      { type: "limit", id: 1, side: "buy", price: 1.5, qty: 1 },
      { type: "limit", id: 1, side: "buy", price: 1, qty: 2 ** 53 },
      { type: "limit", id: 1, side: "hold", price: 1, qty: 1 },
      { type: "instrument", symbol: "X", liquidation: { penaltyPpm: 1_000_001 } },
      { type: "instrument", symbol: "X", liquidation: { dydx: { bogus: 1 } } },
      { type: "backstop", account: "b", symbol: "X", discountPpm: 5, maxNotional: -1 },
      { type: "tick" },
    ];
    // A field the type does not have: the schema refuses it, as a file does (the library ignores it).
    expect(validate({ type: "limit", id: 1, side: "buy", price: 1, qty: 1, colour: "red" })).toBe(false);
    for (const c of bad) {
      expect(validate(c), JSON.stringify(c)).toBe(false);
      expect(readCommand(c, new CommandRecord()), JSON.stringify(c)).not.toBeNull();
    }
  });

  it("is what `softliq schema` prints and what the package ships", () => {
    const r = spawnSync(process.execPath, ["dist/cli/softliq.js", "schema"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(schema);
    expect(JSON.parse(readFileSync("dist/commands.schema.json", "utf8"))).toEqual(schema);
  });
});

describe("softliq schema --help", () => {
  it("says what it prints, exit 0", () => {
    const r = spawnSync(process.execPath, ["dist/cli/softliq.js", "schema", "--help"], { encoding: "utf8" });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^usage: softliq schema\n\nPrints the JSON Schema/);
  });
});
