/**
 * Constant-product (x·y = k) pool arithmetic for checks on the actual trade size. The fee is
 * taken from the input and stays in the pool (Raydium AMM v4; pump.fun's curve is the same
 * formula on virtual reserves).
 */
export interface PoolReserves {
  /** SOL on the pool's SOL side (UI units). */
  readonly reserveSol: number;
  /** Tokens on the other side (UI units). */
  readonly reserveToken: number;
  readonly feeBps: number;
}

export interface SwapQuote {
  readonly amountOut: number;
  /** Shortfall of the output against the spot price, fee excluded: in / (reserveIn + in). */
  readonly priceImpact: number;
  /** Shortfall against the spot price, fee included. */
  readonly cost: number;
}

export const validPool = (p: PoolReserves): boolean =>
  Number.isFinite(p.reserveSol) && Number.isFinite(p.reserveToken) && p.reserveSol > 0 &&
  p.reserveToken > 0 && Number.isFinite(p.feeBps) && p.feeBps >= 0 && p.feeBps < 10_000;

function swap(reserveIn: number, reserveOut: number, feeBps: number, amountIn: number): SwapQuote {
  const net = amountIn * (1 - feeBps / 10_000);
  const amountOut = (reserveOut * net) / (reserveIn + net);
  const spotOut = (amountIn * reserveOut) / reserveIn;
  return { amountOut, priceImpact: net / (reserveIn + net), cost: 1 - amountOut / spotOut };
}

/** Buying with `sol` SOL. */
export const buyQuote = (p: PoolReserves, sol: number): SwapQuote =>
  swap(p.reserveSol, p.reserveToken, p.feeBps, sol);

/** The SOL a buy may spend for its price impact to be `impact` (the inverse of `buyQuote`'s). */
export const buyForImpact = (p: PoolReserves, impact: number): number =>
  (impact * p.reserveSol) / (1 - impact) / (1 - p.feeBps / 10_000);

/** Selling `tokens` for SOL. */
export const sellQuote = (p: PoolReserves, tokens: number): SwapQuote =>
  swap(p.reserveToken, p.reserveSol, p.feeBps, tokens);

/** Liquidity as the value of both sides in SOL. */
export const liquiditySol = (p: PoolReserves): number => 2 * p.reserveSol;
