/**
 * A JSON Schema (draft 2020-12) of the order-flow commands, built from the same tables the reader
 * checks against (COMMAND_FIELDS, the liquidation and venue blocks' fields), so a command type or
 * field added there appears here. `softliq schema` prints it; the package ships it as
 * `commands.schema.json`. It states each field's shape and range; what a schema cannot say (tiers
 * ascending by notional, mmr ≤ imr, price × qty a safe integer, a `tick` carrying `ts`) the engine
 * still checks, with its reject codes.
 */
import { COMMAND_FIELDS, COMMAND_TYPES, type CommandType } from "./commands.js";
import { PPM } from "./units.js";
import {
  LIQUIDATION_KEYS,
  MAX_ACCOUNT_LENGTH,
  MAX_ID_LENGTH,
  MAX_SYMBOL_LENGTH,
  MAX_TIERS,
  VENUE_FIELDS,
  type VenueField,
} from "./validate.js";

type Schema = Record<string, unknown>;

const SAFE = Number.MAX_SAFE_INTEGER;
const whole = (minimum: number, maximum = SAFE): Schema => ({ type: "integer", minimum, maximum });
const ppm = whole(0, PPM);
const id: Schema = {
  description: "a positive integer, or a string (a canonical integer string names the same order)",
  oneOf: [whole(1), { type: "string", minLength: 1, maxLength: MAX_ID_LENGTH }],
};

const VENUE_KINDS: Readonly<Record<VenueField, Schema>> = {
  ppm,
  ratio: whole(0, 100 * PPM),
  time: whole(0),
  amount: whole(0),
  span: whole(1),
  count: whole(1, 1_000),
};

function block(fields: Readonly<Record<string, VenueField>>): Schema {
  const properties: Schema = {};
  for (const [name, kind] of Object.entries(fields)) properties[name] = VENUE_KINDS[kind];
  return { type: "object", additionalProperties: false, properties };
}

function liquidation(): Schema {
  const properties: Schema = {};
  for (const key of LIQUIDATION_KEYS) {
    if (key === "targetHealthPpm") properties[key] = whole(PPM, 100 * PPM);
    else if (key === "participationPpm" || key === "marketParticipationPpm") properties[key] = whole(1, PPM);
    else if (key === "sliceIntervalNs" || key === "backstopAfterNs" || key === "unrestorableRampNs")
      properties[key] = whole(0);
    else properties[key] = ppm;
  }
  for (const [name, fields] of Object.entries(VENUE_FIELDS)) properties[name] = block(fields);
  return { type: "object", additionalProperties: false, properties };
}

/** Every field's schema (a field means the same in every command type that has it). */
function fieldSchemas(): Readonly<Record<string, Schema>> {
  return {
    ts: { ...whole(0), description: "engine time (ns), non-decreasing" },
    id,
    side: { enum: ["buy", "sell"] },
    price: whole(1),
    qty: whole(1),
    symbol: { type: "string", minLength: 1, maxLength: MAX_SYMBOL_LENGTH },
    account: {
      description: "a name, or a positive integer named by its decimal form",
      oneOf: [whole(1), { type: "string", minLength: 1, maxLength: MAX_ACCOUNT_LENGTH }],
    },
    tif: { enum: ["GTC", "IOC", "FOK"] },
    postOnly: { type: "boolean" },
    reduceOnly: { type: "boolean" },
    stp: { enum: ["expire_maker", "expire_taker", "expire_both"] },
    protectionPpm: whole(0),
    amount: whole(1),
    makerFeePpm: whole(-PPM, PPM),
    takerFeePpm: ppm,
    tiers: {
      type: "array",
      minItems: 1,
      maxItems: MAX_TIERS,
      description: "ascending by maxNotional; 0 < mmrPpm ≤ imrPpm",
      items: {
        type: "object",
        additionalProperties: false,
        required: ["maxNotional", "imrPpm", "mmrPpm"],
        properties: { maxNotional: whole(1), imrPpm: ppm, mmrPpm: whole(1, PPM) },
      },
    },
    liquidation: liquidation(),
    discountPpm: ppm,
    maxNotional: whole(0),
  };
}

/** The fields a command type must carry. */
const REQUIRED: Readonly<Record<CommandType, readonly string[]>> = {
  limit: ["type", "id", "side", "price", "qty"],
  market: ["type", "id", "side", "qty"],
  cancel: ["type", "id"],
  modify: ["type", "id"],
  instrument: ["type", "symbol"],
  deposit: ["type", "account", "amount"],
  withdraw: ["type", "account", "amount"],
  oracle: ["type", "price"],
  tick: ["type", "ts"],
  backstop: ["type", "account", "symbol", "discountPpm", "maxNotional"],
};

export function commandSchema(): Schema {
  const fields = fieldSchemas();
  const variants = COMMAND_TYPES.map((type): Schema => {
    const properties: Schema = {};
    for (const f of COMMAND_FIELDS[type]) properties[f] = f === "type" ? { const: type } : fields[f];
    return { title: type, type: "object", additionalProperties: false, required: REQUIRED[type], properties };
  });
  return {
    $schema: "https://json-schema.org/draft/2020-12/schema",
    $id: "https://softliq.dev/commands.schema.json",
    title: "softliq order-flow command",
    description: "One line of an order-flow file (JSONL), or one command given to Engine.apply / EngineClient.submit.",
    oneOf: variants,
  };
}
