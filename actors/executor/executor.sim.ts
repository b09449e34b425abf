/**
 * The simulated executor for paper trading and replay: same port, fills priced on a
 * constant-product pool from the market source given (its reserves and fee), a paper wallet of
 * lamports and tokens, a flat network fee per transaction and token-account rent on a first buy,
 * as the live path pays them. Nothing here sleeps or reads the wall clock: time is the Clock's.
 */
import { createHash } from "node:crypto";
import { getBase58Decoder } from "@solana/kit";
import { Effect, Layer } from "effect";
import type { Clock } from "../../core/clock.js";
import type { Side, Submission } from "../../chain/tx/submission.js";
import { cpQuote, type PoolReserves } from "./cpmm.js";
import {
  Executor,
  ExecutorInsufficientFundsError,
  ExecutorNoRouteError,
  ExecutorZeroOutputError,
  type ExecutorError,
  type ExecutorShape,
  type TradeOutcome,
} from "./executor.js";

export interface SimMarket {
  /** The mint's SOL pool now, or undefined when there is none (no route). */
  readonly pool: (mint: string) => PoolReserves | undefined;
  readonly decimals: (mint: string) => number;
  /** Told the pool after each paper trade, when the trade's impact should persist in the market. */
  readonly onTrade?: (mint: string, after: PoolReserves) => void;
}

export interface SimExecutorOptions {
  readonly market: SimMarket;
  readonly clock: Clock;
  readonly startLamports: bigint;
  /** Base fee plus priority fee per transaction (live: 5000 per signature + priority). */
  readonly networkFeeLamports?: bigint;
  /** Rent of the token account a first buy creates (2_039_280 for 165 bytes). */
  readonly tokenAccountRentLamports?: bigint;
}

export interface SimExecutor extends ExecutorShape {
  /** The paper wallet, for tests and the dashboard. */
  readonly wallet: { readonly lamports: () => bigint; readonly tokens: (mint: string) => bigint };
}

export function makeSimExecutor(o: SimExecutorOptions): SimExecutor {
  const fee = o.networkFeeLamports ?? 5_000n;
  const rent = o.tokenAccountRentLamports ?? 0n;
  let lamports = o.startLamports;
  const tokens = new Map<string, bigint>();
  const byIntent = new Map<string, TradeOutcome>();
  const bySignature = new Map<string, TradeOutcome>();
  let slot = 0;

  const signatureFor = (intentId: string) => getBase58Decoder().decode(createHash("sha512").update(`sim:${intentId}`).digest());

  const execute = (side: Side, intentId: string, mint: string, amountIn: bigint): Effect.Effect<TradeOutcome, ExecutorError> =>
    Effect.suspend((): Effect.Effect<TradeOutcome, ExecutorError> => {
      const done = byIntent.get(intentId);
      if (done !== undefined) return Effect.succeed(done);
      const pool = o.market.pool(mint);
      if (pool === undefined) return Effect.fail(new ExecutorNoRouteError({ message: `no pool for ${mint}`, mint, retryable: false }));
      const held = tokens.get(mint) ?? 0n;
      const newAccount = side === "buy" && !tokens.has(mint) ? rent : 0n;
      const solNeeded = side === "buy" ? amountIn + fee + newAccount : fee;
      if (side === "sell" && amountIn > held) return Effect.fail(insufficient(mint, amountIn, held));
      if (solNeeded > lamports) return Effect.fail(insufficient("SOL", solNeeded, lamports));
      const q = cpQuote(pool, side, amountIn);
      if (q.amountOut === 0n) return Effect.fail(new ExecutorZeroOutputError({ message: `${amountIn} in buys 0 out of ${mint}`, mint, retryable: false }));
      const solDelta = side === "buy" ? -solNeeded : q.amountOut - fee;
      const tokenDelta = side === "buy" ? q.amountOut : -amountIn;
      lamports += solDelta;
      tokens.set(mint, held + tokenDelta);
      o.market.onTrade?.(mint, q.after);
      const now = o.clock.now();
      const submission: Submission = { intentId, side, mint, signature: signatureFor(intentId), signedBytes: new Uint8Array(), blockhash: "simulated", lastValidBlockHeight: 0 };
      const fill = {
        intentId, side, mint, signature: submission.signature, slot: ++slot, tokenDelta, solDelta, feeLamports: fee,
        decimals: o.market.decimals(mint), tokenProgram: null, tsEvent: now, tsInit: now,
      };
      const outcome: TradeOutcome = { _tag: "Filled", fill, submission };
      byIntent.set(intentId, outcome);
      bySignature.set(submission.signature, outcome);
      return Effect.succeed(outcome);
    });

  const insufficient = (mint: string, needed: bigint, available: bigint) =>
    new ExecutorInsufficientFundsError({ message: `paper wallet has ${available} of ${mint}, needs ${needed}`, mint, needed, available, retryable: false });

  return {
    buy: (i) => execute("buy", i.intentId, i.mint, i.lamports),
    sell: (i) =>
      Effect.suspend((): Effect.Effect<TradeOutcome, ExecutorError> => {
        const held = tokens.get(i.mint) ?? 0n;
        if (i.amount === "all" && held === 0n) return Effect.fail(insufficient(i.mint, 1n, 0n));
        return execute("sell", i.intentId, i.mint, i.amount === "all" ? held : i.amount);
      }),
    // A signature the paper wallet never made can never land.
    resolve: (sub) => Effect.sync(() => bySignature.get(sub.signature) ?? { _tag: "Expired", submission: sub, blockHeight: slot }),
    tokenBalance: (mint) => Effect.sync(() => ({ mint, amount: tokens.get(mint) ?? 0n, decimals: o.market.decimals(mint) })),
    solBalance: () => Effect.sync(() => lamports),
    wallet: { lamports: () => lamports, tokens: (mint) => tokens.get(mint) ?? 0n },
  };
}

export const layer = (o: SimExecutorOptions) => Layer.succeed(Executor, makeSimExecutor(o));
