/**
 * The executor port: buy and sell a token against SOL, resolve a submission after a restart,
 * read the wallet. One interface, two implementations: live (Jupiter + Solana,
 * executor.live.ts) and simulated (constant product on a market source, executor.sim.ts), the
 * latter serving paper trading and replay.
 *
 * Outcomes are values when they are facts about the chain (Filled, Failed: landed with `err`,
 * Expired: provably never lands); errors are everything that leaves a fact unknown or stops the
 * trade before it is sent. `intentId` is the idempotency key: asking again for an intent returns
 * its landed outcome, resolves its pending submission first, and signs anew only after Expired.
 */
import { Context, Data, type Effect } from "effect";
import type { Side, Submission } from "../../chain/tx/submission.js";

export type { Side, Submission } from "../../chain/tx/submission.js";

export interface BuyIntent {
  readonly intentId: string;
  readonly mint: string;
  /** Lamports to spend (swap input; network fees and rent come on top). */
  readonly lamports: bigint;
  readonly slippageBps: number;
}

export interface SellIntent {
  readonly intentId: string;
  readonly mint: string;
  /** Raw token units to sell, or everything the wallet holds on chain. */
  readonly amount: bigint | "all";
  readonly slippageBps: number;
}

/** What a landed, successful swap did to the wallet, from its balance changes. */
export interface Fill {
  readonly intentId: string;
  readonly side: Side;
  readonly mint: string;
  readonly signature: string;
  readonly slot: number;
  /** Raw token units gained (buy, > 0) or given up (sell, < 0). */
  readonly tokenDelta: bigint;
  /** Lamports gained (sell) or spent (buy, < 0): network fee, rent and wrapped SOL included. */
  readonly solDelta: bigint;
  readonly feeLamports: bigint;
  readonly decimals: number | null;
  /** SPL Token or Token-2022 program of the token accounts; null when unknown (simulated). */
  readonly tokenProgram: string | null;
  /** Block time in ms (venue time), when known. */
  readonly tsEvent: number | null;
  /** Our clock when the fill was booked. */
  readonly tsInit: number;
}

export type TradeOutcome =
  | { readonly _tag: "Filled"; readonly fill: Fill; readonly submission: Submission }
  /** Landed with `err` set: nothing was swapped; the network fee was paid. */
  | { readonly _tag: "Failed"; readonly submission: Submission; readonly slot: number; readonly reason: string; readonly err: unknown; readonly feeLamports: bigint }
  /** The blockhash expired and the signature is unknown to the chain: it can never land. */
  | { readonly _tag: "Expired"; readonly submission: Submission; readonly blockHeight: number };

export interface TokenHolding {
  readonly mint: string;
  readonly amount: bigint;
  readonly decimals: number | null;
}

/** No route between SOL and the mint (unknown token, no pool). */
export class ExecutorNoRouteError extends Data.TaggedError("ExecutorNoRouteError")<{ readonly message: string; readonly mint: string; readonly retryable: false }> {}

/** The trade would receive nothing (the input rounds to zero output). */
export class ExecutorZeroOutputError extends Data.TaggedError("ExecutorZeroOutputError")<{ readonly message: string; readonly mint: string; readonly retryable: false }> {}

/** The wallet lacks what the intent spends (or holds nothing to sell). */
export class ExecutorInsufficientFundsError extends Data.TaggedError("ExecutorInsufficientFundsError")<{
  readonly message: string;
  readonly mint: string;
  readonly needed: bigint;
  readonly available: bigint;
  readonly retryable: false;
}> {}

/** The venue refused (not tradable, bad request, bad key, simulation failed, a transaction not ours to sign). */
export class ExecutorRejectedError extends Data.TaggedError("ExecutorRejectedError")<{ readonly message: string; readonly code: string; readonly cause?: unknown; readonly retryable: false }> {}

/** Transient failures outlasted the retries (rate limits, 5xx, timeouts) before anything was sent. */
export class ExecutorUnavailableError extends Data.TaggedError("ExecutorUnavailableError")<{
  readonly message: string;
  readonly system: "jupiter" | "rpc";
  readonly retryAfterMs: number | undefined;
  readonly cause?: unknown;
  readonly retryable: true;
}> {}

/** A venue or node answer that is not the promised shape. Counted and logged by the caller. */
export class ExecutorDecodeError extends Data.TaggedError("ExecutorDecodeError")<{ readonly message: string; readonly system: "jupiter" | "rpc"; readonly cause?: unknown; readonly retryable: false }> {}

/** The signed submission could not be journaled: nothing was sent. */
export class ExecutorJournalError extends Data.TaggedError("ExecutorJournalError")<{ readonly message: string; readonly cause?: unknown; readonly retryable: true }> {}

/** Sent, but neither landing nor expiry is proven yet: call `resolve(submission)` later, never re-sign. */
export class ExecutorUnknownOutcomeError extends Data.TaggedError("ExecutorUnknownOutcomeError")<{
  readonly message: string;
  readonly submission: Submission;
  readonly cause?: unknown;
  readonly retryable: true;
}> {}

export type ExecutorError =
  | ExecutorNoRouteError
  | ExecutorZeroOutputError
  | ExecutorInsufficientFundsError
  | ExecutorRejectedError
  | ExecutorUnavailableError
  | ExecutorDecodeError
  | ExecutorJournalError
  | ExecutorUnknownOutcomeError;

export interface ExecutorShape {
  readonly buy: (intent: BuyIntent) => Effect.Effect<TradeOutcome, ExecutorError>;
  readonly sell: (intent: SellIntent) => Effect.Effect<TradeOutcome, ExecutorError>;
  /** Outcome of a journaled submission: resends its bytes while valid, never signs anew. */
  readonly resolve: (submission: Submission) => Effect.Effect<TradeOutcome, ExecutorError>;
  /** The wallet's on-chain (or paper) balance of a mint. */
  readonly tokenBalance: (mint: string) => Effect.Effect<TokenHolding, ExecutorError>;
  readonly solBalance: () => Effect.Effect<bigint, ExecutorError>;
}

export class Executor extends Context.Service<Executor, ExecutorShape>()("alphagpt/actors/executor/Executor") {}

/** Whole tokens moved by a fill (positive), for books kept in floating point. */
export function fillQty(fill: Fill): number {
  const d = fill.decimals ?? 0;
  const q = fill.tokenDelta < 0n ? -fill.tokenDelta : fill.tokenDelta;
  return Number(q) / 10 ** d;
}

/** SOL spent (buy) or received (sell) by a fill, fees included, as a positive number for buys. */
export function fillSol(fill: Fill): number {
  return Number(fill.side === "buy" ? -fill.solDelta : fill.solDelta) / 1e9;
}
