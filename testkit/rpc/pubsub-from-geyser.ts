/**
 * The same chain activity for PubSub subscribers: Geyser updates (from the simulated market or
 * the fixtures) as account, logs and slot notifications. A transaction's logs mention every key
 * of its message, as the validator's `mentions` filter sees them.
 */
import { base58 } from "../../chain/layouts/bytes.js";
import type { SubscribeUpdate } from "../../streams/geyser/wire.js";
import type { PubSubEvent } from "./pubsub-server.js";

export function* pubsubEventsFromGeyser(updates: Iterable<SubscribeUpdate>): Generator<PubSubEvent> {
  for (const u of updates) {
    const a = u.account?.account;
    if (a !== undefined && u.account !== undefined) {
      yield { kind: "account", pubkey: base58(a.pubkey), owner: base58(a.owner), lamports: Number(a.lamports), data: a.data, slot: Number(u.account.slot) };
    } else if (u.transaction?.transaction !== undefined) {
      const info = u.transaction.transaction;
      const keys = info.transaction?.message?.accountKeys ?? [];
      yield {
        kind: "logs",
        signature: base58(info.signature),
        err: info.meta?.err === undefined ? null : { InstructionError: [0, "Custom"] },
        logs: info.meta?.logMessages ?? [],
        mentions: keys.map(base58),
        slot: Number(u.transaction.slot),
      };
    } else if (u.slot !== undefined) {
      const slot = Number(u.slot.slot);
      yield { kind: "slot", slot, parent: Number(u.slot.parent ?? slot - 1), root: Math.max(0, slot - 32) };
    }
  }
}
