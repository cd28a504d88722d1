import { describe, expect, it } from "vitest";
import { Engine } from "../exchange.js";
import type { Command } from "../protocol/commands.js";
import { type EventObject, eventToObject } from "../protocol/events.js";
import { BatchApplier } from "../replica/command-batch.js";
import { publisherOf } from "../replica/permissions.js";
import { VenueNames } from "../replica/venue-names.js";

const names = new VenueNames("perm");

/** A venue with alice's bid and bob's ask resting, each account funded. */
function venue(): {
  engine: Engine;
  events: EventObject[];
  send: (subject: string, ...commands: unknown[]) => EventObject[];
} {
  const events: EventObject[] = [];
  const engine = new Engine({ onEvent: (e) => events.push(eventToObject(e)) });
  const applier = new BatchApplier(engine);
  const send = (subject: string, ...commands: unknown[]): EventObject[] => {
    const from = events.length;
    const body = Buffer.from(commands.map((c) => `${JSON.stringify(c)}\n`).join(""));
    applier.apply(body, 0, publisherOf(subject, names));
    return events.slice(from);
  };
  const setup: Command[] = [
    { type: "oracle", price: 100, ts: 10 },
    { type: "deposit", account: "alice", amount: 1_000_000 },
    { type: "deposit", account: "bob", amount: 1_000_000 },
    { type: "deposit", account: "7", amount: 1_000_000 },
    { type: "limit", id: "a1", side: "buy", price: 90, qty: 5, account: "alice" },
    { type: "limit", id: "b1", side: "sell", price: 110, qty: 5, account: "bob" },
    { type: "limit", id: "op", side: "sell", price: 120, qty: 5 },
  ];
  send(names.adminSubject, ...setup);
  return { engine, events, send };
}

const alice = names.accountSubject("alice");

const FORBIDDEN_ON_ALICE: [string, unknown][] = [
  ["a deposit (an admin type)", { type: "deposit", account: "alice", amount: 5 }],
  ["a withdrawal", { type: "withdraw", account: "alice", amount: 5 }],
  ["an oracle price", { type: "oracle", price: 1, ts: 50 }],
  ["an instrument", { type: "instrument", symbol: "Y" }],
  ["a tick", { type: "tick", ts: 99 }],
  ["a backstop offer", { type: "backstop", account: "alice", symbol: "X", discountPpm: 1000, maxNotional: 10 }],
  ["an order naming another account", { type: "limit", id: "x1", side: "buy", price: 95, qty: 1, account: "bob" }],
  ["a market order naming another account", { type: "market", id: "x2", side: "buy", qty: 1, account: "bob" }],
  ["an order naming no account (the operator's)", { type: "limit", id: "x3", side: "buy", price: 95, qty: 1 }],
  ["a cancel of another account's order", { type: "cancel", id: "b1" }],
  ["a modify of another account's order", { type: "modify", id: "b1", qty: 1 }],
  ["a cancel of the operator's order", { type: "cancel", id: "op" }],
];

describe("subject permissions: in.acct.A carries only A's orders, cancels and modifies", () => {
  for (const [what, command] of FORBIDDEN_ON_ALICE) {
    it(`rejects ${what} on alice's subject FORBIDDEN and changes nothing`, () => {
      const { engine, send } = venue();
      const hash = engine.stateHash();
      const clock = engine.clock;
      const out = send(alice, command);
      expect(out).toHaveLength(1);
      expect(out[0]).toMatchObject({
        type: "rejected",
        reason: "FORBIDDEN",
        command: (command as { type: string }).type,
      });
      expect(engine.stateHash()).toBe(hash);
      expect(engine.clock).toBe(clock);
    });
  }

  it("applies alice's own orders, cancels and modifies on her subject", () => {
    const { engine, send } = venue();
    const types = (out: { type: string }[]) => out.map((e) => e.type);
    expect(types(send(alice, { type: "limit", id: "a2", side: "buy", price: 91, qty: 2, account: "alice" }))).toEqual([
      "accepted",
    ]);
    expect(types(send(alice, { type: "modify", id: "a1", qty: 3 }))).toEqual(["accepted", "modified"]);
    expect(types(send(alice, { type: "cancel", id: "a2" }))).toEqual(["accepted", "cancelled"]);
    expect(engine.order("a1")?.open).toBe(3);
  });

  it("leaves a cancel of an id that is not live to the engine: UNKNOWN_ORDER, as anywhere", () => {
    const { send } = venue();
    expect(send(alice, { type: "cancel", id: "nope" })[0]).toMatchObject({ type: "rejected", reason: "UNKNOWN_ORDER" });
  });

  it("matches a numeric account with its subject token", () => {
    const { send } = venue();
    const out = send(names.accountSubject("7"), {
      type: "limit",
      id: "n1",
      side: "buy",
      price: 91,
      qty: 1,
      account: 7,
    });
    expect(out[0]).toMatchObject({ type: "accepted", account: "7" });
  });

  it("rejects in one message only the forbidden commands, each with its own verdict", () => {
    const { send } = venue();
    const out = send(
      alice,
      { type: "limit", id: "a3", side: "buy", price: 92, qty: 1, account: "alice" },
      { type: "cancel", id: "b1" },
      { type: "cancel", id: "a3" },
    );
    expect(out.map((e) => [e.type, (e as { reason?: string }).reason ?? null])).toEqual([
      ["accepted", null],
      ["rejected", "FORBIDDEN"],
      ["accepted", null],
      ["cancelled", "USER"],
    ]);
  });

  it("rejects everything, admin types included, on a subject nobody owns", () => {
    for (const subject of ["softliq.perm.in.other", "softliq.perm.in.acct.alice.x", "softliq.perm.in.acct."]) {
      const { engine, send } = venue();
      const hash = engine.stateHash();
      const out = send(
        subject,
        { type: "oracle", price: 50 },
        { type: "limit", id: "z", side: "buy", price: 9, qty: 1 },
      );
      expect(out.map((e) => (e as { reason?: string }).reason)).toEqual(["FORBIDDEN", "FORBIDDEN"]);
      expect(engine.stateHash()).toBe(hash);
    }
  });

  it("lets the operator's subject carry every command, a cancel of any account's order included", () => {
    const { send } = venue();
    expect(send(names.adminSubject, { type: "cancel", id: "b1" }).map((e) => e.type)).toEqual([
      "accepted",
      "cancelled",
    ]);
  });

  it("reports a malformed command on a trader's subject with its own code (it changes nothing either way)", () => {
    const { send } = venue();
    expect(send(alice, { type: "limit", id: "q", side: "up", price: 9, qty: 1, account: "alice" })[0]).toMatchObject({
      reason: "INVALID_SIDE",
    });
  });
});
