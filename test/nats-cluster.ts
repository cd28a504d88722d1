/** The NATS harness for the tests (bench/nats-servers.ts) and a describe block that needs it. */
import { describe } from "vitest";
import { natsServerPath, SKIP_MESSAGE } from "../bench/nats-servers.js";

export { NatsCluster, natsServerPath, SKIP_MESSAGE } from "../bench/nats-servers.js";

/** A describe block that needs nats-server: skipped, saying why, when it is missing. */
export function describeWithNats(title: string, body: () => void): void {
  if (natsServerPath() !== null) {
    describe(title, body);
    return;
  }
  process.stderr.write(`${title}: ${SKIP_MESSAGE}\n`);
  describe.skip(`${title} (${SKIP_MESSAGE})`, body);
}
