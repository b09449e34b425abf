/**
 * Wait for a submission's outcome: landed (with or without `err`) or provably expired.
 *
 * Each poll reads the signature status. Landed at the target commitment ends the wait. Not seen:
 * while the block height is within the blockhash's lastValidBlockHeight the identical bytes are
 * resent now and then; once the height is past it AND the node says the blockhash is no longer
 * valid, the status is read ONE more time (with history search): null then means no block can
 * ever include the transaction, because both facts were observed before that last read. Only that
 * proof yields Expired, the one outcome that allows signing anew for the intent.
 *
 * RPC failures do not decide anything: a poll that fails is counted, and after too many in a row,
 * or when the time budget runs out, the result is TxUnknownOutcomeError carrying the submission.
 */
import { Effect, Schedule } from "effect";
import type { SolanaRpc } from "../rpc/client.js";
import type { RpcError } from "../rpc/errors.js";
import type { Commitment, LandedTransaction, SignatureStatus } from "../rpc/parse.js";
import { sendSubmission, type TxRelay } from "./send.js";
import { TxUnknownOutcomeError, type Submission } from "./submission.js";

export interface ConfirmOptions {
  /** Commitment a landed transaction must reach. */
  readonly commitment: Exclude<Commitment, "processed">;
  readonly pollIntervalMs: number;
  /** Resend the same bytes every this many polls while the transaction is unseen and valid. */
  readonly resendEveryPolls: number;
  readonly skipPreflight: boolean;
  /** Consecutive failed polls that end the wait with an unknown outcome. */
  readonly maxFailedPolls: number;
  /** Total wait before the outcome is declared unknown. */
  readonly timeoutMs: number;
}

export const DEFAULT_CONFIRM: ConfirmOptions = {
  commitment: "confirmed",
  pollIntervalMs: 500,
  resendEveryPolls: 4,
  skipPreflight: true,
  maxFailedPolls: 20,
  timeoutMs: 120_000,
};

export type ChainOutcome =
  | { readonly _tag: "Landed"; readonly slot: number; readonly err: unknown }
  | { readonly _tag: "Expired"; readonly blockHeight: number };

type Poll = ChainOutcome | { readonly _tag: "Pending"; readonly resend: boolean };

const RANK: Record<Commitment, number> = { processed: 0, confirmed: 1, finalized: 2 };
const reached = (s: SignatureStatus, c: Commitment) => RANK[s.confirmationStatus ?? "processed"] >= RANK[c];

function pollOnce(rpc: SolanaRpc, sub: Submission, opts: ConfirmOptions): Effect.Effect<Poll, RpcError> {
  return Effect.gen(function* () {
    const [status] = yield* rpc.getSignatureStatuses([sub.signature]);
    if (status != null) {
      return reached(status, opts.commitment) ? { _tag: "Landed", slot: status.slot, err: status.err } : { _tag: "Pending", resend: false };
    }
    const height = yield* rpc.getBlockHeight();
    if (height <= sub.lastValidBlockHeight) return { _tag: "Pending", resend: true };
    // Past the stated height; ask the node too, in case the venue's lastValidBlockHeight was low.
    if (yield* rpc.isBlockhashValid(sub.blockhash)) return { _tag: "Pending", resend: true };
    const [again] = yield* rpc.getSignatureStatuses([sub.signature]);
    if (again == null) return { _tag: "Expired", blockHeight: height };
    return reached(again, opts.commitment) ? { _tag: "Landed", slot: again.slot, err: again.err } : { _tag: "Pending", resend: false };
  });
}

/**
 * Send once, then poll (resending the same bytes) until landed, expired, or unknown. Every send
 * and resend also goes to the `relays`; the outcome is read from the RPC alone.
 */
export const awaitOutcome = Effect.fn("Tx.awaitOutcome")(function* (rpc: SolanaRpc, sub: Submission, opts: ConfirmOptions, relays: readonly TxRelay[] = []) {
  let failed = 0;
  let polls = 0;
  let lastError: RpcError | undefined;
  const unknown = (why: string) =>
    new TxUnknownOutcomeError({ message: `${sub.signature}: ${why}`, submission: sub, cause: lastError, retryable: true });

  const loop = Effect.gen(function* () {
    yield* sendSubmission(rpc, sub, opts, relays);
    for (;;) {
      const poll = yield* Effect.result(pollOnce(rpc, sub, opts));
      if (poll._tag === "Failure") {
        lastError = poll.failure;
        if (++failed >= opts.maxFailedPolls) return yield* Effect.fail(unknown(`${failed} status polls failed in a row`));
      } else {
        failed = 0;
        const p = poll.success;
        if (p._tag !== "Pending") return p;
        if (p.resend && ++polls % opts.resendEveryPolls === 0) yield* sendSubmission(rpc, sub, opts, relays);
      }
      yield* Effect.sleep(opts.pollIntervalMs);
    }
  });

  return yield* loop.pipe(
    Effect.timeoutOrElse({ duration: opts.timeoutMs, orElse: () => Effect.fail(unknown(`no proof of landing or expiry within ${opts.timeoutMs} ms`)) }),
  );
});

/**
 * Fetch a landed transaction, asking again while the node has not indexed it (null) or answers
 * badly: after landing, every failure is transient from the caller's point of view.
 */
export const fetchLanded = (rpc: SolanaRpc, signature: string, attempts: number, intervalMs: number): Effect.Effect<LandedTransaction, RpcError | "not-indexed"> =>
  rpc.getTransaction(signature).pipe(
    Effect.flatMap((tx) => (tx === null ? Effect.fail("not-indexed" as const) : Effect.succeed(tx))),
    Effect.retry(Schedule.max([Schedule.spaced(intervalMs), Schedule.recurs(attempts)])),
  );

/** From the app config: the wait budget and the commitment a landed swap must reach (never just "processed"). */
export function confirmOptionsFromConfig(c: {
  readonly solana: { readonly commitment: Commitment };
  readonly execution: { readonly confirmTimeoutMs: number };
}): ConfirmOptions {
  return { ...DEFAULT_CONFIRM, commitment: c.solana.commitment === "finalized" ? "finalized" : "confirmed", timeoutMs: c.execution.confirmTimeoutMs };
}
