/**
 * Each subcommand is one declaration (cli/command-spec.ts): the parser takes exactly the flags its
 * help describes, switches take no value, valued flags need one, and defaults are what the help says.
 */
import { describe, expect, it } from "vitest";
import { intFlag, stringFlag, UsageError } from "../cli/args.js";
import { helpText, parseCommandArgs } from "../cli/command-spec.js";
import { COMMANDS } from "../cli/commands.js";

describe("the command declarations", () => {
  it.each(COMMANDS.map((c) => [c.name, c] as const))(
    "%s: the parser takes exactly the flags the help lists",
    (_, spec) => {
      const help = helpText(spec);
      expect(help.startsWith(`usage: ${spec.usage}\n`)).toBe(true);
      for (const f of spec.flags) {
        expect(help).toContain(f.flag);
        const names = f.flag.split(/,?\s+/).filter((w) => w.startsWith("-"));
        const valued = f.flag.split(/,?\s+/).length > names.length;
        for (const name of names) {
          const args = parseCommandArgs(spec, valued ? [name, "7"] : [name]);
          const long = (names.find((n) => n.startsWith("--")) ?? name).replace(/^-+/, "");
          expect(args.flags.get(long), `${spec.name} ${name}`).toBe(valued ? "7" : true);
          if (valued) expect(() => parseCommandArgs(spec, [name]), `${name} without a value`).toThrow(UsageError);
          else expect(() => parseCommandArgs(spec, [`${name}=1`]), `${name}=1`).toThrow(UsageError);
        }
        if (f.default !== undefined) {
          const long = (names.find((n) => n.startsWith("--")) as string).slice(2);
          const args = parseCommandArgs(spec, []);
          expect(args.flags.has(long)).toBe(false); // not given, though it has a value
          expect(stringFlag(args, long)).toBe(f.default);
          expect(help).toContain(`(default ${f.default})`);
        }
      }
      expect(() => parseCommandArgs(spec, ["--no-such-flag"])).toThrow(new UsageError("unknown option --no-such-flag"));
    },
  );

  it("reads integer defaults and refuses a negative or fractional value", () => {
    const generate = COMMANDS.find((c) => c.name === "generate");
    if (generate === undefined) throw new Error("no generate command");
    expect(intFlag(parseCommandArgs(generate, []), "commands")).toBe(100_000);
    expect(intFlag(parseCommandArgs(generate, ["--commands=12"]), "commands")).toBe(12);
    expect(() => intFlag(parseCommandArgs(generate, ["--commands", "-1"]), "commands")).toThrow(UsageError);
    expect(() => intFlag(parseCommandArgs(generate, ["--commands", "1.5"]), "commands")).toThrow(UsageError);
    expect(parseCommandArgs(generate, ["-o", "f.jsonl"]).flags.get("out")).toBe("f.jsonl");
  });
});
