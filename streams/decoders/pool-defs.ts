/**
 * Two-vault pools (Raydium AMM v4, CPMM, PumpSwap) reduced to one shape: which vault holds the
 * token, which the quote, the decimals of each, and what to subtract from each vault (pending PnL
 * or fees) to get the reserve.
 */
import type { Decoded } from "../../chain/layouts/errors.js";
import { decodePumpSwapPool } from "../../chain/layouts/pumpswap-pool.js";
import { knownDecimals, PUMP_TOKEN_DECIMALS, quoteRank } from "../../chain/layouts/programs.js";
import { decodeAmmV4 } from "../../chain/layouts/raydium-amm-v4.js";
import { decodeCpmmPool } from "../../chain/layouts/raydium-cpmm.js";
import type { Dex } from "../types.js";
import type { PoolRegistry } from "./registry.js";

export interface TwoVaultPool {
  readonly dex: Exclude<Dex, "pumpfun">;
  readonly pool: string;
  readonly tokenVault: string;
  readonly quoteVault: string;
  readonly tokenMint: string;
  readonly quoteMint: string;
  readonly tokenDecimals: number;
  readonly quoteDecimals: number;
  readonly tokenDeduct: bigint;
  readonly quoteDeduct: bigint;
}

interface Side {
  readonly vault: string;
  readonly mint: string;
  readonly decimals: number;
  readonly deduct: bigint;
}

/** The token is the side that is not the better quote (SOL/USDC prices SOL in USDC). */
function orient(dex: TwoVaultPool["dex"], pool: string, a: Side, b: Side): TwoVaultPool {
  const [tok, quo] = quoteRank(a.mint) < quoteRank(b.mint) ? [b, a] : [a, b];
  return {
    dex,
    pool,
    tokenVault: tok.vault,
    quoteVault: quo.vault,
    tokenMint: tok.mint,
    quoteMint: quo.mint,
    tokenDecimals: tok.decimals,
    quoteDecimals: quo.decimals,
    tokenDeduct: tok.deduct,
    quoteDeduct: quo.deduct,
  };
}

const map = <A, B>(d: Decoded<A>, f: (a: A) => B): Decoded<B> => (d.ok ? { ok: true, value: f(d.value) } : d);

export function ammV4Pool(pool: string, data: Uint8Array): Decoded<TwoVaultPool> {
  return map(decodeAmmV4(data), (p) =>
    orient(
      "raydium-amm-v4",
      pool,
      { vault: p.baseVault, mint: p.baseMint, decimals: p.baseDecimal, deduct: p.baseNeedTakePnl },
      { vault: p.quoteVault, mint: p.quoteMint, decimals: p.quoteDecimal, deduct: p.quoteNeedTakePnl },
    ),
  );
}

export function cpmmPool(pool: string, data: Uint8Array): Decoded<TwoVaultPool> {
  return map(decodeCpmmPool(data), (p) =>
    orient(
      "raydium-cpmm",
      pool,
      { vault: p.vaultA, mint: p.mintA, decimals: p.mintDecimalA, deduct: p.protocolFeesMintA + p.fundFeesMintA + p.creatorFeesMintA },
      { vault: p.vaultB, mint: p.mintB, decimals: p.mintDecimalB, deduct: p.protocolFeesMintB + p.fundFeesMintB + p.creatorFeesMintB },
    ),
  );
}

/** PumpSwap stores no decimals: known quotes, then Mint accounts seen, then pump's 6. */
export function pumpSwapPool(pool: string, data: Uint8Array, registry: PoolRegistry): Decoded<TwoVaultPool> {
  const dec = (mint: string): number => knownDecimals(mint) ?? registry.decimals(mint) ?? PUMP_TOKEN_DECIMALS;
  return map(decodePumpSwapPool(data), (p) =>
    orient(
      "pumpswap",
      pool,
      { vault: p.poolBaseTokenAccount, mint: p.baseMint, decimals: dec(p.baseMint), deduct: 0n },
      { vault: p.poolQuoteTokenAccount, mint: p.quoteMint, decimals: dec(p.quoteMint), deduct: 0n },
    ),
  );
}

/** Spot price (quote per token, UI units) from vault amounts, or null when a side is empty. */
export function spotFromVaults(d: TwoVaultPool, tokenAmount: bigint, quoteAmount: bigint): { price: number; quoteUi: number } | null {
  const tokenReserve = tokenAmount - d.tokenDeduct;
  const quoteReserve = quoteAmount - d.quoteDeduct;
  if (tokenReserve <= 0n || quoteReserve <= 0n) return null;
  const quoteUi = Number(quoteReserve) / 10 ** d.quoteDecimals;
  return { price: quoteUi / (Number(tokenReserve) / 10 ** d.tokenDecimals), quoteUi };
}
