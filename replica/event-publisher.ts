/**
 * Publishes a replica's events so that exactly one copy of each lands: message k of the events
 * stream is sent with `Nats-Expected-Last-Sequence: k-1`, so whichever replica is first stores it
 * and every other replica's copy is refused ("wrong last sequence"). A refused replica then reads
 * message k and compares it with its own, byte for byte (body and headers): equal, it goes on;
 * different, it has diverged and stops. Sends are pipelined (a window of messages in flight) and
 * settled strictly in order, so a retry never reorders anything. Each send also expects the
 * previous message to be this replica's own (`Nats-Expected-Last-Msg-Id`), so a replica whose
 * copy of message k was refused cannot store k+1 on top of another replica's k before it has
 * compared the two.
 */
import type { JetStreamClient, JetStreamManager, PubAck } from "@nats-io/jetstream";
import { JetStreamApiError } from "@nats-io/jetstream";
import { type MsgHdrs, headers as natsHeaders } from "@nats-io/transport-node";
import { isRetryable, retryDelayMs, sleep, withRetry } from "./nats-link.js";
import type { VenueNames } from "./venue-names.js";

export const HEADER_IN_SEQ = "Softliq-In-Seq";
export const HEADER_COUNTS = "Softliq-Counts";
export const HEADER_STATE_HASH = "Softliq-State-Hash";
export const HEADER_PART = "Softliq-Part";

/** Which of our headers must agree between two replicas' copies (the hash only when both carry it). */
const COMPARED = [HEADER_IN_SEQ, HEADER_COUNTS, HEADER_PART];

/** 10071 / 10070: the stream's last sequence / last message id is not the one the message expected. */
const WRONG_LAST_SEQUENCE = 10071;
const WRONG_LAST_MSG_ID = 10070;

export class DivergenceError extends Error {
  constructor(
    readonly inSeq: number,
    readonly eventsSeq: number,
    why: string,
  ) {
    super(`diverged at input seq ${inSeq} (events seq ${eventsSeq}): ${why}`);
    this.name = "DivergenceError";
  }
}

/** One events message of one input message. */
export interface EventsMessage {
  inSeq: number;
  body: Uint8Array;
  counts: string;
  part: string;
  stateHash: string | null;
}

interface InFlight {
  msg: EventsMessage;
  /** The events-stream sequence it must get. */
  seq: number;
  /** This replica's `Nats-Msg-Id` for it. */
  id: string;
  attempt: Promise<PubAck | Error>;
}

export class EventPublisher {
  private readonly inFlight: InFlight[] = [];
  private head = 0;
  /** The events-stream sequence the next message gets. */
  private nextSeq: number;
  /** Messages whose copy was already stored by another replica (and matched). */
  matched = 0;
  /** Messages this replica stored. */
  stored = 0;
  /** The `Nats-Msg-Id` of the last settled message ("" when unknown: only the sequence is expected). */
  private settledId = "";

  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly names: VenueNames,
    private readonly replica: string,
    /** The events-stream sequence the state is at (0: none published yet). */
    eventsSeq: number,
    private readonly window = 64,
  ) {
    this.nextSeq = eventsSeq + 1;
  }

  /** The events-stream sequence of the last message handed in. */
  get eventsSeq(): number {
    return this.nextSeq - 1;
  }

  /** Sends `msg`, waiting first when the window is full (the replica's backpressure). */
  async publish(msg: EventsMessage): Promise<void> {
    if (this.inFlight.length - this.head >= this.window) await this.settleOldest();
    const seq = this.nextSeq++;
    const previous =
      this.head < this.inFlight.length ? (this.inFlight[this.inFlight.length - 1] as InFlight).id : this.settledId;
    const id = `${this.replica}:${seq}`;
    this.inFlight.push({ msg, seq, id, attempt: this.send(msg, seq, id, previous) });
  }

  /** Settles everything in flight: each message stored by us or matched against the stored copy. */
  async drain(): Promise<void> {
    while (this.head < this.inFlight.length) await this.settleOldest();
  }

  private send(msg: EventsMessage, seq: number, id: string, previousId: string): Promise<PubAck | Error> {
    const h: MsgHdrs = natsHeaders();
    h.set(HEADER_IN_SEQ, String(msg.inSeq));
    h.set(HEADER_COUNTS, msg.counts);
    if (msg.part !== "") h.set(HEADER_PART, msg.part);
    if (msg.stateHash !== null) h.set(HEADER_STATE_HASH, msg.stateHash);
    return this.js
      .publish(this.names.eventsSubject, msg.body, {
        msgID: id,
        expect: previousId === "" ? { lastSequence: seq - 1 } : { lastSequence: seq - 1, lastMsgID: previousId },
        headers: h,
        timeout: 5_000,
      })
      .then(
        (ack) => ack,
        (err: unknown) => (err instanceof Error ? err : new Error(String(err))),
      );
  }

  private async settleOldest(): Promise<void> {
    const f = this.inFlight[this.head] as InFlight;
    for (let attempt = 0; ; attempt++) {
      const result = await f.attempt;
      if (!(result instanceof Error)) {
        if (result.seq !== f.seq) throw new Error(`events message stored at ${result.seq}, expected ${f.seq}`);
        this.stored++;
        this.settledId = f.id;
        break;
      }
      if (
        result instanceof JetStreamApiError &&
        (result.code === WRONG_LAST_SEQUENCE || result.code === WRONG_LAST_MSG_ID)
      ) {
        const storedId = await this.matchesStored(f);
        if (storedId !== null) {
          this.matched++;
          this.settledId = storedId;
          break;
        }
        // Not stored yet: an earlier message of ours was still in flight when this one was sent.
      } else if (!isRetryable(result)) {
        throw result;
      } else {
        await sleep(retryDelayMs(attempt));
      }
      f.attempt = this.send(f.msg, f.seq, f.id, this.settledId);
    }
    this.inFlight[this.head++] = undefined as unknown as InFlight;
    if (this.head > 1024 && this.head * 2 > this.inFlight.length) {
      this.inFlight.splice(0, this.head);
      this.head = 0;
    }
  }

  /**
   * Compares the stored message `f.seq` with this replica's copy: its `Nats-Msg-Id` when they are
   * equal, null when nothing is stored there yet; a DivergenceError when they differ.
   */
  private async matchesStored(f: InFlight): Promise<string | null> {
    const stored = await withRetry(
      () => this.jsm.streams.getMessage(this.names.eventsStream, { seq: f.seq }),
      Number.POSITIVE_INFINITY,
    );
    if (stored === null) return null;
    const msg = f.msg;
    const h = stored.header;
    const mine: Record<string, string> = {
      [HEADER_IN_SEQ]: String(msg.inSeq),
      [HEADER_COUNTS]: msg.counts,
      [HEADER_PART]: msg.part,
    };
    for (const key of COMPARED) {
      const theirs = h?.get(key) ?? "";
      if (theirs !== mine[key]) {
        throw new DivergenceError(msg.inSeq, f.seq, `header ${key} is "${theirs}" there, "${mine[key]}" here`);
      }
    }
    const theirHash = h?.get(HEADER_STATE_HASH) ?? "";
    if (msg.stateHash !== null && theirHash !== "" && theirHash !== msg.stateHash) {
      throw new DivergenceError(msg.inSeq, f.seq, `stateHash ${theirHash} there, ${msg.stateHash} here`);
    }
    if (!Buffer.from(stored.data).equals(Buffer.from(msg.body.buffer, msg.body.byteOffset, msg.body.byteLength))) {
      throw new DivergenceError(msg.inSeq, f.seq, firstDifference(stored.data, msg.body));
    }
    return h?.get("Nats-Msg-Id") ?? "";
  }
}

/** The first line where two event bodies differ, for the divergence report. */
function firstDifference(theirs: Uint8Array, mine: Uint8Array): string {
  const a = Buffer.from(theirs).toString("utf8").split("\n");
  const b = Buffer.from(mine).toString("utf8").split("\n");
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    if (a[i] !== b[i]) return `event line ${i + 1}: stored ${a[i] ?? "(none)"}, here ${b[i] ?? "(none)"}`;
  }
  return "bodies differ";
}
