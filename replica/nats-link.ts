/**
 * Connecting to the venue's NATS servers and creating its streams. Credentials ride in the URL
 * (`nats://user:pass@host:port`, the contract's form); the client library takes them as options,
 * so they are lifted out of the URLs here. Which failures are worth a retry is decided here too.
 */
import { JetStreamApiError, type JetStreamManager, jetstreamManager, StorageType } from "@nats-io/jetstream";
import { connect, errors, type NatsConnection } from "@nats-io/transport-node";
import type { VenueNames } from "./venue-names.js";

export interface NatsTarget {
  servers: string[];
  user?: string;
  pass?: string;
}

/** `URL[,URL…]`: each `nats://[user:pass@]host:port` (or `host:port`); the first credentials found apply to all. */
export function parseNatsUrls(text: string | readonly string[]): NatsTarget {
  const urls = (typeof text === "string" ? text.split(",") : [...text]).map((u) => u.trim()).filter((u) => u !== "");
  if (urls.length === 0) throw new Error("no NATS server URL");
  const servers: string[] = [];
  let user: string | undefined;
  let pass: string | undefined;
  for (const raw of urls) {
    const url = new URL(raw.includes("://") ? raw : `nats://${raw}`);
    if (url.username !== "" && user === undefined) {
      user = decodeURIComponent(url.username);
      pass = decodeURIComponent(url.password);
    }
    servers.push(`${url.hostname}:${url.port === "" ? "4222" : url.port}`);
  }
  return { servers, ...(user === undefined ? {} : { user, pass: pass ?? "" }) };
}

export async function connectNats(target: NatsTarget, name: string): Promise<NatsConnection> {
  return connect({
    servers: target.servers,
    name,
    ...(target.user === undefined ? {} : { user: target.user, pass: target.pass ?? "" }),
    maxReconnectAttempts: -1,
    reconnectTimeWait: 250,
    // A publish's acknowledgement is a request: the ack timeout bounds a try, not the whole retry.
    timeout: 5_000,
  });
}

/**
 * Failures a later try can cure: no acknowledgement in time, no stream leader answering (nats.js
 * says "jetstream is not enabled" for no responders), a cluster between leaders, a connection
 * being re-established. Anything else (a permission violation, a wrong expected sequence) is final.
 */
export function isRetryable(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  if (err instanceof errors.TimeoutError || err instanceof errors.NoRespondersError) return true;
  if (err instanceof errors.RequestError) return err.isNoResponders() || isRetryable(err.cause);
  if (err instanceof errors.ConnectionError) return true;
  // nats.js exports neither class: JetStreamNotEnabled (no responders) and JetStreamStatusError (a 503/408 status).
  if (err.name === "JetStreamNotEnabled") return true;
  if (err.name === "JetStreamStatusError") {
    const code = (err as Error & { code?: number }).code;
    return code === 503 || code === 408;
  }
  if (err instanceof JetStreamApiError)
    return /temporarily unavailable|not available|no suitable peers|leader/i.test(err.message);
  return /timeout|no responders|jetstream is not enabled|disconnect|reconnect/i.test(err.message);
}

/** The wait before try `attempt` (0-based): 50 ms doubling to 1 s. */
export function retryDelayMs(attempt: number): number {
  return Math.min(1_000, 50 * 2 ** Math.min(attempt, 5));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** `fn`, tried again on a retryable failure until `deadlineMs` (wall clock: delivery, not engine time). */
export async function withRetry<T>(fn: () => Promise<T>, deadlineMs: number): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      if (!isRetryable(err) || Date.now() >= deadlineMs) throw err;
      await sleep(retryDelayMs(attempt));
    }
  }
}

/** 10074: replicas > 1 not supported in non-clustered mode; 10058: a stream of that name exists. */
const NOT_CLUSTERED = 10074;
const STREAM_NAME_IN_USE = 10058;

/** Replication of the venue's streams: 3 on a cluster, 1 on a single server. */
export type StreamReplicas = 1 | 3;

/**
 * Creates the venue's three streams if they are missing: the input (its order is the engine's
 * order; `duplicate_window` makes a retried `Nats-Msg-Id` land once), the events (one message per
 * input message), and the replicas' status (the last report of each). R3 on a cluster, R1 when
 * the server is not clustered.
 */
export async function ensureVenueStreams(jsm: JetStreamManager, names: VenueNames): Promise<StreamReplicas> {
  let replicas: StreamReplicas = 3;
  const specs = [
    { name: names.inputStream, subjects: [names.inputWildcard], duplicate_window: 120_000_000_000 },
    { name: names.eventsStream, subjects: [names.eventsSubject], allow_direct: true },
    { name: names.statusStream, subjects: [`${names.statusPrefix}>`], max_msgs_per_subject: 1 },
  ];
  for (const spec of specs) {
    try {
      const info = await jsm.streams.info(spec.name);
      replicas = info.config.num_replicas >= 3 ? 3 : 1;
      continue;
    } catch (err) {
      if (!(err instanceof JetStreamApiError) || err.code !== 10059) throw err; // 10059: stream not found
    }
    try {
      await jsm.streams.add({ ...spec, num_replicas: replicas, storage: StorageType.File });
    } catch (err) {
      if (!(err instanceof JetStreamApiError)) throw err;
      if (err.code === STREAM_NAME_IN_USE) continue; // another replica created it first
      if (err.code !== NOT_CLUSTERED) throw err;
      replicas = 1;
      await jsm.streams.add({ ...spec, num_replicas: 1, storage: StorageType.File });
    }
  }
  return replicas;
}

export async function manager(nc: NatsConnection): Promise<JetStreamManager> {
  // No account-info probe: a trader allowed only its own subject may not call the JetStream API.
  return jetstreamManager(nc, { checkAPI: false });
}
