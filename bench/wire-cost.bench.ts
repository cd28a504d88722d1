/**
 * What each side of the worker boundary costs per command, measured on one thread (no scheduling,
 * no cross-core traffic): the figures that bound the worker path's throughput on an idle machine.
 *   node dist/bench/wire-cost.bench.js [--commands N] [--seed S] [--rounds R]
 * - in process: Engine.apply (validation + execution + a counting listener);
 * - main, send: readCommand + encodeCommand (the client's share per command);
 * - worker: EngineHost.runBatch over the encoded records (decode + execute + encode events);
 * - main, receive: the event records decoded into the reused EngineEvent, to a counting listener.
 */

import { Engine } from "../exchange.js";
import { type Command, CommandRecord } from "../protocol/commands.js";
import { EngineEvent } from "../protocol/events.js";
import { readCommand } from "../protocol/validate.js";
import { generateFlow } from "../sim/flow-generator.js";
import { EngineHost, type EventSink } from "../worker/engine-host.js";
import { SentCommands } from "../worker/sent-commands.js";
import { encodeCommand } from "../worker/wire/command-codec.js";
import { decodeEvent, endsCommand } from "../worker/wire/event-codec.js";
import { InternReader, InternWriter } from "../worker/wire/intern.js";
import { recordSlots } from "../worker/wire/record-size.js";
import { KIND_DONE, KIND_EVENT, KIND_INTERN, KIND_INTERN_RESET } from "../worker/wire/records.js";
import { SlotBuffer } from "../worker/wire/slot-buffer.js";

class BufferSink extends SlotBuffer implements EventSink {
  flushes = 0;
  readonly maxRecordSlots = 1 << 16;

  flush(): void {
    this.flushes++;
  }
}

function args(): { commands: number; seed: number; rounds: number } {
  const a = { commands: 200_000, seed: 1, rounds: 5 };
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === "--commands") a.commands = Number(argv[++i]);
    else if (argv[i] === "--seed") a.seed = Number(argv[++i]);
    else if (argv[i] === "--rounds") a.rounds = Number(argv[++i]);
  }
  return a;
}

const HOST_OPTIONS = {
  journalDir: null,
  fsync: { kind: "off" as const },
  snapshotEvery: 0,
  stopOnMalformed: false,
  deliverFrom: 0,
  liquidation: "soft" as const,
};

/**
 * The three shares, timed apart, in chunks of `chunk` commands through buffers that are reused
 * (as the rings are: warm memory, no growth).
 */
function wire(
  flow: readonly Command[],
  chunk: number,
): { send: number; worker: number; receive: number; events: number; commandSlots: number; eventSlots: number } {
  const commands = new SlotBuffer(1 << 16);
  const sink = new BufferSink(1 << 17);
  const commandIntern = new InternWriter();
  const record = new CommandRecord();
  const host = new EngineHost(HOST_OPTIONS, sink);
  const eventIntern = new InternReader();
  const e = new EngineEvent();
  const sent = new SentCommands();
  const positions = new Int32Array(chunk * 2);
  const r = { send: 0, worker: 0, receive: 0, events: 0, commandSlots: 0, eventSlots: 0 };
  for (let from = 0; from < flow.length; from += chunk) {
    const to = Math.min(flow.length, from + chunk);
    let t = performance.now();
    for (let i = from; i < to; i++) {
      const code = readCommand(flow[i], record);
      encodeCommand(commands, commandIntern, record, code);
      sent.push(i, record, sent.current);
    }
    let now = performance.now();
    r.send += now - t;
    t = now;
    const { f64, u16, i32 } = commands;
    let n = 0;
    for (let at = 0; at < commands.length; at += recordSlots(f64, at)) positions[n++] = at;
    host.runBatch(f64, u16, i32, positions, n);
    now = performance.now();
    r.worker += now - t;
    t = now;
    const ev = sink.f64;
    for (let at = 0; at < sink.length; ) {
      const kind = (ev[at] as number) & 15;
      if (kind === KIND_EVENT) {
        const h = ev[at] as number;
        at += decodeEvent(ev, at, eventIntern, e, sent);
        if (e.seq > 0) r.events++;
        if (endsCommand(h)) sent.current++;
        continue;
      }
      if (kind === KIND_DONE) sent.current++;
      else if (kind === KIND_INTERN) eventIntern.learn(ev, sink.u16, at);
      else if (kind === KIND_INTERN_RESET) eventIntern.reset();
      at += recordSlots(ev, at);
    }
    r.receive += performance.now() - t;
    r.commandSlots += commands.length;
    r.eventSlots += sink.length;
    commands.clear();
    sink.clear();
  }
  return r;
}

function time<T>(f: () => T): { ms: number; value: T } {
  const t = performance.now();
  const value = f();
  return { ms: performance.now() - t, value };
}

function main(): void {
  const a = args();
  const flow = generateFlow({ commands: a.commands, seed: a.seed });
  const best = { local: Infinity, send: Infinity, worker: Infinity, receive: Infinity };
  let slots = { commands: 0, events: 0 };
  for (let r = 0; r < a.rounds; r++) {
    const local = time(() => {
      let n = 0;
      const engine = new Engine({ onEvent: () => void n++ });
      for (const c of flow) engine.apply(c);
      return n;
    });
    const w = wire(flow, 2048);
    if (w.events !== local.value) throw new Error(`event counts differ: ${w.events} vs ${local.value}`);
    best.local = Math.min(best.local, local.ms);
    best.send = Math.min(best.send, w.send);
    best.worker = Math.min(best.worker, w.worker);
    best.receive = Math.min(best.receive, w.receive);
    slots = { commands: w.commandSlots, events: w.eventSlots };
  }
  const ns = (ms: number): string => ((ms * 1e6) / a.commands).toFixed(0).padStart(5);
  const ratio = (ms: number): string => (ms / best.local).toFixed(2);
  process.stdout.write(
    `${a.commands} commands (seed ${a.seed}), best of ${a.rounds}, ns/command and ratio to in process:\n` +
      `  in process      ${ns(best.local)}\n` +
      `  main, send      ${ns(best.send)}  ${ratio(best.send)}\n` +
      `  worker          ${ns(best.worker)}  ${ratio(best.worker)}\n` +
      `  main, receive   ${ns(best.receive)}  ${ratio(best.receive)}\n` +
      `  main total      ${ns(best.send + best.receive)}  ${ratio(best.send + best.receive)}\n` +
      `  slots/command   commands ${(slots.commands / a.commands).toFixed(1)}, events ${(slots.events / a.commands).toFixed(1)}\n`,
  );
}

main();
