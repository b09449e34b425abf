/**
 * Solana JSON-RPC over HTTP, one raw method per endpoint. Every answer is checked for HTTP
 * status, decoded with the method's Schema and parsed to domain values; failures are the typed
 * errors of errors.ts. Reads retry transient failures on the configured Schedule; sendTransaction
 * does not (the confirm loop resends the same bytes on its own cadence).
 *
 * Why not kit's createSolanaRpc: it throws untyped errors and trusts response shapes; here every
 * payload is decoded at the edge and each failure is classified once (STYLE.md mapping 6, 8).
 */
import { Effect, Schema } from "effect";
import type { Rng } from "../../core/random.js";
import { fromHttpStatus, fromRpcError, fromTransport, excerpt, RpcDecodeError, type RpcError } from "./errors.js";
import { httpExchange } from "./http.js";
import {
  parseLandedTransaction,
  parseSignatureStatus,
  parseTokenHolding,
  type Commitment,
  type LandedTransaction,
  type SignatureStatus,
  type TokenHolding,
} from "./parse.js";
import { RPC_READ_BACKOFF, transientRetrySchedule, type BackoffPolicy, type OnRetry } from "./retry.js";
import * as W from "./wire.js";

export interface RpcClientConfig {
  readonly url: string;
  /** Per request. */
  readonly timeoutMs: number;
  readonly commitment: Commitment;
  readonly rng: Rng;
  readonly backoff?: BackoffPolicy;
  readonly headers?: Readonly<Record<string, string>>;
  readonly onRetry?: OnRetry<RpcError>;
}

export interface LatestBlockhash {
  readonly blockhash: string;
  readonly lastValidBlockHeight: number;
}

export interface SendOptions {
  readonly skipPreflight: boolean;
  /** Node-side rebroadcasts; 0 leaves rebroadcasting to our confirm loop. */
  readonly maxRetries?: number;
}

/** An account's owner program and raw data. */
export interface AccountData {
  readonly owner: string;
  readonly data: Uint8Array;
  /** The slot the node answered at. */
  readonly slot: number;
}

export interface SolanaRpc {
  readonly getLatestBlockhash: () => Effect.Effect<LatestBlockhash, RpcError>;
  readonly getBlockHeight: () => Effect.Effect<number, RpcError>;
  readonly isBlockhashValid: (blockhash: string) => Effect.Effect<boolean, RpcError>;
  readonly sendTransaction: (wire: Uint8Array, opts: SendOptions) => Effect.Effect<string, RpcError>;
  readonly getSignatureStatuses: (signatures: readonly string[]) => Effect.Effect<readonly (SignatureStatus | null)[], RpcError>;
  readonly getTransaction: (signature: string) => Effect.Effect<LandedTransaction | null, RpcError>;
  readonly getBalance: (address: string) => Effect.Effect<bigint, RpcError>;
  /** The account's owner and bytes; null when it does not exist. */
  readonly getAccountInfo: (address: string) => Effect.Effect<AccountData | null, RpcError>;
  /** The wallet's balance of `mint` over all its token accounts, SPL Token and Token-2022 alike. */
  readonly getTokenHolding: (owner: string, mint: string) => Effect.Effect<TokenHolding, RpcError>;
}

const decodeEnvelope = Schema.decodeUnknownEffect(W.JsonRpcEnvelope);

export function makeSolanaRpc(cfg: RpcClientConfig): SolanaRpc {
  let nextId = 1;
  const retry = transientRetrySchedule<RpcError>(cfg.backoff ?? RPC_READ_BACKOFF, cfg.rng, cfg.onRetry);
  const decodeError = (method: string, message: string, text: string) => new RpcDecodeError({ method, message: `${method}: ${message}`, excerpt: excerpt(text), retryable: false });

  /** One JSON-RPC call: transport, status, envelope, error object, then the result's schema. */
  const call = <S extends Schema.Top & { readonly DecodingServices: never }>(method: string, params: readonly unknown[], schema: S) =>
    Effect.gen(function* () {
      const body = JSON.stringify({ jsonrpc: "2.0", id: nextId++, method, params });
      const reply = yield* httpExchange({ url: cfg.url, method: "POST", body, timeoutMs: cfg.timeoutMs, ...(cfg.headers === undefined ? {} : { headers: cfg.headers }) }).pipe(
        Effect.mapError((e) => fromTransport(method, e)),
      );
      const statusError = fromHttpStatus(method, reply);
      if (statusError !== null) return yield* Effect.fail(statusError);
      let json: unknown;
      try {
        json = JSON.parse(reply.text);
      } catch {
        return yield* Effect.fail(decodeError(method, "body is not JSON", reply.text));
      }
      const envelope = yield* decodeEnvelope(json).pipe(Effect.mapError((e) => decodeError(method, `not a JSON-RPC response: ${e.message}`, reply.text)));
      if (envelope.error !== undefined) return yield* Effect.fail(fromRpcError(method, envelope.error, reply.retryAfterMs));
      if (!("result" in envelope)) return yield* Effect.fail(decodeError(method, "response has neither result nor error", reply.text));
      return yield* Schema.decodeUnknownEffect(schema)(envelope.result).pipe(
        Effect.mapError((e) => decodeError(method, `unexpected result: ${e.message}`, reply.text)),
      ) as Effect.Effect<S["Type"], RpcDecodeError>;
    });

  const read = <A>(name: string, eff: Effect.Effect<A, RpcError>) => eff.pipe(Effect.retry(retry), Effect.withSpan(`SolanaRpc.${name}`));
  const commitment = { commitment: cfg.commitment };

  return {
    getLatestBlockhash: () =>
      read("getLatestBlockhash", call("getLatestBlockhash", [commitment], W.LatestBlockhashResult).pipe(Effect.map((r) => r.value))),
    getBlockHeight: () => read("getBlockHeight", call("getBlockHeight", [commitment], W.BlockHeightResult)),
    isBlockhashValid: (blockhash) =>
      read("isBlockhashValid", call("isBlockhashValid", [blockhash, commitment], W.IsBlockhashValidResult).pipe(Effect.map((r) => r.value))),
    sendTransaction: (wire, opts) =>
      call(
        "sendTransaction",
        [
          Buffer.from(wire).toString("base64"),
          { encoding: "base64", skipPreflight: opts.skipPreflight, preflightCommitment: cfg.commitment, ...(opts.maxRetries === undefined ? {} : { maxRetries: opts.maxRetries }) },
        ],
        W.SendTransactionResult,
      ).pipe(Effect.withSpan("SolanaRpc.sendTransaction")),
    getSignatureStatuses: (signatures) =>
      read(
        "getSignatureStatuses",
        call("getSignatureStatuses", [signatures, { searchTransactionHistory: true }], W.SignatureStatusesResult).pipe(
          Effect.flatMap((r) =>
            r.value.length === signatures.length
              ? Effect.succeed(r.value.map(parseSignatureStatus))
              : Effect.fail(decodeError("getSignatureStatuses", `${r.value.length} statuses for ${signatures.length} signatures`, "")),
          ),
        ),
      ),
    getTransaction: (signature) =>
      read(
        "getTransaction",
        call("getTransaction", [signature, { encoding: "json", maxSupportedTransactionVersion: 0, ...commitment }], W.TransactionResult).pipe(
          Effect.flatMap((w) => {
            if (w === null) return Effect.succeed(null);
            const parsed = parseLandedTransaction(signature, w);
            return typeof parsed === "string" ? Effect.fail(decodeError("getTransaction", parsed, "")) : Effect.succeed(parsed);
          }),
        ),
      ),
    getBalance: (address) => read("getBalance", call("getBalance", [address, commitment], W.BalanceResult).pipe(Effect.map((r) => BigInt(r.value)))),
    getAccountInfo: (address) =>
      read(
        "getAccountInfo",
        call("getAccountInfo", [address, { encoding: "base64", ...commitment }], W.AccountInfoResult).pipe(
          Effect.map((r) => (r.value === null ? null : { owner: r.value.owner, data: new Uint8Array(Buffer.from(r.value.data[0], "base64")), slot: r.context.slot })),
        ),
      ),
    getTokenHolding: (owner, mint) =>
      read(
        "getTokenAccountsByOwner",
        call("getTokenAccountsByOwner", [owner, { mint }, { encoding: "jsonParsed", ...commitment }], W.TokenAccountsByOwnerResult).pipe(
          Effect.map((r) => parseTokenHolding(mint, r)),
        ),
      ),
  };
}
