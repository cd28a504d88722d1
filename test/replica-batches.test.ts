import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import { describe, expect, it } from "vitest";
import { feedSubmission } from "../cli/submit.js";
import { Engine } from "../exchange.js";
import { eventToJson } from "../protocol/events.js";
import { BatchApplier } from "../replica/command-batch.js";
import { EventBytesBuffer } from "../replica/event-bytes-buffer.js";
import { publisherOf } from "../replica/permissions.js";
import { SubjectRouter } from "../replica/subject-router.js";
import { type MessagePublisher, Submission } from "../replica/venue-client.js";
import { VenueNames } from "../replica/venue-names.js";
import { replayFlow } from "../worker/replay-flow.js";

const names = new VenueNames("batches");

interface Sent {
  subject: string;
  body: Uint8Array;
  firstLine: number;
}

/** A stand-in for the stream: keeps the messages in order and acknowledges each. */
function recordingStream(): MessagePublisher & { sent: Sent[] } {
  const sent: Sent[] = [];
  return {
    sent,
    async publishMessage(subject, body, firstLine) {
      sent.push({ subject, body, firstLine });
      return { stream: "S", seq: sent.length, duplicate: false, domain: "" };
    },
  };
}

async function replayBytes(source: () => Readable, format: "jsonl" | "csv"): Promise<{ bytes: string; hash: string }> {
  const lines: string[] = [];
  const r = await replayFlow(source(), format, { onEvent: (e) => lines.push(`${eventToJson(e)}\n`) });
  return { bytes: lines.join(""), hash: r.engine.stateHash() };
}

/** What the replicas do with the messages a submission sent: the events' bytes and the final hash. */
function replicaBytes(sent: readonly Sent[]): { bytes: string; hash: string } {
  const events = new EventBytesBuffer();
  const engine = new Engine({ onEvent: events.write });
  const applier = new BatchApplier(engine);
  for (const m of sent) applier.apply(m.body, m.firstLine, publisherOf(m.subject, names));
  return { bytes: events.take().toString("utf8"), hash: engine.stateHash() };
}

async function submitted(source: () => Readable, format: "jsonl" | "csv", batch: number): Promise<Sent[]> {
  const stream = recordingStream();
  const submission = new Submission(stream, new SubjectRouter(names), { batch });
  await feedSubmission(source(), format, submission);
  await submission.finish();
  return stream.sent;
}

const FLOW = [
  "# a flow with comments, blank lines and bad lines between margined commands",
  '{"type":"oracle","price":100,"ts":5}',
  '{"type":"deposit","account":"alice","amount":100000}',
  "",
  '{"type":"deposit","account":"bob","amount":100000}',
  '{"type":"limit","id":1,"side":"sell","price":101,"qty":5,"account":"bob"}',
  "{not json",
  '{"type":"limit","id":2,"side":"buy","price":101,"qty":2,"account":"alice","colour":"red"}',
  "   # indented comment",
  '{"type":"limit","id":3,"side":"buy","price":101,"qty":2,"account":"alice","ts":7}',
  '{"type":"modify","id":1,"qty":1}',
  '{"type":"cancel","id":1}',
  '{"type":"limit","id":4,"side":"buy","price":99,"qty":1}',
  '{"type":"oracle","price":90,"ts":6}',
  "",
  "",
  '{"type":"cancel","id":4}',
].join("\n");

describe("stream messages are read as the flow file they came from", () => {
  for (const batch of [1, 3, 64]) {
    it(`gives replay's events byte for byte, bad lines and their numbers included (batch ${batch})`, async () => {
      const source = () => Readable.from([Buffer.from(FLOW)]);
      const expected = await replayBytes(source, "jsonl");
      const sent = await submitted(source, "jsonl", batch);
      expect(replicaBytes(sent)).toEqual(expected);
      expect(expected.bytes).toContain('"line":7');
    });
  }

  it("routes an account's orders and their cancels to its subject, the rest to in.admin", async () => {
    const sent = await submitted(() => Readable.from([Buffer.from(FLOW)]), "jsonl", 64);
    const subjects = sent.map((m) => m.subject.slice("softliq.batches.in.".length));
    expect(subjects).toEqual(["admin", "acct.bob", "admin", "acct.alice", "acct.bob", "admin"]);
  });

  it("gives the bundled cascade's events and stateHash in batches of 7", async () => {
    const source = () => createReadStream("samples/cascade.jsonl");
    const expected = await replayBytes(source, "jsonl");
    expect(replicaBytes(await submitted(source, "jsonl", 7))).toEqual(expected);
  });

  it("carries a CSV flow's rows as JSON with their line numbers", async () => {
    const csv = [
      "type,id,side,price,qty,account,amount",
      "deposit,,,,,a,5000",
      "",
      "limit,1,buy,10,2,a,",
      "cancel,9,,,,,",
    ].join("\n");
    const source = () => Readable.from([Buffer.from(csv)]);
    const expected = await replayBytes(source, "csv");
    expect(replicaBytes(await submitted(source, "csv", 64))).toEqual(expected);
    expect(expected.bytes).toContain('"line":5');
  });
});
