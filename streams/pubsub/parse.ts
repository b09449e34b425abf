/**
 * PubSub notifications → FeedEvents. PubSub carries no venue time, so `tsEvent` is our receive
 * time; no write version either, so the caller numbers account writes in arrival order. A logs
 * notification has no account keys or balances: the mentioned program stands in for the keys.
 */
import { Result, Schema } from "effect";
import type { FeedEvent } from "../types.js";
import { PubSubDecodeError } from "./errors.js";
import { AccountNotification, LogsNotification, SlotNotification } from "./wire.js";

const decodeAccount = Schema.decodeUnknownResult(AccountNotification);
const decodeLogs = Schema.decodeUnknownResult(LogsNotification);
const decodeSlot = Schema.decodeUnknownResult(SlotNotification);

export type Parsed = { readonly ok: true; readonly event: FeedEvent } | { readonly ok: false; readonly error: PubSubDecodeError };

const fail = (channel: "account" | "logs" | "slot", e: unknown): Parsed => ({ ok: false, error: new PubSubDecodeError({ channel, detail: String(e), retryable: false }) });

export function parseAccountNotification(pubkey: string, n: unknown, writeVersion: number, now: number): Parsed {
  const r = decodeAccount(n);
  if (Result.isFailure(r)) return fail("account", r.failure);
  const { context, value } = r.success;
  const data = new Uint8Array(Buffer.from(value.data[0], "base64"));
  return { ok: true, event: { kind: "account", update: { pubkey, owner: value.owner, data, slot: Number(context.slot), writeVersion, tsEvent: now, tsInit: now } } };
}

export function parseLogsNotification(mention: string, n: unknown, now: number): Parsed {
  const r = decodeLogs(n);
  if (Result.isFailure(r)) return fail("logs", r.failure);
  const { context, value } = r.success;
  return {
    ok: true,
    event: {
      kind: "transaction",
      update: {
        signature: value.signature,
        slot: Number(context.slot),
        index: 0,
        failed: value.err !== null && value.err !== undefined,
        accountKeys: [mention],
        logMessages: value.logs ?? [],
        preTokenBalances: [],
        postTokenBalances: [],
        tsEvent: now,
        tsInit: now,
      },
    },
  };
}

export function parseSlotNotification(n: unknown, now: number): Parsed {
  const r = decodeSlot(n);
  if (Result.isFailure(r)) return fail("slot", r.failure);
  return { ok: true, event: { kind: "slot", update: { slot: Number(r.success.slot), parent: Number(r.success.parent), status: "processed", tsEvent: now, tsInit: now } } };
}
