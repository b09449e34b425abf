/**
 * The eight mainnet Jito tip accounts (shared/fixtures/jito/, as the warp-id bot hard-codes
 * them). The loopback Jupiter pays tips to them and the loopback block engine requires one.
 */
import type { Address } from "@solana/kit";
import { fixtureJson } from "../fixtures/load.js";
import type { LoopbackChain } from "../solana-rpc/chain.js";
import type { DecodedTx } from "../solana-rpc/wire-tx.js";
import { SYSTEM_PROGRAM } from "../solana-rpc/programs.js";

export const JITO_TIP_ACCOUNTS: readonly Address[] = fixtureJson<Address[]>("jito/tip_accounts_hardcoded_in_warp_id_bot_2024.json");

/** Tip accounts are funded system accounts on mainnet; a tip below rent to an empty one would fail. */
export function ensureTipAccounts(chain: LoopbackChain): void {
  const rent = chain.svm.minimumBalanceForRentExemption(0n);
  for (const a of JITO_TIP_ACCOUNTS) if (chain.lamports(a) === 0n) chain.setLamports(a, rent);
}

/** Lamports a transaction moves to tip accounts with System transfers. */
export function tipPaid(tx: DecodedTx): bigint {
  let sum = 0n;
  for (const ix of tx.instructions) {
    const to = tx.accountKeys[ix.accounts[1] ?? -1];
    if (ix.programId !== SYSTEM_PROGRAM || to === undefined || !JITO_TIP_ACCOUNTS.includes(to)) continue;
    const v = new DataView(ix.data.buffer, ix.data.byteOffset, ix.data.byteLength);
    if (ix.data.length >= 12 && v.getUint32(0, true) === 2) sum += v.getBigUint64(4, true);
  }
  return sum;
}
