/** Command-shaped objects with hostile field values, for the never-throw and wire round-trip tests. */
import fc from "fast-check";
import { ALL_COMMAND_FIELDS, COMMAND_TYPES } from "../protocol/commands.js";

/** Every command field, plus names that poke at the prototype chain. */
const FIELD_NAMES: string[] = [...ALL_COMMAND_FIELDS, "__proto__", "constructor"];

export const nastyValue = fc.oneof(
  fc.constantFrom(
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    2 ** 53,
    2 ** 53 - 1,
    -(2 ** 53),
    -1,
    0,
    -0,
    1,
    0.5,
    1e308,
    null,
    undefined,
    true,
    false,
    "",
    "buy",
    "sell",
    "X",
    "GTC",
    "IOC",
    "FOK",
    "expire_both",
    "42",
    "x".repeat(100_000),
    [],
    {},
    [1, 2],
    { maxNotional: 1 },
  ),
  fc.integer({ min: -5, max: 200 }),
  fc.double(),
  fc.string(),
  fc.jsonValue({ maxDepth: 2 }),
);

export const commandLike = fc.record({
  type: fc.oneof(fc.constantFrom(...COMMAND_TYPES), nastyValue),
  fields: fc.dictionary(fc.constantFrom(...FIELD_NAMES), nastyValue, { maxKeys: 8 }),
});
