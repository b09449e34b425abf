/**
 * Sign a venue-built versioned transaction (Jupiter's `swapTransaction`) with @solana/kit.
 *
 * The signature covers the serialized message exactly as carried on the wire, version prefix
 * included (`0x80 ‖ message` for v0): upstream signed `message.to_bytes()`, which does not exist,
 * so it could never trade (upstream-alphagpt.md §17 C1). Before signing we check the message is
 * ours to pay for: a transaction whose fee payer is another key is refused, not signed.
 */
import {
  getCompiledTransactionMessageDecoder,
  getSignatureFromTransaction,
  getTransactionDecoder,
  getTransactionEncoder,
  isFullySignedTransaction,
  partiallySignTransaction,
  type Address,
  type Transaction,
} from "@solana/kit";
import { Data, Effect } from "effect";
import type { Wallet } from "./keypair.js";

export interface SignedTransaction {
  /** Base58 fee-payer signature: the transaction id and our idempotency key. */
  readonly signature: string;
  /** Wire bytes to send (and resend, unchanged, until the blockhash expires). */
  readonly signedBytes: Uint8Array;
  readonly blockhash: string;
  readonly feePayer: Address;
}

export type SignerTxReason = "undecodable" | "unsupported-version" | "not-fee-payer" | "other-signers-missing";

/** The bytes are not a transaction we may sign and send. Never retryable with the same bytes. */
export class SignerTxError extends Data.TaggedError("SignerTxError")<{
  readonly message: string;
  readonly reason: SignerTxReason;
  readonly retryable: false;
}> {}

const txError = (reason: SignerTxReason, message: string) => new SignerTxError({ message, reason, retryable: false });

interface Opened {
  readonly tx: Transaction;
  readonly feePayer: Address;
  readonly blockhash: string;
}

function open(wire: Uint8Array): Opened | SignerTxError {
  let tx: Transaction;
  try {
    tx = getTransactionDecoder().decode(wire);
  } catch (e) {
    return txError("undecodable", `not a wire transaction: ${e instanceof Error ? e.message : String(e)}`);
  }
  try {
    const message = getCompiledTransactionMessageDecoder().decode(tx.messageBytes);
    if (message.version === 1) return txError("unsupported-version", "transaction version 1 is not supported");
    const feePayer = message.staticAccounts[0];
    if (feePayer === undefined) return txError("undecodable", "message has no accounts");
    return { tx, feePayer, blockhash: message.lifetimeToken };
  } catch (e) {
    return txError("undecodable", `undecodable message: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export const signVenueTransaction = Effect.fn("Signer.signVenueTransaction")(function* (wallet: Wallet, wire: Uint8Array) {
  const opened = open(wire);
  if (opened instanceof SignerTxError) return yield* Effect.fail(opened);
  if (opened.feePayer !== wallet.address) {
    return yield* Effect.fail(txError("not-fee-payer", `fee payer ${opened.feePayer} is not our wallet ${wallet.address}`));
  }
  const signed = yield* Effect.tryPromise({
    try: () => partiallySignTransaction([wallet.keyPair], opened.tx),
    catch: (e) => txError("undecodable", `signing failed: ${e instanceof Error ? e.message : String(e)}`),
  });
  if (!isFullySignedTransaction(signed)) {
    return yield* Effect.fail(txError("other-signers-missing", "the transaction needs signatures we do not hold"));
  }
  return {
    signature: getSignatureFromTransaction(signed),
    signedBytes: new Uint8Array(getTransactionEncoder().encode(signed)),
    blockhash: opened.blockhash,
    feePayer: opened.feePayer,
  } satisfies SignedTransaction;
});
