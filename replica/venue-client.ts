/**
 * A venue's client: submits commands (batched by subject, each message published with its own
 * `Nats-Msg-Id` and retried through a leader change until acknowledged, so every command lands
 * exactly once and in order), streams the events, and reads the replicas' status. Any language's
 * NATS client can do the same: a message is JSONL commands on `softliq.NAME.in.admin` or
 * `softliq.NAME.in.acct.ACCOUNT`, optionally with `Softliq-Line` (the first line's number).
 */
import { DeliverPolicy, type JetStreamClient, type JetStreamManager, jetstream, type PubAck } from "@nats-io/jetstream";
import { type NatsConnection, headers as natsHeaders, nuid } from "@nats-io/transport-node";
import type { Command } from "../protocol/commands.js";
import { HEADER_COUNTS, HEADER_IN_SEQ, HEADER_PART } from "./event-publisher.js";
import { connectNats, manager, parseNatsUrls, withRetry } from "./nats-link.js";
import type { ReplicaStatus } from "./replica-server.js";
import { CONSUME_OPTIONS, HEADER_LINE } from "./replica-server.js";
import { SubjectRouter } from "./subject-router.js";
import { VenueNames } from "./venue-names.js";

export interface SubmitOptions {
  /** Every command on this account's subject (a trader's), instead of each on its own. */
  account?: string;
  /** Commands per message at most (default 64). */
  batch?: number;
  /** How long one message is retried before submit gives up (ms, default 60,000). */
  retryMs?: number;
}

export interface SubmitResult {
  /** Commands published. */
  published: number;
  /** Messages published, and the stream sequence of the last. */
  messages: number;
  lastSeq: number;
}

/** One events message: the JSONL bytes of one input message's events (or a part of them). */
export interface EventsChunk {
  /** The input stream sequence whose commands produced them. */
  inSeq: number;
  /** Events per command of that message, in order: command i of message inSeq produced counts[i]. */
  counts: number[];
  bytes: Uint8Array;
}

export interface EventsOptions {
  /** The first input sequence whose events are wanted (default 1). */
  from?: number;
  /** The last; default: the input stream's last sequence when called (unless `follow`). */
  until?: number;
  /** Keep streaming new events (no end). */
  follow?: boolean;
}

export interface VenueStatus {
  lastSeq: number;
  replicas: ReplicaStatus[];
}

/** A message being built: consecutive commands for one subject, lines numbered from `firstLine`. */
class PendingMessage {
  subject = "";
  firstLine = 0;
  nextLine = 0;
  commands = 0;
  parts: (string | Uint8Array)[] = [];
  bytes = 0;

  body(): Buffer {
    return Buffer.concat(this.parts.map((p) => (typeof p === "string" ? Buffer.from(p, "utf8") : p)));
  }
}

const NEWLINE = Buffer.from("\n");

/**
 * Commands going out in order: consecutive commands for one subject share a message (up to the
 * batch size), and each message is acknowledged before the next is sent, so the stream holds them
 * in the order given even when a retry crosses a leader change.
 */
/** Where a submission's messages go: the client (or, in a test, anything that acknowledges them). */
export interface MessagePublisher {
  publishMessage(subject: string, body: Uint8Array, firstLine: number, retryMs: number): Promise<PubAck>;
}

export class Submission {
  private m = new PendingMessage();
  private readonly batch: number;
  private readonly retryMs: number;
  readonly result: SubmitResult = { published: 0, messages: 0, lastSeq: 0 };

  constructor(
    private readonly client: MessagePublisher,
    private readonly router: SubjectRouter,
    options: SubmitOptions,
  ) {
    this.batch = Math.max(1, options.batch ?? 64);
    this.retryMs = options.retryMs ?? 60_000;
  }

  /**
   * One JSONL line: `text` is what the replica reads (a command, or a bad line it rejects as a
   * replay would), `command` its parse for routing (null when it is not one), `line` its number
   * in the source file (0: none).
   */
  async add(text: string | Uint8Array, command: unknown, line: number): Promise<void> {
    const subject = this.router.route(command);
    const size = typeof text === "string" ? Buffer.byteLength(text) : text.length;
    let m = this.m;
    const gap = line - m.nextLine;
    if (
      m.commands > 0 &&
      (subject !== m.subject ||
        m.commands >= this.batch ||
        m.bytes + size > MAX_MESSAGE_BYTES ||
        line > 0 !== m.firstLine > 0 ||
        (line > 0 && (gap < 0 || gap > MAX_LINE_GAP)))
    ) {
      await this.flush();
      m = this.m;
    }
    if (m.commands === 0) {
      m.subject = subject;
      m.firstLine = line;
    } else if (line > 0) {
      // Blank lines keep the next command on its own line number (the reader skips them).
      for (let i = 0; i < gap; i++) m.parts.push(NEWLINE);
      m.bytes += gap;
    }
    m.parts.push(text, NEWLINE);
    m.bytes += size + 1;
    m.commands++;
    m.nextLine = line + 1;
  }

  /** Sends what is left and returns the totals. */
  async finish(): Promise<SubmitResult> {
    await this.flush();
    return this.result;
  }

  private async flush(): Promise<void> {
    const m = this.m;
    if (m.commands === 0) return;
    const ack = await this.client.publishMessage(m.subject, m.body(), m.firstLine, this.retryMs);
    this.result.published += m.commands;
    this.result.messages++;
    this.result.lastSeq = ack.seq;
    this.m = new PendingMessage();
  }
}

/** A message larger than this is sent before another line joins it. */
const MAX_MESSAGE_BYTES = 256 * 1024;
/** How long status() waits for the replicas' reports before it gives up. */
export const STATUS_WAIT_MS = 10_000;

/** The status stream did not answer in time (the command line exits "unavailable", as for a NATS timeout). */
export class StatusTimeoutError extends Error {
  override name = "TimeoutError";
}

/** More blank lines than this to keep line numbers in step start a new message instead. */
const MAX_LINE_GAP = 64;

export class VenueClient {
  readonly names: VenueNames;
  private readonly js: JetStreamClient;
  private readonly runId = nuid.next();
  private messageIndex = 0;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly jsm: JetStreamManager,
    venue: string,
  ) {
    this.names = new VenueNames(venue);
    this.js = jetstream(nc);
  }

  static async connect(nats: string | readonly string[], venue: string): Promise<VenueClient> {
    const names = new VenueNames(venue); // an invalid name fails before connecting
    const nc = await connectNats(parseNatsUrls(nats), "softliq-client");
    return new VenueClient(nc, await manager(nc), names.venue);
  }

  /** Submits commands in order, batched by subject; resolves once every message is acknowledged. */
  async submit(
    commands: Iterable<Command | Record<string, unknown>>,
    options: SubmitOptions = {},
  ): Promise<SubmitResult> {
    const submission = this.submission(options);
    for (const c of commands) await submission.add(JSON.stringify(c), c, 0);
    return submission.finish();
  }

  /** A submission fed line by line (the CLI's: lines keep their file's numbers). */
  submission(options: SubmitOptions = {}): Submission {
    return new Submission(this, new SubjectRouter(this.names, options.account ?? null), options);
  }

  /** Publishes one message body, retried with the same `Nats-Msg-Id` until acknowledged. */
  async publishMessage(subject: string, body: string | Uint8Array, firstLine = 0, retryMs = 60_000): Promise<PubAck> {
    const msgID = `${this.runId}-${++this.messageIndex}`;
    const h = natsHeaders();
    if (firstLine > 0) h.set(HEADER_LINE, String(firstLine));
    return withRetry(() => this.js.publish(subject, body, { msgID, headers: h, timeout: 2_000 }), Date.now() + retryMs);
  }

  /** The input stream's last sequence (0: empty). */
  async lastSeq(): Promise<number> {
    const info = await withRetry(() => this.jsm.streams.info(this.names.inputStream), Date.now() + 30_000);
    return info.state.last_seq;
  }

  /** The events of input sequences `from`…`until`, in order, as the replicas published them. */
  async *events(options: EventsOptions = {}): AsyncGenerator<EventsChunk> {
    const from = Math.max(1, options.from ?? 1);
    const until = options.follow === true ? Number.POSITIVE_INFINITY : (options.until ?? (await this.lastSeq()));
    if (until < from) return;
    // Events message k belongs to input sequence k or an earlier one (a message in parts takes several).
    const consumer = await this.js.consumers.get(this.names.eventsStream, {
      deliver_policy: DeliverPolicy.StartSequence,
      opt_start_seq: from,
    });
    const messages = await consumer.consume(CONSUME_OPTIONS);
    try {
      for await (const m of messages) {
        const inSeq = Number(m.headers?.get(HEADER_IN_SEQ) ?? "0");
        if (inSeq > until) return;
        if (inSeq < from) continue;
        const counts = (m.headers?.get(HEADER_COUNTS) ?? "")
          .split(",")
          .filter((c) => c !== "")
          .map(Number);
        yield { inSeq, counts, bytes: m.data };
        const part = m.headers?.get(HEADER_PART) ?? "";
        const last = part === "" || part.split("/")[0] === part.split("/")[1];
        if (inSeq === until && last) return;
      }
    } finally {
      messages.stop();
    }
  }

  /** Every replica's last report and the input stream's last sequence. */
  async status(): Promise<VenueStatus> {
    const lastSeq = await this.lastSeq();
    const info = await withRetry(() => this.jsm.streams.info(this.names.statusStream), Date.now() + 30_000);
    const replicas: ReplicaStatus[] = [];
    if (info.state.messages > 0) {
      const consumer = await this.js.consumers.get(this.names.statusStream, {
        deliver_policy: DeliverPolicy.LastPerSubject,
      });
      const messages = await consumer.consume(CONSUME_OPTIONS);
      // A consumer that stops delivering (replica-server.ts, STALL_MS) must not hang the caller.
      let complete = false;
      const timer = setTimeout(() => messages.stop(), STATUS_WAIT_MS);
      try {
        for await (const m of messages) {
          replicas.push(m.json<ReplicaStatus>());
          if (m.info.pending === 0) {
            complete = true;
            break;
          }
        }
      } finally {
        clearTimeout(timer);
        messages.stop();
      }
      if (!complete)
        throw new StatusTimeoutError(`the status stream gave no complete answer within ${STATUS_WAIT_MS} ms`);
    }
    replicas.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return { lastSeq, replicas };
  }

  async close(): Promise<void> {
    await this.nc.close();
  }
}
