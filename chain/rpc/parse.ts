/**
 * Decoded RPC payloads to readonly domain values: lamports and raw token amounts as bigint,
 * account keys of v0 transactions extended with their loaded addresses so balance indexes line up.
 */
import type { SignatureStatusWire, TokenAccountsWire, TokenBalanceWire, TransactionWire } from "./wire.js";

export type Commitment = "processed" | "confirmed" | "finalized";

export interface SignatureStatus {
  readonly slot: number;
  readonly err: unknown;
  /** null from nodes too old to say; treat as processed. */
  readonly confirmationStatus: Commitment | null;
}

export interface TokenBalance {
  readonly accountIndex: number;
  readonly mint: string;
  /** Absent on very old nodes. */
  readonly owner: string | null;
  readonly programId: string | null;
  readonly amount: bigint;
  readonly decimals: number;
}

export interface LandedTransaction {
  readonly signature: string;
  readonly slot: number;
  /** Unix seconds the node reports (the venue's event time), when known. */
  readonly blockTime: number | null;
  /** null when the transaction succeeded; the node's error JSON otherwise. */
  readonly err: unknown;
  readonly fee: bigint;
  /** Static keys, then loaded writable, then loaded readonly: the order of the balance arrays. */
  readonly accountKeys: readonly string[];
  readonly preLamports: readonly bigint[];
  readonly postLamports: readonly bigint[];
  readonly preTokens: readonly TokenBalance[];
  readonly postTokens: readonly TokenBalance[];
  readonly logs: readonly string[];
}

export interface TokenHolding {
  readonly mint: string;
  readonly amount: bigint;
  /** null when the wallet holds no account for the mint. */
  readonly decimals: number | null;
  /** Token program(s) of the accounts: SPL Token or Token-2022. */
  readonly programs: readonly string[];
  readonly accounts: readonly string[];
}

export const parseSignatureStatus = (s: SignatureStatusWire | null): SignatureStatus | null =>
  s === null ? null : { slot: s.slot, err: s.err, confirmationStatus: s.confirmationStatus ?? null };

const parseTokenBalance = (b: TokenBalanceWire): TokenBalance => ({
  accountIndex: b.accountIndex,
  mint: b.mint,
  owner: b.owner ?? null,
  programId: b.programId ?? null,
  amount: BigInt(b.uiTokenAmount.amount),
  decimals: b.uiTokenAmount.decimals,
});

/** Returns a reason string when the payload is well-typed but inconsistent. */
export function parseLandedTransaction(signature: string, w: TransactionWire): LandedTransaction | string {
  const meta = w.meta;
  if (meta === null) return "transaction has no meta";
  const loaded = meta.loadedAddresses ?? { writable: [], readonly: [] };
  const accountKeys = [...w.transaction.message.accountKeys, ...loaded.writable, ...loaded.readonly];
  if (meta.preBalances.length !== accountKeys.length || meta.postBalances.length !== accountKeys.length) {
    return `balance arrays (${meta.preBalances.length}/${meta.postBalances.length}) do not match ${accountKeys.length} account keys`;
  }
  if (w.transaction.signatures[0] !== signature) return `transaction signature ${String(w.transaction.signatures[0])} is not ${signature}`;
  return {
    signature,
    slot: w.slot,
    blockTime: w.blockTime ?? null,
    err: meta.err,
    fee: BigInt(meta.fee),
    accountKeys,
    preLamports: meta.preBalances.map(BigInt),
    postLamports: meta.postBalances.map(BigInt),
    preTokens: (meta.preTokenBalances ?? []).map(parseTokenBalance),
    postTokens: (meta.postTokenBalances ?? []).map(parseTokenBalance),
    logs: meta.logMessages ?? [],
  };
}

export function parseTokenHolding(mint: string, w: TokenAccountsWire): TokenHolding {
  const mine = w.value.filter((a) => a.account.data.parsed.type === "account" && a.account.data.parsed.info.mint === mint);
  const first = mine[0];
  return {
    mint,
    amount: mine.reduce((s, a) => s + BigInt(a.account.data.parsed.info.tokenAmount.amount), 0n),
    decimals: first === undefined ? null : first.account.data.parsed.info.tokenAmount.decimals,
    programs: [...new Set(mine.map((a) => a.account.owner))],
    accounts: mine.map((a) => a.pubkey),
  };
}
