/**
 * What a landed transaction did to the wallet, read from its pre/post balances (never from a
 * quote): lamports (fees, rent and wrapped SOL included) and the raw token amount of one mint,
 * summed over all the wallet's token accounts of that mint, SPL Token and Token-2022 alike.
 */
import type { LandedTransaction, TokenBalance } from "../rpc/parse.js";

export const WSOL_MINT = "So11111111111111111111111111111111111111112";

export interface BalanceChange {
  /** Lamports gained (negative: spent), including any wrapped-SOL account of the wallet. */
  readonly solDelta: bigint;
  /** Raw units of `mint` gained (negative: given up). */
  readonly tokenDelta: bigint;
  readonly decimals: number | null;
  readonly tokenProgram: string | null;
  readonly feeLamports: bigint;
}

function sumFor(entries: readonly TokenBalance[], owner: string, mint: string): { amount: bigint; decimals: number | null; program: string | null } {
  let amount = 0n;
  let decimals: number | null = null;
  let program: string | null = null;
  for (const b of entries) {
    if (b.owner !== owner || b.mint !== mint) continue;
    amount += b.amount;
    decimals = b.decimals;
    program = b.programId ?? program;
  }
  return { amount, decimals, program };
}

/** The wallet's balance change, or a reason when the record cannot be read for it. */
export function walletBalanceChange(tx: LandedTransaction, wallet: string, mint: string): BalanceChange | string {
  const i = tx.accountKeys.indexOf(wallet);
  const pre = tx.preLamports[i];
  const post = tx.postLamports[i];
  if (i < 0 || pre === undefined || post === undefined) return `wallet ${wallet} is not an account of ${tx.signature}`;
  const tokPre = sumFor(tx.preTokens, wallet, mint);
  const tokPost = sumFor(tx.postTokens, wallet, mint);
  const wsol = mint === WSOL_MINT ? 0n : sumFor(tx.postTokens, wallet, WSOL_MINT).amount - sumFor(tx.preTokens, wallet, WSOL_MINT).amount;
  return {
    solDelta: post - pre + wsol,
    tokenDelta: tokPost.amount - tokPre.amount,
    decimals: tokPost.decimals ?? tokPre.decimals,
    tokenProgram: tokPost.program ?? tokPre.program,
    feeLamports: tx.fee,
  };
}
