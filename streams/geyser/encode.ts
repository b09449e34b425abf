/**
 * FeedEvent → SubscribeUpdate: the inverse of parse.ts, for serving recorded feed events from a
 * loopback Geyser server (the daemon's `mode: replay`), so they reach the daemon through the real
 * client exactly as a validator's stream would. `createdAt` carries the venue time; `tsInit` is
 * the receiver's to stamp again. Loaded addresses are sent as static keys: parse concatenates
 * them in the same order, so `accountIndex` still points at the same key.
 */
import { TOKEN_PROGRAM_ID } from "../../chain/layouts/programs.js";
import { fromBase58, pubkeyBytes } from "../../chain/layouts/bytes.js";
import type { AccountUpdate, FeedEvent, SlotStatusName, SlotUpdate, TokenBalance, TransactionUpdate } from "../types.js";
import { SubscribeUpdate } from "./wire.js";

const SLOT_STATUS: readonly SlotStatusName[] = ["processed", "confirmed", "finalized", "first_shred", "completed", "created_bank", "dead"];

/** Gaps and connection statuses are our own observations, not wire updates: null. */
export function encodeFeedEvent(e: FeedEvent): SubscribeUpdate | null {
  switch (e.kind) {
    case "account":
      return encodeAccount(e.update);
    case "transaction":
      return encodeTransaction(e.update);
    case "slot":
      return encodeSlot(e.update);
    default:
      return null;
  }
}

export function encodeAccount(a: AccountUpdate): SubscribeUpdate {
  return SubscribeUpdate.fromPartial({
    account: {
      account: { pubkey: pubkeyBytes(a.pubkey), owner: pubkeyBytes(a.owner), lamports: "0", data: a.data, writeVersion: String(a.writeVersion), rentEpoch: "0" },
      slot: String(a.slot),
    },
    createdAt: new Date(a.tsEvent),
  });
}

export function encodeSlot(s: Pick<SlotUpdate, "slot" | "parent" | "status" | "tsEvent">): SubscribeUpdate {
  return SubscribeUpdate.fromPartial({
    slot: { slot: String(s.slot), ...(s.parent !== null ? { parent: String(s.parent) } : {}), status: SLOT_STATUS.indexOf(s.status) },
    createdAt: new Date(s.tsEvent),
  });
}

function tokenBalance(b: TokenBalance) {
  return {
    accountIndex: b.accountIndex,
    mint: b.mint,
    owner: b.owner,
    programId: TOKEN_PROGRAM_ID,
    uiTokenAmount: { amount: b.amount.toString(), decimals: b.decimals, uiAmount: Number(b.amount) / 10 ** b.decimals, uiAmountString: "" },
  };
}

export function encodeTransaction(t: TransactionUpdate): SubscribeUpdate {
  const signature = fromBase58(t.signature);
  return SubscribeUpdate.fromPartial({
    transaction: {
      slot: String(t.slot),
      transaction: {
        signature,
        isVote: false,
        index: String(t.index),
        transaction: { signatures: [signature], message: { accountKeys: t.accountKeys.map(pubkeyBytes), versioned: true } },
        meta: {
          // Any non-empty error bytes mean failed; the recorded event kept only that fact.
          ...(t.failed ? { err: { err: Uint8Array.of(1) } } : {}),
          logMessages: [...t.logMessages],
          preTokenBalances: t.preTokenBalances.map(tokenBalance),
          postTokenBalances: t.postTokenBalances.map(tokenBalance),
        },
      },
    },
    createdAt: new Date(t.tsEvent),
  });
}
