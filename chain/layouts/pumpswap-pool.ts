/**
 * PumpSwap AMM `Pool` account (solana-wire.md §8): where a completed pump.fun curve migrates.
 * Like Raydium it stores no reserves: price comes from its two token accounts.
 */
import { hasPrefix, LayoutWriter, pubkeyAt, u64, view } from "./bytes.js";
import { fail, ok, type Decoded } from "./errors.js";

export const PUMPSWAP_POOL_DISCRIMINATOR = [241, 154, 109, 4, 17, 177, 109, 188] as const;
/** Through `lp_supply`; later fields (coin_creator, flags) were appended. */
export const PUMPSWAP_POOL_MIN_SIZE = 211;
export const PUMPSWAP_POOL_SIZE = 245;

export interface PumpSwapPool {
  readonly index: number;
  readonly creator: string;
  readonly baseMint: string;
  readonly quoteMint: string;
  readonly lpMint: string;
  readonly poolBaseTokenAccount: string;
  readonly poolQuoteTokenAccount: string;
  readonly lpSupply: bigint;
}

export function decodePumpSwapPool(data: Uint8Array): Decoded<PumpSwapPool> {
  const L = "pumpswap.Pool";
  if (data.length < PUMPSWAP_POOL_MIN_SIZE) return fail(L, "too_short", data.length, `need ${PUMPSWAP_POOL_MIN_SIZE} bytes`);
  if (!hasPrefix(data, PUMPSWAP_POOL_DISCRIMINATOR)) return fail(L, "bad_discriminator", data.length, "not a Pool");
  const v = view(data);
  return ok({
    index: v.getUint16(9, true),
    creator: pubkeyAt(data, 11),
    baseMint: pubkeyAt(data, 43),
    quoteMint: pubkeyAt(data, 75),
    lpMint: pubkeyAt(data, 107),
    poolBaseTokenAccount: pubkeyAt(data, 139),
    poolQuoteTokenAccount: pubkeyAt(data, 171),
    lpSupply: u64(v, 203),
  });
}

export interface PumpSwapPoolFields {
  readonly creator: string;
  readonly baseMint: string;
  readonly quoteMint: string;
  readonly lpMint: string;
  readonly poolBaseTokenAccount: string;
  readonly poolQuoteTokenAccount: string;
  readonly lpSupply?: bigint | number;
  readonly coinCreator?: string;
}

export function encodePumpSwapPool(f: PumpSwapPoolFields): Uint8Array {
  return new LayoutWriter(PUMPSWAP_POOL_SIZE)
    .raw(0, PUMPSWAP_POOL_DISCRIMINATOR)
    .u8(8, 255)
    .pubkey(11, f.creator)
    .pubkey(43, f.baseMint)
    .pubkey(75, f.quoteMint)
    .pubkey(107, f.lpMint)
    .pubkey(139, f.poolBaseTokenAccount)
    .pubkey(171, f.poolQuoteTokenAccount)
    .u64(203, f.lpSupply ?? 0)
    .pubkey(211, f.coinCreator ?? f.creator).bytes;
}
