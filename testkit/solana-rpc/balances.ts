/**
 * Pre/post balances of a transaction's accounts, as a validator records them in the transaction
 * meta (`preBalances`, `preTokenBalances`, ...): LiteSVM itself does not keep them, so the chain
 * snapshots them around each execution.
 */
import type { Address } from "@solana/kit";
import type { LiteSVM } from "litesvm";
import { decodeMint, decodeTokenAccount } from "../../chain/layouts/index.js";
import { TOKEN_2022_PROGRAM, TOKEN_PROGRAM } from "./programs.js";

export interface UiTokenAmount {
  readonly amount: string;
  readonly decimals: number;
  readonly uiAmount: number | null;
  readonly uiAmountString: string;
}

export interface TokenBalanceJson {
  readonly accountIndex: number;
  readonly mint: string;
  readonly owner: string;
  readonly programId: string;
  readonly uiTokenAmount: UiTokenAmount;
}

export interface BalanceSnapshot {
  readonly lamports: readonly number[];
  readonly tokens: readonly TokenBalanceJson[];
}

export function uiTokenAmount(amount: bigint, decimals: number): UiTokenAmount {
  const s = amount.toString().padStart(decimals + 1, "0");
  const whole = s.slice(0, s.length - decimals);
  const frac = decimals > 0 ? s.slice(s.length - decimals).replace(/0+$/, "") : "";
  const uiAmountString = frac === "" ? whole : `${whole}.${frac}`;
  return { amount: amount.toString(), decimals, uiAmount: Number(uiAmountString), uiAmountString };
}

/** A token account's base fields when `data` under `owner` is one (mints and other accounts are not). */
export function readTokenAccount(svm: LiteSVM, owner: string, data: Uint8Array): { mint: string; owner: string; amount: bigint; decimals: number } | null {
  if (owner !== TOKEN_PROGRAM && owner !== TOKEN_2022_PROGRAM) return null;
  // Token-2022 accounts with extensions are longer, with AccountType 2 at byte 165 (mints carry 1).
  if (data.length < 165 || (data.length > 165 && data[165] !== 2)) return null;
  const acc = decodeTokenAccount(data);
  if (!acc.ok || acc.value.state === 0) return null;
  const mintAcc = svm.getAccount(acc.value.mint as Address);
  const mint = mintAcc.exists ? decodeMint(new Uint8Array(mintAcc.data)) : null;
  const decimals = mint?.ok ? mint.value.decimals : 0;
  return { mint: acc.value.mint, owner: acc.value.owner, amount: acc.value.amount, decimals };
}

export function snapshotBalances(svm: LiteSVM, keys: readonly Address[]): BalanceSnapshot {
  const lamports: number[] = [];
  const tokens: TokenBalanceJson[] = [];
  keys.forEach((key, accountIndex) => {
    const acc = svm.getAccount(key);
    lamports.push(acc.exists ? Number(acc.lamports) : 0);
    if (!acc.exists) return;
    const tok = readTokenAccount(svm, acc.programAddress, new Uint8Array(acc.data));
    if (tok === null) return;
    tokens.push({
      accountIndex,
      mint: tok.mint,
      owner: tok.owner,
      programId: acc.programAddress,
      uiTokenAmount: uiTokenAmount(tok.amount, tok.decimals),
    });
  });
  return { lamports, tokens };
}
