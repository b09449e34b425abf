import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { base58 } from "../../chain/layouts/bytes.js";
import type { FeedEvent, TokenBalance } from "../types.js";
import { encodeFeedEvent } from "./encode.js";
import { parseSubscribeUpdate } from "./parse.js";
import { SubscribeUpdate } from "./wire.js";

const key = fc.uint8Array({ minLength: 32, maxLength: 32 }).map(base58);
const ms = fc.integer({ min: 1_600_000_000_000, max: 1_900_000_000_000 });
const slot = fc.integer({ min: 0, max: 2 ** 40 });
const balance: fc.Arbitrary<TokenBalance> = fc.record({
  accountIndex: fc.nat(20), mint: key, owner: key, amount: fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }), decimals: fc.integer({ min: 0, max: 12 }),
});

const account = fc.record({ pubkey: key, owner: key, data: fc.uint8Array({ maxLength: 300 }), slot, writeVersion: fc.nat(), tsEvent: ms, tsInit: ms })
  .map((update): FeedEvent => ({ kind: "account", update }));
const transaction = fc.record({
  signature: fc.uint8Array({ minLength: 64, maxLength: 64 }).map(base58), slot, index: fc.nat(5_000), failed: fc.boolean(),
  accountKeys: fc.array(key, { maxLength: 8 }), logMessages: fc.array(fc.string(), { maxLength: 6 }),
  preTokenBalances: fc.array(balance, { maxLength: 3 }), postTokenBalances: fc.array(balance, { maxLength: 3 }), tsEvent: ms, tsInit: ms,
}).map((update): FeedEvent => ({ kind: "transaction", update }));
const slotUpdate = fc.record({
  slot, parent: fc.option(slot, { nil: null }), status: fc.constantFrom("processed", "confirmed", "finalized", "first_shred", "completed", "created_bank", "dead" as const), tsEvent: ms, tsInit: ms,
}).map((update): FeedEvent => ({ kind: "slot", update }));

describe("encodeFeedEvent", () => {
  it("is parse's inverse: every account, transaction and slot event survives the wire unchanged", () => {
    fc.assert(
      fc.property(fc.oneof(account, transaction, slotUpdate), (e) => {
        const u = encodeFeedEvent(e)!;
        // Through the protobuf bytes, as the gRPC server sends them.
        const wire = SubscribeUpdate.decode(SubscribeUpdate.encode(u).finish());
        const tsInit = e.kind === "gap" || e.kind === "status" ? 0 : e.update.tsInit;
        expect(parseSubscribeUpdate(wire, tsInit)).toEqual({ ok: true, event: e });
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it("has no wire form for our own gap and status observations", () => {
    expect(encodeFeedEvent({ kind: "gap", requestedFromSlot: 1, resumedAtSlot: 9, tsInit: 0 })).toBeNull();
    expect(encodeFeedEvent({ kind: "status", state: "connected", detail: "", tsInit: 0 })).toBeNull();
  });
});
