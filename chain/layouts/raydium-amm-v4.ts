/**
 * Raydium AMM v4 `LIQUIDITY_STATE_LAYOUT_V4` (752 bytes, no discriminator; solana-wire.md §9.1).
 * The pool stores no reserves: price comes from its two vault token accounts minus the PnL the
 * pool still owes (`baseNeedTakePnl`/`quoteNeedTakePnl`).
 */
import { LayoutWriter, pubkeyAt, u64, view } from "./bytes.js";
import { fail, ok, type Decoded } from "./errors.js";

export const AMM_V4_SIZE = 752;

export interface AmmV4Pool {
  readonly status: bigint;
  readonly baseDecimal: number;
  readonly quoteDecimal: number;
  readonly tradeFeeNumerator: bigint;
  readonly tradeFeeDenominator: bigint;
  readonly baseNeedTakePnl: bigint;
  readonly quoteNeedTakePnl: bigint;
  readonly poolOpenTime: bigint;
  readonly baseVault: string;
  readonly quoteVault: string;
  readonly baseMint: string;
  readonly quoteMint: string;
  readonly lpMint: string;
  readonly openOrders: string;
  readonly marketId: string;
  readonly marketProgramId: string;
  readonly lpReserve: bigint;
}

export function decodeAmmV4(data: Uint8Array): Decoded<AmmV4Pool> {
  const L = "raydium.AmmV4";
  if (data.length !== AMM_V4_SIZE) return fail(L, data.length < AMM_V4_SIZE ? "too_short" : "bad_value", data.length, `size must be ${AMM_V4_SIZE}`);
  const v = view(data);
  const baseDecimal = u64(v, 32);
  const quoteDecimal = u64(v, 40);
  if (baseDecimal > 18n || quoteDecimal > 18n) return fail(L, "bad_value", data.length, "decimals above 18");
  return ok({
    status: u64(v, 0),
    baseDecimal: Number(baseDecimal),
    quoteDecimal: Number(quoteDecimal),
    tradeFeeNumerator: u64(v, 144),
    tradeFeeDenominator: u64(v, 152),
    baseNeedTakePnl: u64(v, 192),
    quoteNeedTakePnl: u64(v, 200),
    poolOpenTime: u64(v, 224),
    baseVault: pubkeyAt(data, 336),
    quoteVault: pubkeyAt(data, 368),
    baseMint: pubkeyAt(data, 400),
    quoteMint: pubkeyAt(data, 432),
    lpMint: pubkeyAt(data, 464),
    openOrders: pubkeyAt(data, 496),
    marketId: pubkeyAt(data, 528),
    marketProgramId: pubkeyAt(data, 560),
    lpReserve: u64(v, 720),
  });
}

/** Reserves = vault amount − pending PnL, clamped at zero (a vault can lag its pool by a slot). */
export function ammV4Reserves(pool: AmmV4Pool, baseVaultAmount: bigint, quoteVaultAmount: bigint): { base: bigint; quote: bigint } {
  const base = baseVaultAmount - pool.baseNeedTakePnl;
  const quote = quoteVaultAmount - pool.quoteNeedTakePnl;
  return { base: base > 0n ? base : 0n, quote: quote > 0n ? quote : 0n };
}

export interface AmmV4Fields {
  readonly status?: bigint | number;
  readonly baseDecimal: number;
  readonly quoteDecimal: number;
  readonly baseNeedTakePnl?: bigint | number;
  readonly quoteNeedTakePnl?: bigint | number;
  readonly poolOpenTime?: bigint | number;
  readonly baseVault: string;
  readonly quoteVault: string;
  readonly baseMint: string;
  readonly quoteMint: string;
  readonly marketProgramId?: string;
}

/** A 752-byte pool with the fields pricing reads; the rest are zero. Fee 25/10000. */
export function encodeAmmV4(f: AmmV4Fields): Uint8Array {
  const w = new LayoutWriter(AMM_V4_SIZE)
    .u64(0, f.status ?? 6)
    .u64(32, f.baseDecimal)
    .u64(40, f.quoteDecimal)
    .u64(144, 25)
    .u64(152, 10_000)
    .u64(176, 25)
    .u64(184, 10_000)
    .u64(192, f.baseNeedTakePnl ?? 0)
    .u64(200, f.quoteNeedTakePnl ?? 0)
    .u64(224, f.poolOpenTime ?? 0)
    .pubkey(336, f.baseVault)
    .pubkey(368, f.quoteVault)
    .pubkey(400, f.baseMint)
    .pubkey(432, f.quoteMint);
  if (f.marketProgramId !== undefined) w.pubkey(560, f.marketProgramId);
  return w.bytes;
}
