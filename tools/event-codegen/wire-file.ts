/** worker/wire/event-codec.generated.ts: one fixed record an event type. */
import { SIDE_NAMES, TIF_NAMES } from "../../protocol/commands.js";
import { ENUMS } from "../../protocol/event-schema.js";
import { type EnumKind, type Event, type Field, fail, HEADER_KINDS, sinkMethod, TYPE_BITS } from "./table.js";
import { HEADER, lit } from "./text.js";

/** Header bits: kind 0–3, type 4–8 (TYPE_BITS), then these two, then each type's own small fields. */
const COMMAND_DONE_BIT = 9;
const AS_SENT_BIT = 10;
const FIRST_FIELD_BIT = 11;

interface Layout {
  e: Event;
  /** Fields in header bits: [field, shift, width]. */
  bits: { f: Field; shift: number; width: number }[];
  /** Fields in slots after seq and ts. */
  slots: Field[];
  /** The slots an "as sent" record keeps (empty when the event never travels so). */
  asSent: Field[] | null;
}

function enumCodes(kind: EnumKind): readonly (string | null)[] {
  const e = ENUMS[kind];
  return e.nullable ? [null, ...e.values] : e.values;
}

function layout(e: Event): Layout {
  const bits: Layout["bits"] = [];
  let shift = FIRST_FIELD_BIT;
  const slots: Field[] = [];
  for (const f of e.all) {
    if (!HEADER_KINDS.has(f.kind)) {
      slots.push(f);
      continue;
    }
    const width = f.kind === "bool" ? 1 : Math.ceil(Math.log2(enumCodes(f.kind as EnumKind).length));
    bits.push({ f, shift, width });
    shift += width;
  }
  if (shift > 31) fail(`${e.type}: ${shift} header bits, more than a header holds`);
  const strings = slots.filter((f) => !["int", "intOrNull"].includes(f.kind)).length;
  if (strings > 8) fail(`${e.type}: ${strings} strings in one record (the intern table reserves room for 8)`);
  const asSent = slots.some((f) => f.sent !== undefined) ? slots.filter((f) => f.sent === undefined) : null;
  return { e, bits, slots, asSent };
}

function writerName(e: Event): string {
  return `write${e.name}`;
}

function commandWriterName(e: Event): string {
  return `write${e.name}FromCommand`;
}

function slotsName(l: Layout): string {
  return `${l.e.tag}_SLOTS`;
}

function asSentName(l: Layout): string {
  return `${l.e.tag}_AS_SENT_SLOTS`;
}

/** Where a writer reads a field: the event record, or (an event that is its command) the CommandRecord. */
type Source = "record" | "command";

/** The value of `f` in the writer reading `from` (a command's id is read once, into a local). */
function read(f: Field, from: Source): string {
  if (from === "record") return `e.${f.prop}`;
  return f.kind === "idOrNull" ? commandLocal(f) : `cmd.${f.prop}`;
}

function commandLocal(f: Field): string {
  return `cmd${f.prop[0]?.toUpperCase()}${f.prop.slice(1)}`;
}

function wireEncode(f: Field, from: Source): string {
  const v = read(f, from);
  switch (f.kind) {
    case "int":
    case "intOrNull":
      return v;
    case "text":
      return `intern.code(sink, ${v})`;
    case "symbol":
      return `intern.symbolCode(sink, ${v})`;
    case "textOrNull":
      return `intern.codeOrNull(sink, ${v})`;
    case "orderId":
    case "idOrNull":
      return `encodeId(sink, intern, ${v})`;
    default:
      return fail(`${f.key}: not a slot`);
  }
}

function wireDecode(f: Field, slot: string): string {
  switch (f.kind) {
    case "int":
    case "intOrNull":
      return slot;
    case "text":
    case "symbol":
      // A typed text (a reason, a stage) was one of its union's names when the engine wrote it.
      return f.textType === undefined ? `intern.get(${slot})` : `intern.get(${slot}) as EngineEvent["${f.prop}"]`;
    case "textOrNull":
      return `intern.getOrNull(${slot})`;
    case "orderId":
      return `decodeId(intern, ${slot}) as OrderId`;
    case "idOrNull":
      return `decodeId(intern, ${slot})`;
    default:
      return fail(`${f.key}: not a slot`);
  }
}

/** A CommandRecord code (SideCode, TifCode) as the wire's code for the same name: code + offset. */
function commandCodeOffset(kind: "side" | "tif"): number {
  const names = kind === "side" ? SIDE_NAMES : TIF_NAMES;
  const codes = enumCodes(kind);
  const offset = codes.indexOf(names[0] as string);
  if (names.some((n, i) => codes[i + offset] !== n))
    fail(`the ${kind} names of commands.ts and of ENUMS differ in order`);
  return offset;
}

function headerExpression(l: Layout, from: Source): string {
  const parts = ["KIND_EVENT", `(${l.e.tag} << 4)`];
  for (const { f, shift } of l.bits) {
    const v = read(f, from);
    if (f.kind === "bool") parts.push(`(${v} ? 1 << ${shift} : 0)`);
    else if (from === "command" && f.kind === "command") parts.push(`(commandCode(cmd.type) << ${shift})`);
    else if (from === "command" && (f.kind === "side" || f.kind === "tif")) {
      const offset = commandCodeOffset(f.kind);
      parts.push(offset === 0 ? `(${v} << ${shift})` : `((${v} + ${offset}) << ${shift})`);
    } else {
      // Two names: one compare (the second is code 1); more: a switch (codeOf).
      const codes = enumCodes(f.kind as EnumKind);
      parts.push(
        codes.length === 2 ? `(${v} === ${lit(codes[1])} ? 1 << ${shift} : 0)` : `(${f.kind}Code(${v}) << ${shift})`,
      );
    }
  }
  return parts.join(" | ");
}

/** Statements that intern a record's strings, reserve it and fill it; `at` is returned. */
function emitWrite(fields: readonly Field[], slots: string, header: string, indent: string, from: Source): string {
  let out = "";
  const codes = fields.filter((f) => !["int", "intOrNull"].includes(f.kind));
  // Strings first: their intern records must precede the event's.
  if (codes.length > 0) out += `${indent}intern.room(sink);\n`;
  for (const f of codes) out += `${indent}const ${f.prop} = ${wireEncode(f, from)};\n`;
  out += `${indent}const at = sink.reserve(${slots});\n${indent}const f = sink.f64;\n`;
  out += `${indent}f[at] = ${header};\n${indent}f[at + 1] = e.seq;\n${indent}f[at + 2] = e.ts;\n`;
  fields.forEach((f, i) => {
    out += `${indent}f[at + ${i + 3}] = ${codes.includes(f) ? f.prop : read(f, from)};\n`;
  });
  return `${out}${indent}return at;\n`;
}

function emitDecode(fields: readonly Field[], indent: string): string {
  return fields.map((f, i) => `${indent}e.${f.prop} = ${wireDecode(f, `f64[at + ${i + 3}] as number`)};\n`).join("");
}

function sentValue(f: Field): string {
  const name = f.sent as string;
  const v = `s.sent${name[0]?.toUpperCase()}${name.slice(1)}()`;
  return f.kind === "orderId" ? `${v} as OrderId` : v;
}

function layoutDoc(ls: readonly Layout[]): string {
  let out = "/**\n * Events on the wire: one fixed record an event type, strings interned.\n *\n";
  out += ` *   slot 0: kind (bits 0–3) | type << 4 (${TYPE_BITS} bits) | COMMAND_DONE (bit ${COMMAND_DONE_BIT}) | AS_SENT (bit ${AS_SENT_BIT}) | fields:\n`;
  for (const l of ls) {
    const bits = l.bits.map((b) => `${b.f.prop} ${b.width === 1 ? b.shift : `${b.shift}–${b.shift + b.width - 1}`}`);
    out += ` *   ${l.e.code} ${l.e.type}${bits.length > 0 ? ` (bits: ${bits.join(", ")})` : ""}\n`;
    out += ` *       seq, ts, ${l.slots.map((f) => f.prop).join(", ")}\n`;
    if (l.asSent !== null) {
      out += ` *       as sent: seq, ts${l.asSent.map((f) => `, ${f.prop}`).join("")} (${l.slots
        .filter((f) => f.sent !== undefined)
        .map((f) => f.prop)
        .join(", ")} are the command's)\n`;
    }
  }
  out +=
    ' *\n * "As sent": the event repeats fields of the client\'s command being executed, which the receiver\n' +
    " * holds (a SentSource) and fills in.\n */\n";
  return out;
}

export function wireFile(events: Event[]): string {
  const ls = events.map(layout);
  const used = new Set<EnumKind>();
  for (const l of ls) for (const b of l.bits) if (b.f.kind !== "bool") used.add(b.f.kind as EnumKind);
  let out = HEADER("the wire layout");
  out += 'import type { CommandRecord, CommandType, OrderId, Side } from "../../protocol/commands.js";\n';
  out += 'import type { EngineEvent, EventSink } from "../../protocol/events.generated.js";\n';
  out += 'import { decodeId, encodeId, type SentFields, type SentSource } from "./command-codec.js";\n';
  out += 'import type { InternReader, InternWriter } from "./intern.js";\n';
  out += 'import { type EventSlotSink, KIND_EVENT, type SlotSink } from "./records.js";\n\n';
  out += layoutDoc(ls);
  out += `export const COMMAND_DONE = 1 << ${COMMAND_DONE_BIT};\n`;
  out += `export const AS_SENT = 1 << ${AS_SENT_BIT};\n\n`;
  for (const l of ls) out += `const ${l.e.tag} = ${l.e.code};\n`;
  out += "\n";
  for (const l of ls) {
    out += `const ${slotsName(l)} = ${3 + l.slots.length};\n`;
    if (l.asSent !== null) out += `const ${asSentName(l)} = ${3 + l.asSent.length};\n`;
  }
  out += "\n";
  for (const kind of ["side", "tif", "command"] as const) {
    if (!used.has(kind)) continue;
    const codes = enumCodes(kind);
    const type = kind === "side" ? "Side" : kind === "tif" ? "string" : "CommandType | null";
    out += `const ${kind.toUpperCase()}_BY_CODE: readonly (${type})[] = [${codes.map(lit).join(", ")}];\n\n`;
    if (codes.length === 2) continue;
    out += `function ${kind}Code(name: ${type}): number {\n  switch (name) {\n`;
    codes.forEach((c, i) => {
      if (i > 0) out += `    case ${lit(c)}:\n      return ${i};\n`;
    });
    out += "    default:\n      return 0;\n  }\n}\n\n";
  }
  out += "function sentOf(sent: SentSource | null): SentSource {\n";
  out += '  if (sent === null) throw new Error("wire: an event as sent without the sent commands");\n';
  out += "  return sent;\n}\n\n";

  // The writers: one function a type (the engine hands events over by type), one more for an event
  // that is its command (from the CommandRecord), and all of them.
  const writer = (l: Layout, from: Source): string => {
    const sent = l.asSent === null ? "_sent" : "sent";
    const name = from === "record" ? writerName(l.e) : commandWriterName(l.e);
    const cmd = from === "record" ? "" : " cmd: CommandRecord,";
    let w =
      from === "record"
        ? `/** Writes a ${l.e.type} event as its record and returns the record's first slot. */\n`
        : `/** Writes a ${l.e.type} event (its seq and ts in \`e\`) from its command, as writeXEvent from the record. */\n`;
    w += `export function ${name}(sink: SlotSink, intern: InternWriter, e: EngineEvent,${cmd} ${sent}: SentFields | null): number {\n`;
    if (from === "command") {
      for (const f of l.slots)
        if (f.kind === "idOrNull") w += `  const ${commandLocal(f)} = cmd.hasId ? cmd.${f.prop} : null;\n`;
    }
    const h = headerExpression(l, from);
    if (l.asSent !== null) {
      w += `  const h = ${h};\n`;
      const same = l.slots.filter((f) => f.sent !== undefined).map((f) => `${read(f, from)} === sent.${f.sent}`);
      w += `  if (sent !== null && ${same.join(" && ")}) {\n`;
      w += emitWrite(l.asSent, asSentName(l), "h | AS_SENT", "    ", from);
      w += "  }\n";
      w += emitWrite(l.slots, slotsName(l), "h", "  ", from);
    } else {
      w += emitWrite(l.slots, slotsName(l), h, "  ", from);
    }
    return `${w}}\n\n`;
  };
  for (const l of ls) {
    out += writer(l, "record");
    if (l.e.fromCommand) out += writer(l, "command");
  }
  out += "/**\n * Writes each event type with its own function, remembering the last record written (its first\n";
  out += " * slot, and the sink's flushes then) and leaving out what repeats `sent`, the fields of the client's\n";
  out += " * command being executed (null: none).\n */\n";
  out += "export class EventRecordWriter implements EventSink {\n";
  out += "  protected sent: SentFields | null = null;\n  protected lastAt = -1;\n  protected lastFlushes = 0;\n\n";
  out +=
    "  constructor(\n    protected readonly sink: EventSlotSink,\n    protected readonly intern: InternWriter,\n  ) {}\n\n";
  for (const l of ls) {
    if (l.e.fromCommand) {
      out += `  ${sinkMethod(l.e)}(e: EngineEvent, cmd: CommandRecord | null): void {\n`;
      out += "    this.lastAt =\n      cmd === null\n";
      out += `        ? ${writerName(l.e)}(this.sink, this.intern, e, this.sent)\n`;
      out += `        : ${commandWriterName(l.e)}(this.sink, this.intern, e, cmd, this.sent);\n`;
    } else {
      out += `  ${sinkMethod(l.e)}(e: EngineEvent): void {\n`;
      out += `    this.lastAt = ${writerName(l.e)}(this.sink, this.intern, e, this.sent);\n`;
    }
    out += "    this.lastFlushes = this.sink.flushes;\n  }\n\n";
  }
  out += "}\n\n";
  out += "/**\n * Writes `e` as its record and returns the record's first slot. `sent`: the fields of the client's\n";
  out += ' * command being executed (null: none); an event that repeats them travels "as sent", without them.\n */\n';
  out +=
    "export function writeEvent(sink: SlotSink, intern: InternWriter, e: EngineEvent, sent: SentFields | null): number {\n";
  out += "  switch (e.type) {\n";
  for (const l of ls) out += `    case ${lit(l.e.type)}:\n      return ${writerName(l.e)}(sink, intern, e, sent);\n`;
  out += "  }\n}\n\n";

  // Sizes.
  out += "/** Slots of the event record headed `h`. */\nexport function eventSlots(h: number): number {\n";
  out += `  switch ((h >>> 4) & ${2 ** TYPE_BITS - 1}) {\n`;
  for (const l of ls) {
    out += `    case ${l.e.tag}:\n`;
    out +=
      l.asSent === null
        ? `      return ${slotsName(l)};\n`
        : `      return (h & AS_SENT) !== 0 ? ${asSentName(l)} : ${slotsName(l)};\n`;
  }
  out += `    default:\n      throw new Error(\`wire: corrupt event header \${h}\`);\n  }\n}\n\n`;

  // The reader.
  out += "/**\n * Fills `e` from the event record at `at`; returns the record's slot count. `sent` supplies the\n";
  out += ' * fields an "as sent" record leaves out (the receiver\'s copy of the current command).\n */\n';
  out +=
    "export function decodeEvent(\n  f64: Float64Array,\n  at: number,\n  intern: InternReader,\n  e: EngineEvent,\n";
  out += "  sent: SentSource | null = null,\n): number {\n";
  out += "  const h = f64[at] as number;\n  e.seq = f64[at + 1] as number;\n  e.ts = f64[at + 2] as number;\n";
  out += `  switch ((h >>> 4) & ${2 ** TYPE_BITS - 1}) {\n`;
  for (const l of ls) {
    out += `    case ${l.e.tag}:\n      e.type = ${lit(l.e.type)};\n`;
    for (const { f, shift, width } of l.bits) {
      out +=
        f.kind === "bool"
          ? `      e.${f.prop} = (h & (1 << ${shift})) !== 0;\n`
          : `      e.${f.prop} = ${f.kind.toUpperCase()}_BY_CODE[(h >>> ${shift}) & ${2 ** width - 1}] as ${f.kind === "side" ? "Side" : f.kind === "tif" ? "string" : "CommandType | null"};\n`;
    }
    if (l.asSent !== null) {
      out += "      if ((h & AS_SENT) !== 0) {\n        const s = sentOf(sent);\n";
      for (const f of l.slots) if (f.sent !== undefined) out += `        e.${f.prop} = ${sentValue(f)};\n`;
      out += emitDecode(l.asSent, "        ");
      out += `        return ${asSentName(l)};\n      }\n`;
    }
    out += emitDecode(l.slots, "      ");
    out += `      return ${slotsName(l)};\n`;
  }
  out += `    default:\n      throw new Error(\`wire: corrupt event header \${h}\`);\n  }\n}\n`;
  return out;
}
