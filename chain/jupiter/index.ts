/**
 * Jupiter as a domain service: `requestQuote` and `requestSwap` with retries on transient
 * failures, answers parsed and checked (parse.ts). Signing and sending live in chain/signer and
 * chain/tx; this adapter never touches keys.
 */
import { Effect } from "effect";
import { makeJupiterClient } from "./client.js";
import type { JupiterConfig } from "./config.js";
import type { JupiterError } from "./errors.js";
import { parseQuote, parseSwap, type Quote, type QuoteRequest, type SwapBuild } from "./parse.js";
import { jupiterRetrySchedule } from "./retry.js";
import type { SwapRequestBody } from "./wire.js";

export * from "./errors.js";
export type { Quote, QuoteRequest, SwapBuild } from "./parse.js";
export { jupiterConfig, type JupiterConfig } from "./config.js";

/**
 * The swap's one priority-fee setting, as Jupiter's `prioritizationFeeLamports` takes it: a
 * compute-unit price capped in lamports (`priorityLevelWithMaxLamports`), or a tip to a Jito tip
 * account added to the swap (`jitoTipLamports`) for a block engine to land it. Null sends none.
 */
export type PriorityFee =
  | { readonly level: "medium" | "high" | "veryHigh"; readonly maxLamports: number }
  | { readonly jitoTipLamports: number };

/**
 * From `execution.*`: a Jito tip when `jitoTipLamports` > 0 (the tip is the priority then: one
 * field only), else a cap Jupiter spends at "veryHigh"; both 0 sends none.
 */
export const priorityFromConfig = (e: { readonly priorityFeeLamports: number; readonly jitoTipLamports: number }): PriorityFee | null =>
  e.jitoTipLamports > 0 ? { jitoTipLamports: e.jitoTipLamports } : e.priorityFeeLamports > 0 ? { level: "veryHigh", maxLamports: e.priorityFeeLamports } : null;

export interface SwapRequest {
  readonly quote: Quote;
  readonly userPublicKey: string;
  readonly priority: PriorityFee | null;
}

/**
 * The /swap body: one priority-fee field only (never `computeUnitPriceMicroLamports` with
 * `prioritizationFeeLamports`), `dynamicComputeUnitLimit` so the limit fits the route, SOL wrapped
 * and unwrapped by the transaction itself.
 */
export function swapRequestBody(req: SwapRequest): SwapRequestBody {
  return {
    quoteResponse: req.quote.raw,
    userPublicKey: req.userPublicKey,
    wrapAndUnwrapSol: true,
    dynamicComputeUnitLimit: true,
    ...(req.priority === null
      ? {}
      : "jitoTipLamports" in req.priority
        ? { prioritizationFeeLamports: { jitoTipLamports: req.priority.jitoTipLamports } }
        : { prioritizationFeeLamports: { priorityLevelWithMaxLamports: { priorityLevel: req.priority.level, maxLamports: req.priority.maxLamports } } }),
  };
}

export interface Jupiter {
  readonly requestQuote: (req: QuoteRequest) => Effect.Effect<Quote, JupiterError>;
  readonly requestSwap: (req: SwapRequest) => Effect.Effect<SwapBuild, JupiterError>;
}

export function makeJupiter(cfg: JupiterConfig): Jupiter {
  const client = makeJupiterClient(cfg);
  const retry = jupiterRetrySchedule(cfg.backoff, cfg.rng, cfg.onRetry);
  return {
    requestQuote: Effect.fn("Jupiter.requestQuote")(function* (req: QuoteRequest) {
      const { wire, raw } = yield* client.getQuote(req).pipe(Effect.retry(retry));
      const quote = parseQuote(req, wire, raw);
      return "_tag" in quote ? yield* Effect.fail(quote) : quote;
    }),
    requestSwap: Effect.fn("Jupiter.requestSwap")(function* (req: SwapRequest) {
      const mints = { inputMint: req.quote.inputMint, outputMint: req.quote.outputMint };
      const { wire, raw } = yield* client.postSwap(swapRequestBody(req), mints).pipe(Effect.retry(retry));
      const swap = parseSwap(wire, raw);
      return "_tag" in swap ? yield* Effect.fail(swap) : swap;
    }),
  };
}
