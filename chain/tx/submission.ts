/**
 * A signed transaction on its way: everything needed to resend the identical bytes, prove it
 * landed or expired, and book its fill, after a restart too. Journaled before it is first sent.
 */
import { Data } from "effect";

export type Side = "buy" | "sell";

export interface Submission {
  readonly intentId: string;
  readonly side: Side;
  readonly mint: string;
  /** Base58 fee-payer signature: the idempotency key. */
  readonly signature: string;
  /** Wire bytes: the only thing ever resent for this signature. */
  readonly signedBytes: Uint8Array;
  readonly blockhash: string;
  /** After this block height the blockhash is no longer accepted. */
  readonly lastValidBlockHeight: number;
}

/**
 * Sent, but neither landing nor expiry could be proven (the RPC stayed unreachable, or the wait
 * ran out). The submission may still land: resolve it later; never sign anew for its intent.
 */
export class TxUnknownOutcomeError extends Data.TaggedError("TxUnknownOutcomeError")<{
  readonly message: string;
  readonly submission: Submission;
  readonly cause?: unknown;
  readonly retryable: true;
}> {}
