/**
 * Hand signed bytes to the RPC. Sending proves nothing: a timeout may have delivered them, an
 * error may follow a delivery by another path. So a send never fails its caller; it reports what
 * the node said, and the confirm loop decides from signature status and block height alone.
 *
 * skipPreflight defaults to true: a preflight simulation runs on the node's view of a pool that
 * moves every slot, its rejection does not prove the bytes cannot land (an earlier send may
 * already be in flight), and it hides on-chain failures we must see; with preflight skipped a
 * failing swap lands with `err` set and is booked as failed at once.
 */
import { Effect } from "effect";
import type { SolanaRpc } from "../rpc/client.js";
import { preflightErr, type RpcError } from "../rpc/errors.js";
import type { Submission } from "./submission.js";

export type SendReport =
  | { readonly kind: "accepted" }
  | { readonly kind: "alreadyProcessed" }
  | { readonly kind: "blockhashNotFound" }
  /** Preflight simulation failed (only with skipPreflight false); the node did not forward. */
  | { readonly kind: "preflightFailed"; readonly err: unknown }
  | { readonly kind: "failed"; readonly error: RpcError };

export interface SendOptions {
  readonly skipPreflight: boolean;
}

/**
 * Another way to the leader for the same signed bytes (chain/jito: a block engine). Best effort
 * like every send: it never fails, and only the RPC's answer is reported.
 */
export interface TxRelay {
  readonly name: string;
  readonly relay: (sub: Submission) => Effect.Effect<void>;
}

/** The bytes to the RPC and, at the same time, to every relay; the RPC's answer is the report. */
export const sendSubmission = (rpc: SolanaRpc, sub: Submission, opts: SendOptions, relays: readonly TxRelay[] = []): Effect.Effect<SendReport> =>
  relays.length === 0
    ? sendToRpc(rpc, sub, opts)
    : Effect.all([sendToRpc(rpc, sub, opts), ...relays.map((r) => r.relay(sub))], { concurrency: "unbounded" }).pipe(Effect.map(([report]) => report));

const sendToRpc = (rpc: SolanaRpc, sub: Submission, opts: SendOptions): Effect.Effect<SendReport> =>
  rpc.sendTransaction(sub.signedBytes, { skipPreflight: opts.skipPreflight, maxRetries: 0 }).pipe(
    Effect.map((): SendReport => ({ kind: "accepted" })),
    Effect.catch((error: RpcError): Effect.Effect<SendReport> => {
      const err = preflightErr(error);
      if (err === "AlreadyProcessed") return Effect.succeed({ kind: "alreadyProcessed" });
      if (err === "BlockhashNotFound") return Effect.succeed({ kind: "blockhashNotFound" });
      if (err !== undefined) return Effect.succeed({ kind: "preflightFailed", err });
      return Effect.succeed({ kind: "failed", error });
    }),
    Effect.tap((r) =>
      r.kind === "failed" || r.kind === "preflightFailed"
        ? Effect.logDebug("send not accepted; confirm loop continues").pipe(Effect.annotateLogs({ signature: sub.signature, kind: r.kind }))
        : Effect.void,
    ),
    Effect.withSpan("Tx.send"),
  );
