/**
 * Test doubles for the book: a tiny chain (wallet, fixed prices, block height, signatures that
 * land once) and an executor on it that keeps the live executor's contract: it journals each
 * signature before "sending", answers a known intent from the journal, re-signs only after
 * expiry, and fails with an unknown outcome whenever a send may still land. Scripted faults
 * reproduce the crash windows. Never wired in runtime.
 */
import { Effect } from "effect";
import {
  ExecutorInsufficientFundsError, ExecutorRejectedError, ExecutorUnknownOutcomeError,
  type ExecutorError, type ExecutorShape, type Fill, type TradeOutcome,
} from "../../actors/executor/executor.js";
import type { SubmissionJournal } from "../../actors/executor/journal.js";
import type { Side, Submission } from "../../chain/tx/submission.js";
import type { Clock } from "../../core/clock.js";

export const DECIMALS = 6;
const UNIT = 10 ** DECIMALS;

export class TestChain {
  height = 0;
  /** Blocks a signature's blockhash stays valid. */
  validity = 10;
  lamports: bigint;
  readonly tokens = new Map<string, bigint>();
  readonly prices = new Map<string, number>();
  /** Landed signatures with their fills: the chain deduplicates identical bytes. */
  readonly landed = new Map<string, Fill>();
  /** Every swap that changed balances, in order. */
  readonly swaps: { readonly side: Side; readonly mint: string; readonly intentId: string }[] = [];

  constructor(lamports = 100n * 1_000_000_000n) {
    this.lamports = lamports;
  }

  /** SOL per whole token. */
  setPrice(mint: string, price: number): void {
    this.prices.set(mint, price);
  }

  advance(blocks: number): void {
    this.height += blocks;
  }

  tokenQty(mint: string): number {
    return Number(this.tokens.get(mint) ?? 0n) / UNIT;
  }

  /** Tokens leave the wallet without us (a manual sale, a transfer). */
  removeTokens(mint: string, qty: number): void {
    const raw = BigInt(Math.round(qty * UNIT));
    this.tokens.set(mint, (this.tokens.get(mint) ?? 0n) - raw);
  }

  count(side: Side, mint?: string): number {
    return this.swaps.filter((s) => s.side === side && (mint === undefined || s.mint === mint)).length;
  }

  /** Applies a swap once per signature. */
  land(sub: Submission, amountIn: bigint, ts: number): Fill {
    const seen = this.landed.get(sub.signature);
    if (seen !== undefined) return seen;
    const price = this.prices.get(sub.mint) ?? 0;
    const held = this.tokens.get(sub.mint) ?? 0n;
    let tokenDelta: bigint;
    let solDelta: bigint;
    if (sub.side === "buy") {
      tokenDelta = BigInt(Math.floor((Number(amountIn) / 1e9 / price) * UNIT));
      solDelta = -amountIn;
    } else {
      tokenDelta = -amountIn;
      solDelta = BigInt(Math.floor((Number(amountIn) / UNIT) * price * 1e9));
    }
    this.tokens.set(sub.mint, held + tokenDelta);
    this.lamports += solDelta;
    const fill: Fill = {
      intentId: sub.intentId, side: sub.side, mint: sub.mint, signature: sub.signature, slot: this.height,
      tokenDelta, solDelta, feeLamports: 0n, decimals: DECIMALS, tokenProgram: null, tsEvent: ts, tsInit: ts,
    };
    this.landed.set(sub.signature, fill);
    this.swaps.push({ side: sub.side, mint: sub.mint, intentId: sub.intentId });
    return fill;
  }
}

/**
 * What the next send of a side does: land and answer (default); land, then never answer (the
 * process dies mid-confirmation); land, then report an unknown outcome; never land (dropped);
 * or fail before signing.
 */
export type SendFault = "land" | "hangAfterLanding" | "unknownAfterLanding" | "drop" | "reject";

export interface ChainExecutor extends ExecutorShape {
  readonly faults: { buy: SendFault[]; sell: SendFault[] };
  /** Signatures made, per intent: a second one for the same intent means a re-sign. */
  readonly signatures: Map<string, string[]>;
}

export function chainExecutor(chain: TestChain, journal: SubmissionJournal, clock: Clock): ChainExecutor {
  const faults = { buy: [] as SendFault[], sell: [] as SendFault[] };
  const signatures = new Map<string, string[]>();
  const amounts = new Map<string, bigint>();
  const unknown = (sub: Submission) =>
    new ExecutorUnknownOutcomeError({ message: `${sub.signature}: no proof yet`, submission: sub, retryable: true });

  const resolve = (sub: Submission): Effect.Effect<TradeOutcome, ExecutorError> =>
    Effect.suspend((): Effect.Effect<TradeOutcome, ExecutorError> => {
      const fill = chain.landed.get(sub.signature);
      if (fill !== undefined) return Effect.succeed({ _tag: "Filled", fill, submission: sub } as const);
      if (chain.height > sub.lastValidBlockHeight) return Effect.succeed({ _tag: "Expired", submission: sub, blockHeight: chain.height } as const);
      return Effect.fail(unknown(sub));
    });

  const trade = (side: Side, intentId: string, mint: string, amount: () => bigint): Effect.Effect<TradeOutcome, ExecutorError> =>
    Effect.gen(function* () {
      const prior = yield* journal.latestFor(intentId).pipe(Effect.orDie);
      if (prior !== undefined) {
        const out = yield* resolve(prior);
        if (out._tag !== "Expired") return out;
      }
      const fault = faults[side].shift() ?? "land";
      if (fault === "reject") return yield* Effect.fail(new ExecutorRejectedError({ message: "venue refused", code: "TEST", retryable: false }));
      const amountIn = amount();
      const held = chain.tokens.get(mint) ?? 0n;
      if (side === "sell" && (amountIn > held || amountIn <= 0n)) {
        return yield* Effect.fail(new ExecutorInsufficientFundsError({ message: `holds ${held}`, mint, needed: amountIn, available: held, retryable: false }));
      }
      const sigs = signatures.get(intentId) ?? [];
      const sub: Submission = {
        intentId, side, mint, signature: `sig-${intentId}-${sigs.length + 1}`, signedBytes: new Uint8Array([sigs.length + 1]),
        blockhash: `bh-${chain.height}`, lastValidBlockHeight: chain.height + chain.validity,
      };
      signatures.set(intentId, [...sigs, sub.signature]);
      amounts.set(sub.signature, amountIn);
      yield* journal.recordSigned(sub).pipe(Effect.orDie); // durable before the bytes leave
      if (fault === "drop") return yield* Effect.fail(unknown(sub));
      const fill = chain.land(sub, amountIn, clock.now());
      if (fault === "hangAfterLanding") return yield* Effect.never;
      if (fault === "unknownAfterLanding") return yield* Effect.fail(unknown(sub));
      return { _tag: "Filled", fill, submission: sub } as const;
    });

  return {
    faults,
    signatures,
    buy: (i) => trade("buy", i.intentId, i.mint, () => i.lamports),
    sell: (i) => trade("sell", i.intentId, i.mint, () => (i.amount === "all" ? chain.tokens.get(i.mint) ?? 0n : i.amount)),
    resolve,
    tokenBalance: (mint) => Effect.sync(() => ({ mint, amount: chain.tokens.get(mint) ?? 0n, decimals: DECIMALS })),
    solBalance: () => Effect.sync(() => chain.lamports),
  };
}
