/**
 * pump.fun BondingCurve account (solana-wire.md §8). Parsed by offset: accounts are 49, 81 or
 * 115+ bytes depending on when they were created or extended, and the core fields never moved.
 */
import { hasPrefix, LayoutWriter, pubkeyAt, u64, u64n, view } from "./bytes.js";
import { fail, ok, type Decoded } from "./errors.js";
import { PUMP_TOKEN_DECIMALS, SOL_DECIMALS, WSOL_MINT } from "./programs.js";

export const BONDING_CURVE_DISCRIMINATOR = [23, 183, 248, 55, 96, 216, 172, 96] as const;
/** base58 of the discriminator, for a Geyser memcmp filter at offset 0. */
export const BONDING_CURVE_DISCRIMINATOR_B58 = "4y6pru6YvC7";
/** Smallest account ever written: discriminator, five u64s and `complete`. */
export const BONDING_CURVE_MIN_SIZE = 49;
/** Real tokens a fresh curve sells before it completes (Global initial value). */
export const INITIAL_REAL_TOKEN_RESERVES = 793_100_000_000_000n;

export interface BondingCurve {
  readonly virtualTokenReserves: bigint;
  readonly virtualSolReserves: bigint;
  readonly realTokenReserves: bigint;
  readonly realSolReserves: bigint;
  readonly tokenTotalSupply: bigint;
  readonly complete: boolean;
  /** Present on 81-byte and newer accounts. */
  readonly creator: string | null;
  /** 2026 USDC-paired coins; WSOL when absent. */
  readonly quoteMint: string;
}

export function decodeBondingCurve(data: Uint8Array): Decoded<BondingCurve> {
  const L = "pumpfun.BondingCurve";
  if (data.length < BONDING_CURVE_MIN_SIZE) return fail(L, "too_short", data.length, `need ${BONDING_CURVE_MIN_SIZE} bytes`);
  if (!hasPrefix(data, BONDING_CURVE_DISCRIMINATOR)) return fail(L, "bad_discriminator", data.length, "not a BondingCurve");
  const v = view(data);
  const flag = data[48];
  if (flag !== 0 && flag !== 1) return fail(L, "bad_value", data.length, `complete flag ${String(flag)}`);
  return ok({
    virtualTokenReserves: u64(v, 8),
    virtualSolReserves: u64(v, 16),
    realTokenReserves: u64(v, 24),
    realSolReserves: u64(v, 32),
    tokenTotalSupply: u64(v, 40),
    complete: flag === 1,
    creator: data.length >= 81 ? pubkeyAt(data, 49) : null,
    quoteMint: data.length >= 115 ? pubkeyAt(data, 83) : WSOL_MINT,
  });
}

/** Hot-path variant: the numbers a price tick needs, without allocating bigints. */
export interface CurveReserves {
  readonly vTok: number;
  readonly vSol: number;
  readonly rTok: number;
  readonly rSol: number;
  readonly supply: number;
  readonly complete: boolean;
}

export function decodeCurveReserves(data: Uint8Array): Decoded<CurveReserves> {
  const L = "pumpfun.BondingCurve";
  if (data.length < BONDING_CURVE_MIN_SIZE) return fail(L, "too_short", data.length, `need ${BONDING_CURVE_MIN_SIZE} bytes`);
  if (!hasPrefix(data, BONDING_CURVE_DISCRIMINATOR)) return fail(L, "bad_discriminator", data.length, "not a BondingCurve");
  const flag = data[48];
  if (flag !== 0 && flag !== 1) return fail(L, "bad_value", data.length, `complete flag ${String(flag)}`);
  const v = view(data);
  const r = { vTok: u64n(v, 8), vSol: u64n(v, 16), rTok: u64n(v, 24), rSol: u64n(v, 32), supply: u64n(v, 40), complete: flag === 1 };
  if (r.vTok === 0 || r.vSol === 0) return fail(L, "zero_reserves", data.length, "virtual reserves are zero");
  return ok(r);
}

/** SOL per token in UI units: (vSol/1e9)/(vTok/1e6). */
export function curvePriceSol(vSol: number, vTok: number): number {
  return vSol / 10 ** SOL_DECIMALS / (vTok / 10 ** PUMP_TOKEN_DECIMALS);
}

/** Market cap in SOL: price times total supply in UI units. */
export function curveMarketCapSol(vSol: number, vTok: number, supply: number): number {
  return curvePriceSol(vSol, vTok) * (supply / 10 ** PUMP_TOKEN_DECIMALS);
}

/** Bonding progress in percent, exact (BigInt) to avoid float cancellation near 0. */
export function curveProgressPct(realTokenReserves: bigint): number {
  const sold = INITIAL_REAL_TOKEN_RESERVES - realTokenReserves;
  return (Number(sold) / Number(INITIAL_REAL_TOKEN_RESERVES)) * 100;
}

export interface BondingCurveFields {
  readonly virtualTokenReserves: bigint | number;
  readonly virtualSolReserves: bigint | number;
  readonly realTokenReserves: bigint | number;
  readonly realSolReserves: bigint | number;
  readonly tokenTotalSupply: bigint | number;
  readonly complete: boolean;
  readonly creator: string;
}

/** The 81-byte (2025) account, as the program writes it. */
export function encodeBondingCurve(f: BondingCurveFields): Uint8Array {
  return new LayoutWriter(81)
    .raw(0, BONDING_CURVE_DISCRIMINATOR)
    .u64(8, f.virtualTokenReserves)
    .u64(16, f.virtualSolReserves)
    .u64(24, f.realTokenReserves)
    .u64(32, f.realSolReserves)
    .u64(40, f.tokenTotalSupply)
    .u8(48, f.complete ? 1 : 0)
    .pubkey(49, f.creator).bytes;
}
