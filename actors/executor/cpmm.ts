/**
 * Constant-product (x*y=k) swap math with the fee taken from the input, in integer base units
 * (lamports, raw token units), outputs floored as on-chain programs do. Shared by the simulated
 * executor and the loopback Jupiter so paper fills and loopback fills agree.
 */

export interface PoolReserves {
  /** Lamports on the SOL side. */
  readonly sol: bigint;
  /** Raw token units on the token side. */
  readonly token: bigint;
  /** Total swap fee in basis points, charged on the input. */
  readonly feeBps: number;
}

export type SwapSide = "buy" | "sell";

export interface CpQuote {
  readonly amountIn: bigint;
  readonly amountOut: bigint;
  /** Fee kept by the pool, in input units. */
  readonly feeIn: bigint;
  /** 1 - execution price / spot price: the cost of the trade's own size (fee excluded). */
  readonly priceImpact: number;
  /** Reserves after the swap. */
  readonly after: PoolReserves;
}

/** Output for `amountIn` into a pool holding `reserveIn`/`reserveOut`; 0 when the input rounds away. */
export function cpOut(reserveIn: bigint, reserveOut: bigint, amountIn: bigint, feeBps: number): bigint {
  if (amountIn <= 0n || reserveIn <= 0n || reserveOut <= 0n) return 0n;
  const net = (amountIn * BigInt(10_000 - feeBps)) / 10_000n;
  return (reserveOut * net) / (reserveIn + net);
}

/** Quote a buy (SOL in, token out) or a sell (token in, SOL out). */
export function cpQuote(pool: PoolReserves, side: SwapSide, amountIn: bigint): CpQuote {
  const [rIn, rOut] = side === "buy" ? [pool.sol, pool.token] : [pool.token, pool.sol];
  const amountOut = cpOut(rIn, rOut, amountIn, pool.feeBps);
  const net = amountIn > 0n ? (amountIn * BigInt(10_000 - pool.feeBps)) / 10_000n : 0n;
  const feeIn = amountIn > 0n ? amountIn - net : 0n;
  // Spot out for `net` at the current price vs what the curve gives: the size's impact.
  const spotOut = rIn > 0n ? Number(net) * (Number(rOut) / Number(rIn)) : 0;
  const priceImpact = spotOut > 0 ? Math.max(0, 1 - Number(amountOut) / spotOut) : 0;
  const inAfter = rIn + amountIn;
  const outAfter = rOut - amountOut;
  const after = side === "buy" ? { ...pool, sol: inAfter, token: outAfter } : { ...pool, sol: outAfter, token: inAfter };
  return { amountIn, amountOut, feeIn, priceImpact, after };
}

/** The least output a quote accepts: `amountOut` less `slippageBps`, floored. */
export function minOut(amountOut: bigint, slippageBps: number): bigint {
  return (amountOut * BigInt(10_000 - slippageBps)) / 10_000n;
}
