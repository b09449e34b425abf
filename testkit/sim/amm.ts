/**
 * A constant-product pool (PumpSwap / Raydium CPMM-like): SOL on one side, the token on the
 * other, integer base units, outputs floored. The liquidity-provider part of the fee stays in the
 * pool, so the product only grows across a swap; only `removeLiquidity` (a rug) shrinks it.
 */
import { LAMPORTS_PER_SOL, TOKEN_UNIT } from "./constants.js";
import type { Fill } from "./curve.js";

export interface PoolState {
  sol: number;
  token: number;
  readonly lpFeeBps: number;
  readonly protocolFeeBps: number;
}

export function newPool(sol: number, token: number, lpFeeBps: number, protocolFeeBps: number): PoolState {
  if (!(sol > 0 && token > 0)) throw new Error(`pool needs positive reserves, got ${sol}/${token}`);
  return { sol: Math.floor(sol), token: Math.floor(token), lpFeeBps, protocolFeeBps };
}

/** Spot price in SOL per whole token. */
export function poolPrice(p: PoolState): number {
  return (p.sol / LAMPORTS_PER_SOL) / (p.token / TOKEN_UNIT);
}

/**
 * Buy with `spend` lamports (fee included, charged on the input). `sol` in the fill is the input
 * after the fee, so the trader paid `sol + fee`.
 */
export function poolBuy(p: PoolState, spend: number): Fill | null {
  const gross = Math.floor(spend);
  if (gross <= 0) return null;
  const fee = Math.ceil((gross * (p.lpFeeBps + p.protocolFeeBps)) / 10_000);
  const protocolFee = Math.ceil((gross * p.protocolFeeBps) / 10_000);
  const sol = gross - fee;
  if (sol <= 0) return null;
  const tokens = Math.floor((p.token * sol) / (p.sol + sol));
  if (tokens <= 0 || tokens >= p.token) return null;
  p.sol += gross - Math.min(protocolFee, fee);
  p.token -= tokens;
  return { sol, tokens, fee };
}

/**
 * Sell `tokensIn` raw tokens; the fee comes out of the SOL output (PumpSwap's sell side). `sol`
 * in the fill is the output before the fee, so the trader received `sol - fee`.
 */
export function poolSell(p: PoolState, tokensIn: number): Fill | null {
  const tokens = Math.floor(tokensIn);
  if (tokens <= 0) return null;
  const sol = Math.floor((p.sol * tokens) / (p.token + tokens));
  if (sol <= 0 || sol >= p.sol) return null;
  const fee = Math.ceil((sol * (p.lpFeeBps + p.protocolFeeBps)) / 10_000);
  const lpFee = Math.min(fee, Math.floor((sol * p.lpFeeBps) / 10_000));
  p.sol -= sol - lpFee;
  p.token += tokens;
  return { sol, tokens, fee };
}

/** Pull `fraction` of both reserves out of the pool (a rug); returns what was taken. */
export function removeLiquidity(p: PoolState, fraction: number): { readonly sol: number; readonly token: number } {
  const f = Math.min(Math.max(fraction, 0), 1);
  const sol = Math.min(Math.floor(p.sol * f), p.sol - 1);
  const token = Math.min(Math.floor(p.token * f), p.token - 1);
  p.sol -= sol;
  p.token -= token;
  return { sol, token };
}
