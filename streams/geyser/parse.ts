/**
 * SubscribeUpdate → FeedEvent. Units are converted here: u64 strings to numbers, pubkeys to
 * base58, `createdAt` to venue time (`tsEvent`, ms); `tsInit` is our clock at receipt.
 */
import { pubkeyString } from "../../chain/layouts/bytes.js";
import type { FeedEvent, SlotStatusName, TokenBalance } from "../types.js";
import { GeyserDecodeError } from "./errors.js";
import type { SubscribeUpdate } from "./wire.js";

const SLOT_STATUS: readonly SlotStatusName[] = ["processed", "confirmed", "finalized", "first_shred", "completed", "created_bank", "dead"];

export type ParsedUpdate =
  | { readonly ok: true; readonly event: FeedEvent }
  | { readonly ok: true; readonly event: null; readonly control: "ping" | "pong" | "other" }
  | { readonly ok: false; readonly error: GeyserDecodeError };

const bad = (update: string, reason: string, slot: number): ParsedUpdate => ({
  ok: false,
  error: new GeyserDecodeError({ update, reason, slot, retryable: false }),
});

/** The part of the proto TokenBalance we read (postTokenBalances[].mint/owner are strings). */
interface ProtoTokenBalance {
  readonly accountIndex: number;
  readonly mint: string;
  readonly owner: string;
  readonly uiTokenAmount?: { readonly amount: string; readonly decimals: number } | undefined;
}

function balances(list: readonly ProtoTokenBalance[] | undefined): TokenBalance[] | null {
  const out: TokenBalance[] = [];
  for (const b of list ?? []) {
    const amt = b.uiTokenAmount?.amount;
    if (amt === undefined || !/^\d+$/.test(amt)) return null;
    out.push({ accountIndex: b.accountIndex, mint: b.mint, owner: b.owner, amount: BigInt(amt), decimals: b.uiTokenAmount?.decimals ?? 0 });
  }
  return out;
}

function u64(s: string | undefined): number {
  return s === undefined || s === "" ? Number.NaN : Number(s);
}

export function parseSubscribeUpdate(u: SubscribeUpdate, tsInit: number): ParsedUpdate {
  const tsEvent = u.createdAt instanceof Date ? u.createdAt.getTime() : tsInit;
  if (u.account !== undefined) {
    const slot = u64(u.account.slot);
    const a = u.account.account;
    if (a === undefined) return bad("account", "missing account info", slot);
    if (a.pubkey.length !== 32 || a.owner.length !== 32) return bad("account", "pubkey or owner is not 32 bytes", slot);
    const writeVersion = u64(a.writeVersion);
    if (!Number.isFinite(slot) || !Number.isFinite(writeVersion)) return bad("account", "slot or write version missing", slot);
    return {
      ok: true,
      event: {
        kind: "account",
        update: { pubkey: pubkeyString(a.pubkey), owner: pubkeyString(a.owner), data: a.data, slot, writeVersion, tsEvent, tsInit },
      },
    };
  }
  if (u.transaction !== undefined) {
    const slot = u64(u.transaction.slot);
    const info = u.transaction.transaction;
    const msg = info?.transaction?.message;
    if (info === undefined || msg === undefined || info.signature.length !== 64) return bad("transaction", "missing transaction, message or signature", slot);
    const meta = info.meta;
    const keys = msg.accountKeys.concat(meta?.loadedWritableAddresses ?? [], meta?.loadedReadonlyAddresses ?? []);
    if (keys.some((k) => k.length !== 32)) return bad("transaction", "account key is not 32 bytes", slot);
    const pre = balances(meta?.preTokenBalances);
    const post = balances(meta?.postTokenBalances);
    if (pre === null || post === null) return bad("transaction", "token balance amount is not an integer", slot);
    return {
      ok: true,
      event: {
        kind: "transaction",
        update: {
          signature: pubkeyString(info.signature),
          slot,
          index: u64(info.index),
          failed: meta?.err !== undefined && meta.err.err.length > 0,
          accountKeys: keys.map(pubkeyString),
          logMessages: meta?.logMessages ?? [],
          preTokenBalances: pre,
          postTokenBalances: post,
          tsEvent,
          tsInit,
        },
      },
    };
  }
  if (u.transactionStatus !== undefined) {
    // Status-only updates carry no logs or balances: they confirm (or fail) a signature.
    const st = u.transactionStatus;
    const slot = u64(st.slot);
    if (st.signature.length !== 64 || !Number.isFinite(slot)) return bad("transactionStatus", "signature or slot missing", slot);
    return {
      ok: true,
      event: {
        kind: "transaction",
        update: {
          signature: pubkeyString(st.signature),
          slot,
          index: u64(st.index),
          failed: st.err !== undefined && st.err.err.length > 0,
          accountKeys: [],
          logMessages: [],
          preTokenBalances: [],
          postTokenBalances: [],
          tsEvent,
          tsInit,
        },
      },
    };
  }
  if (u.slot !== undefined) {
    const slot = u64(u.slot.slot);
    const status = SLOT_STATUS[u.slot.status];
    if (!Number.isFinite(slot) || status === undefined) return bad("slot", "slot or status missing", slot);
    const parent = u.slot.parent === undefined ? null : u64(u.slot.parent);
    return { ok: true, event: { kind: "slot", update: { slot, parent, status, tsEvent, tsInit } } };
  }
  if (u.ping !== undefined) return { ok: true, event: null, control: "ping" };
  if (u.pong !== undefined) return { ok: true, event: null, control: "pong" };
  return { ok: true, event: null, control: "other" };
}
