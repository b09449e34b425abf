/**
 * Raydium CPMM `PoolState` (637 bytes with an Anchor discriminator; solana-wire.md §9.2).
 * Reserve per side = vault amount − protocol, fund and creator fees still held in the vault.
 * Note the unaligned u64s from offset 333.
 */
import { hasPrefix, LayoutWriter, pubkeyAt, u64, view } from "./bytes.js";
import { fail, ok, type Decoded } from "./errors.js";

export const CPMM_POOL_SIZE = 637;
export const CPMM_POOL_DISCRIMINATOR = [247, 237, 227, 245, 215, 195, 222, 70] as const;

export interface CpmmPool {
  readonly vaultA: string;
  readonly vaultB: string;
  readonly mintA: string;
  readonly mintB: string;
  readonly status: number;
  readonly mintDecimalA: number;
  readonly mintDecimalB: number;
  readonly lpAmount: bigint;
  readonly protocolFeesMintA: bigint;
  readonly protocolFeesMintB: bigint;
  readonly fundFeesMintA: bigint;
  readonly fundFeesMintB: bigint;
  readonly openTime: bigint;
  readonly enableCreatorFee: boolean;
  readonly creatorFeesMintA: bigint;
  readonly creatorFeesMintB: bigint;
}

export function decodeCpmmPool(data: Uint8Array): Decoded<CpmmPool> {
  const L = "raydium.CpmmPoolState";
  if (data.length < CPMM_POOL_SIZE) return fail(L, "too_short", data.length, `need ${CPMM_POOL_SIZE} bytes`);
  if (!hasPrefix(data, CPMM_POOL_DISCRIMINATOR)) return fail(L, "bad_discriminator", data.length, "not a PoolState");
  const decA = data[331] ?? 0;
  const decB = data[332] ?? 0;
  if (decA > 18 || decB > 18) return fail(L, "bad_value", data.length, "decimals above 18");
  const v = view(data);
  return ok({
    vaultA: pubkeyAt(data, 72),
    vaultB: pubkeyAt(data, 104),
    mintA: pubkeyAt(data, 168),
    mintB: pubkeyAt(data, 200),
    status: data[329] ?? 0,
    mintDecimalA: decA,
    mintDecimalB: decB,
    lpAmount: u64(v, 333),
    protocolFeesMintA: u64(v, 341),
    protocolFeesMintB: u64(v, 349),
    fundFeesMintA: u64(v, 357),
    fundFeesMintB: u64(v, 365),
    openTime: u64(v, 373),
    enableCreatorFee: data[390] === 1,
    creatorFeesMintA: u64(v, 397),
    creatorFeesMintB: u64(v, 405),
  });
}

export function cpmmReserves(pool: CpmmPool, vaultAAmount: bigint, vaultBAmount: bigint): { a: bigint; b: bigint } {
  const a = vaultAAmount - pool.protocolFeesMintA - pool.fundFeesMintA - pool.creatorFeesMintA;
  const b = vaultBAmount - pool.protocolFeesMintB - pool.fundFeesMintB - pool.creatorFeesMintB;
  return { a: a > 0n ? a : 0n, b: b > 0n ? b : 0n };
}

export interface CpmmFields {
  readonly vaultA: string;
  readonly vaultB: string;
  readonly mintA: string;
  readonly mintB: string;
  readonly mintDecimalA: number;
  readonly mintDecimalB: number;
  readonly protocolFeesMintA?: bigint | number;
  readonly protocolFeesMintB?: bigint | number;
  readonly fundFeesMintA?: bigint | number;
  readonly fundFeesMintB?: bigint | number;
  readonly openTime?: bigint | number;
}

export function encodeCpmmPool(f: CpmmFields): Uint8Array {
  return new LayoutWriter(CPMM_POOL_SIZE)
    .raw(0, CPMM_POOL_DISCRIMINATOR)
    .pubkey(72, f.vaultA)
    .pubkey(104, f.vaultB)
    .pubkey(168, f.mintA)
    .pubkey(200, f.mintB)
    .u8(331, f.mintDecimalA)
    .u8(332, f.mintDecimalB)
    .u64(341, f.protocolFeesMintA ?? 0)
    .u64(349, f.protocolFeesMintB ?? 0)
    .u64(357, f.fundFeesMintA ?? 0)
    .u64(365, f.fundFeesMintB ?? 0)
    .u64(373, f.openTime ?? 0).bytes;
}
