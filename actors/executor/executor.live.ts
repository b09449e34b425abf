/**
 * The live executor: Jupiter quote and swap, sign with the wallet, journal, send (to the RPC and
 * any relay, such as a Jito block engine), confirm up to the blockhash's lastValidBlockHeight,
 * book fills from the landed balance changes.
 *
 * Idempotency per intent: a landed outcome is remembered and returned again; a pending
 * submission (in memory, or the journal's latest after a restart) is resolved first, by resending
 * its identical bytes; a new quote and signature are made only once it resolved as Expired.
 * Calls for one intent run one at a time.
 */
import { Effect, Layer, Semaphore } from "effect";
import type { Clock } from "../../core/clock.js";
import type { Jupiter, PriorityFee } from "../../chain/jupiter/index.js";
import type { SolanaRpc } from "../../chain/rpc/client.js";
import type { Wallet } from "../../chain/signer/keypair.js";
import { signVenueTransaction } from "../../chain/signer/sign.js";
import { awaitOutcome, fetchLanded, type ConfirmOptions } from "../../chain/tx/confirm.js";
import { WSOL_MINT, walletBalanceChange } from "../../chain/tx/fill.js";
import type { TxRelay } from "../../chain/tx/send.js";
import type { Side, Submission } from "../../chain/tx/submission.js";
import {
  Executor,
  ExecutorInsufficientFundsError,
  ExecutorJournalError,
  ExecutorUnknownOutcomeError,
  type ExecutorError,
  type ExecutorShape,
  type TradeOutcome,
} from "./executor.js";
import type { SubmissionJournal } from "./journal.js";
import { describeTxErr, fromJupiter, fromRpc, fromSigner, fromUnknown } from "./live-errors.js";

export interface LiveExecutorOptions {
  readonly wallet: Wallet;
  readonly rpc: SolanaRpc;
  readonly jupiter: Jupiter;
  readonly journal: SubmissionJournal;
  readonly clock: Clock;
  readonly confirm: ConfirmOptions;
  /** Jupiter priority fee (priorityLevelWithMaxLamports, or a Jito tip); null: none. */
  readonly priority: PriorityFee | null;
  /** Further send paths for the signed bytes (a Jito block engine); the RPC is always one. */
  readonly relays?: readonly TxRelay[];
  /** Reads of a landed transaction the node has not indexed yet. */
  readonly fetchAttempts?: number;
  readonly fetchIntervalMs?: number;
}

/** The least a transaction costs its fee payer (one signature). */
const MIN_FEE_LAMPORTS = 5_000n;

export function makeLiveExecutor(o: LiveExecutorOptions): ExecutorShape {
  const settled = new Map<string, TradeOutcome>();
  const pending = new Map<string, Submission>();
  /** Signatures proven expired: never polled again. */
  const expired = new Set<string>();
  const locks = new Map<string, Semaphore.Semaphore>();
  const owner = o.wallet.address;

  const lockFor = (intentId: string) => {
    let s = locks.get(intentId);
    if (s === undefined) locks.set(intentId, (s = Semaphore.makeUnsafe(1)));
    return s;
  };

  /** Landed or expired, from the chain; the fill from the landed balances. */
  const settle = (sub: Submission): Effect.Effect<TradeOutcome, ExecutorError> =>
    Effect.gen(function* () {
      const outcome = yield* awaitOutcome(o.rpc, sub, o.confirm, o.relays ?? []).pipe(Effect.mapError(fromUnknown));
      if (outcome._tag === "Expired") return { _tag: "Expired", submission: sub, blockHeight: outcome.blockHeight } as const;
      // Sent and landed: from here every failure leaves the fill unknown, never "not traded".
      const unknown = (message: string, cause?: unknown) =>
        new ExecutorUnknownOutcomeError({ message: `${sub.signature} landed; ${message}`, submission: sub, cause, retryable: true });
      const tx = yield* fetchLanded(o.rpc, sub.signature, o.fetchAttempts ?? 10, o.fetchIntervalMs ?? o.confirm.pollIntervalMs).pipe(
        Effect.mapError((e) => (typeof e === "string" ? unknown("getTransaction keeps answering null") : unknown(`reading it failed: ${e.message}`, e))),
      );
      if (tx.err !== null) {
        return { _tag: "Failed", submission: sub, slot: tx.slot, reason: describeTxErr(tx.err), err: tx.err, feeLamports: tx.fee } as const;
      }
      const change = walletBalanceChange(tx, owner, sub.mint);
      if (typeof change === "string") return yield* Effect.fail(unknown(`its record cannot be booked: ${change}`));
      const fill = {
        intentId: sub.intentId,
        side: sub.side,
        mint: sub.mint,
        signature: sub.signature,
        slot: tx.slot,
        tokenDelta: change.tokenDelta,
        solDelta: change.solDelta,
        feeLamports: change.feeLamports,
        decimals: change.decimals,
        tokenProgram: change.tokenProgram,
        tsEvent: tx.blockTime === null ? null : tx.blockTime * 1000,
        tsInit: o.clock.now(),
      };
      return { _tag: "Filled", fill, submission: sub } as const;
    }).pipe(
      Effect.tap((out) =>
        Effect.sync(() => {
          if (pending.get(sub.intentId)?.signature === sub.signature) pending.delete(sub.intentId);
          if (out._tag === "Expired") expired.add(sub.signature);
          else settled.set(sub.intentId, out);
        }),
      ),
    );

  /** The intent's landed outcome if it has one; resolves a pending submission first. */
  const prior = (intentId: string) =>
    Effect.gen(function* () {
      const done = settled.get(intentId);
      if (done !== undefined) return done;
      const sub =
        pending.get(intentId) ??
        (yield* o.journal.latestFor(intentId).pipe(Effect.mapError((cause) => new ExecutorJournalError({ message: "journal lookup failed", cause, retryable: true }))));
      if (sub === undefined || expired.has(sub.signature)) return undefined;
      const out = yield* settle(sub);
      return out._tag === "Expired" ? undefined : out;
    });

  const trade = (side: Side, intentId: string, mint: string, amountIn: () => Effect.Effect<bigint, ExecutorError>, slippageBps: number) =>
    Effect.gen(function* () {
      const done = yield* prior(intentId);
      if (done !== undefined) return done;
      const amount = yield* amountIn();
      const [inputMint, outputMint] = side === "buy" ? [WSOL_MINT, mint] : [mint, WSOL_MINT];
      const quote = yield* o.jupiter.requestQuote({ inputMint, outputMint, amount, slippageBps }).pipe(Effect.mapError((e) => fromJupiter(mint, e)));
      const swap = yield* o.jupiter.requestSwap({ quote, userPublicKey: owner, priority: o.priority }).pipe(Effect.mapError((e) => fromJupiter(mint, e)));
      const signed = yield* signVenueTransaction(o.wallet, swap.transaction).pipe(Effect.mapError(fromSigner));
      const sub: Submission = {
        intentId,
        side,
        mint,
        signature: signed.signature,
        signedBytes: signed.signedBytes,
        blockhash: signed.blockhash,
        lastValidBlockHeight: swap.lastValidBlockHeight,
      };
      // Durable before the bytes leave: after a crash the journal knows this signature.
      yield* o.journal.recordSigned(sub).pipe(Effect.mapError((cause) => new ExecutorJournalError({ message: "journal write failed; nothing sent", cause, retryable: true })));
      pending.set(intentId, sub);
      return yield* settle(sub);
    }).pipe(Semaphore.withPermit(lockFor(intentId)), Effect.annotateLogs({ intentId, side, mint }));

  const tokenBalance = (mint: string) =>
    o.rpc.getTokenHolding(owner, mint).pipe(
      Effect.map((h) => ({ mint, amount: h.amount, decimals: h.decimals })),
      Effect.mapError(fromRpc),
    );

  const insufficient = (mint: string, needed: bigint, available: bigint) =>
    new ExecutorInsufficientFundsError({ message: `wallet holds ${available} of ${mint}, the trade needs ${needed}`, mint, needed, available, retryable: false });

  // Checked before quoting so an unpayable trade costs no fee (it would land with err otherwise).
  const spendable = (lamports: bigint) =>
    o.rpc.getBalance(owner).pipe(
      Effect.mapError(fromRpc),
      Effect.flatMap((have) => (have >= lamports + MIN_FEE_LAMPORTS ? Effect.succeed(lamports) : Effect.fail(insufficient("SOL", lamports + MIN_FEE_LAMPORTS, have)))),
    );

  const sellable = (mint: string, amount: bigint | "all") =>
    tokenBalance(mint).pipe(
      Effect.flatMap((h) => {
        const want = amount === "all" ? h.amount : amount;
        return want > 0n && want <= h.amount ? Effect.succeed(want) : Effect.fail(insufficient(mint, want > 0n ? want : 1n, h.amount));
      }),
    );

  return {
    buy: (intent) => trade("buy", intent.intentId, intent.mint, () => spendable(intent.lamports), intent.slippageBps).pipe(Effect.withSpan("Executor.buy")),
    sell: (intent) =>
      trade("sell", intent.intentId, intent.mint, () => sellable(intent.mint, intent.amount), intent.slippageBps).pipe(Effect.withSpan("Executor.sell")),
    resolve: (sub) => {
      const done = settled.get(sub.intentId);
      if (done !== undefined && done.submission.signature === sub.signature) return Effect.succeed(done);
      return settle(sub).pipe(Semaphore.withPermit(lockFor(sub.intentId)), Effect.withSpan("Executor.resolve"));
    },
    tokenBalance,
    solBalance: () => o.rpc.getBalance(owner).pipe(Effect.mapError(fromRpc)),
  };
}

export const layer = (o: LiveExecutorOptions) => Layer.succeed(Executor, makeLiveExecutor(o));
