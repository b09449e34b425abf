/**
 * The Jito block engine as a send path (solana-wire.md §6): its `/api/v1/transactions` endpoint
 * is a proxy of the node's JSON-RPC `sendTransaction`, so the RPC client speaks to it unchanged,
 * its errors classified by the RPC adapter. A swap carrying a tip to a tip account (Jupiter adds
 * it for `prioritizationFeeLamports.jitoTipLamports`) is forwarded by the engine to the leader.
 * Like every send it proves nothing: failures are logged and the confirm loop decides.
 */
import { Effect } from "effect";
import type { Rng } from "../../core/random.js";
import { makeSolanaRpc } from "../rpc/client.js";
import type { RpcError } from "../rpc/errors.js";
import type { Commitment } from "../rpc/parse.js";
import type { TxRelay } from "../tx/send.js";

/** The mainnet block engine (regional ones: amsterdam., frankfurt., ny., tokyo. before mainnet.). */
export const JITO_MAINNET_URL = "https://mainnet.block-engine.jito.wtf";

export interface JitoRelayConfig {
  /** Block engine base URL, e.g. JITO_MAINNET_URL. */
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly commitment: Commitment;
  readonly rng: Rng;
}

export const jitoTransactionsUrl = (baseUrl: string): string => `${baseUrl.replace(/\/+$/, "")}/api/v1/transactions`;

export function jitoRelay(cfg: JitoRelayConfig): TxRelay {
  const engine = makeSolanaRpc({ url: jitoTransactionsUrl(cfg.baseUrl), timeoutMs: cfg.timeoutMs, commitment: cfg.commitment, rng: cfg.rng });
  return {
    name: "jito",
    relay: (sub) =>
      engine.sendTransaction(sub.signedBytes, { skipPreflight: true }).pipe(
        Effect.asVoid,
        Effect.catch((e: RpcError) =>
          Effect.logDebug("block engine did not take the transaction; the confirm loop continues").pipe(
            Effect.annotateLogs({ signature: sub.signature, error: e._tag, detail: e.message }),
          ),
        ),
        Effect.withSpan("Jito.sendTransaction"),
      ),
  };
}
