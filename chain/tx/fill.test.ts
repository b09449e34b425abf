import { describe, expect, it } from "vitest";
import type { LandedTransaction, TokenBalance } from "../rpc/parse.js";
import { WSOL_MINT, walletBalanceChange } from "./fill.js";

const ME = "Me11111111111111111111111111111111111111111";
const POOL = "Poo1111111111111111111111111111111111111111";
const MINT = "Mint111111111111111111111111111111111111111";
const T22 = "TokenzQdBNbLqP5VEhdkAS6EPFLC1PHnBqCXEpPxuEb";

const bal = (accountIndex: number, owner: string, mint: string, amount: bigint, programId = T22): TokenBalance => ({
  accountIndex, owner, mint, amount, decimals: mint === WSOL_MINT ? 9 : 6, programId,
});

function tx(p: Partial<LandedTransaction>): LandedTransaction {
  return {
    signature: "sig", slot: 1, blockTime: null, err: null, fee: 5000n, accountKeys: [ME, POOL],
    preLamports: [10n, 10n], postLamports: [10n, 10n], preTokens: [], postTokens: [], logs: [], ...p,
  };
}

describe("walletBalanceChange", () => {
  it("sums the wallet's accounts of the mint (created in the transaction too), and knows Token-2022", () => {
    const change = walletBalanceChange(
      tx({
        preLamports: [1_000_000n, 5n],
        postLamports: [400_000n, 5n],
        preTokens: [bal(2, ME, MINT, 100n), bal(4, POOL, MINT, 9_000n)],
        postTokens: [bal(2, ME, MINT, 150n), bal(3, ME, MINT, 50n), bal(4, POOL, MINT, 8_900n)],
      }),
      ME,
      MINT,
    );
    expect(change).toEqual({ solDelta: -600_000n, tokenDelta: 100n, decimals: 6, tokenProgram: T22, feeLamports: 5000n });
  });

  it("counts the wallet's own wrapped SOL account as SOL", () => {
    const change = walletBalanceChange(
      tx({ preLamports: [1_000n, 0n], postLamports: [900n, 0n], preTokens: [bal(2, ME, WSOL_MINT, 500n)], postTokens: [bal(2, ME, WSOL_MINT, 2_500n), bal(3, ME, MINT, 0n)] }),
      ME,
      MINT,
    );
    expect(change).toMatchObject({ solDelta: 1_900n, tokenDelta: 0n });
  });

  it("says why when the wallet is not in the transaction", () => {
    expect(walletBalanceChange(tx({}), "Other1111111111111111111111111111111111111", MINT)).toMatch(/not an account/);
  });
});
