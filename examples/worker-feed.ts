/**
 * A feed into the engine's worker thread: `enqueue` without a promise per command, `ready()` when
 * the ring is full, `drain()` at the end. The worker's state is the in-process engine's, byte for
 * byte (the same stateHash); a closed client answers with a typed error.
 */
import { type Command, Engine, EngineClient, EngineClientStateError } from "softliq";

const commands: Command[] = [];
for (let i = 1; i <= 20_000; i++) {
  const side = i % 2 === 0 ? "buy" : "sell";
  // Prices wander around 1,000; some orders cross and trade, some rest, every tenth is cancelled.
  const price = 1_000 + ((i * 7919) % 21) - 10;
  commands.push({ type: "limit", id: i, side, price, qty: 1 + (i % 5) });
  if (i % 10 === 0) commands.push({ type: "cancel", id: i - 5 });
}

let fills = 0;
const client = new EngineClient();
client.onEvent((e) => {
  if (e.type === "fill") fills++;
});
await client.start();
for (const c of commands) if (!client.enqueue(c)) await client.ready();
await client.drain();
const { stateHash } = await client.snapshot();
await client.close();

const engine = new Engine();
for (const c of commands) engine.apply(c);
console.log(
  `${commands.length} commands, ${fills} fills; same state in the worker: ${stateHash === engine.stateHash()}`,
);

try {
  await client.submit({ type: "cancel", id: 1 });
} catch (err) {
  if (err instanceof EngineClientStateError) console.log(`after close: ${err.message} (state ${err.state})`);
  else throw err;
}
