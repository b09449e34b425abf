/** GET /swap/v1/quote as a plain function over the loopback pools (solana-wire.md §3). */
import { isAddress } from "@solana/kit";
import { cpQuote, minOut, type SwapSide } from "../../actors/executor/cpmm.js";
import type { LoopbackChain } from "../solana-rpc/chain.js";
import { NATIVE_MINT } from "../solana-rpc/programs.js";
import type { LoopbackPools, Pool } from "./pools.js";

/** A Jupiter error answer: HTTP status and the `{error, errorCode}` body. */
export class JupiterHttpError extends Error {
  constructor(
    readonly status: number,
    readonly errorCode: string,
    message: string,
  ) {
    super(message);
  }
}

export const noRoute = () => new JupiterHttpError(400, "COULD_NOT_FIND_ANY_ROUTE", "Could not find any route");

export interface Route {
  readonly pool: Pool;
  readonly side: SwapSide;
}

/** SOL to a pooled token is a buy, the token to SOL a sell; anything else has no route. */
export function findRoute(pools: LoopbackPools, inputMint: string, outputMint: string): Route {
  const side: SwapSide | null = inputMint === NATIVE_MINT ? "buy" : outputMint === NATIVE_MINT ? "sell" : null;
  const pool = side === null ? undefined : pools.get(side === "buy" ? outputMint : inputMint);
  if (side === null || pool === undefined) throw noRoute();
  return { pool, side };
}

export function quoteSwap(chain: LoopbackChain, pools: LoopbackPools, q: URLSearchParams): Record<string, unknown> {
  const inputMint = q.get("inputMint") ?? "";
  const outputMint = q.get("outputMint") ?? "";
  const amountText = q.get("amount") ?? "";
  const slippageBps = Number(q.get("slippageBps") ?? "50");
  const swapMode = q.get("swapMode") ?? "ExactIn";
  if (!isAddress(inputMint) || !isAddress(outputMint)) throw new JupiterHttpError(400, "INVALID_MINT", "Invalid mint address");
  if (!/^\d+$/.test(amountText) || !Number.isInteger(slippageBps) || slippageBps < 0 || slippageBps > 10_000) {
    throw new JupiterHttpError(400, "INVALID_REQUEST", "Invalid amount or slippageBps");
  }
  if (swapMode !== "ExactIn") throw new JupiterHttpError(400, "INVALID_REQUEST", "The loopback only routes ExactIn");
  const { pool, side } = findRoute(pools, inputMint, outputMint);
  const reserves = pools.reserves(pool.mint.mint);
  if (reserves === undefined) throw noRoute();
  const amountIn = BigInt(amountText);
  const cp = cpQuote(reserves, side, amountIn);
  return {
    inputMint,
    inAmount: amountIn.toString(),
    outputMint,
    outAmount: cp.amountOut.toString(),
    otherAmountThreshold: minOut(cp.amountOut, slippageBps).toString(),
    swapMode,
    slippageBps,
    platformFee: null,
    priceImpactPct: cp.priceImpact.toFixed(8),
    routePlan: [
      {
        swapInfo: {
          ammKey: pool.authorityAddress,
          label: pool.label,
          inputMint,
          outputMint,
          inAmount: amountIn.toString(),
          outAmount: cp.amountOut.toString(),
          feeAmount: cp.feeIn.toString(),
          feeMint: inputMint,
        },
        percent: 100,
        bps: 10_000,
      },
    ],
    contextSlot: chain.slot,
    timeTaken: 0.001,
  };
}
