/**
 * Solana JSON-RPC errors, and the one place raw HTTP replies and JSON-RPC error objects are
 * classified (solana-wire.md §4). Callers decide by `_tag` and `retryable`, never by message.
 */
import { Data } from "effect";
import type { HttpReply, HttpTransportError } from "./http.js";

/** HTTP 429, or a JSON-RPC error with code 429 (rpcpool). */
export class RpcRateLimitedError extends Data.TaggedError("RpcRateLimitedError")<{
  readonly method: string;
  readonly message: string;
  readonly retryAfterMs: number | undefined;
  readonly retryable: true;
}> {}

/** No usable answer: timeout, connection failure, HTTP 5xx, node unhealthy or behind. */
export class RpcUnavailableError extends Data.TaggedError("RpcUnavailableError")<{
  readonly method: string;
  readonly message: string;
  readonly reason: "timeout" | "network" | "http" | "node";
  readonly status?: number;
  readonly retryable: true;
}> {}

/** A JSON-RPC error object that is not transient: invalid params, preflight failure, unsupported version. */
export class RpcResponseError extends Data.TaggedError("RpcResponseError")<{
  readonly method: string;
  readonly message: string;
  readonly code: number;
  readonly data: unknown;
  readonly retryable: boolean;
}> {}

/** The answer is not the JSON or shape the method promises. Counted and logged; never retried blindly. */
export class RpcDecodeError extends Data.TaggedError("RpcDecodeError")<{
  readonly method: string;
  readonly message: string;
  /** The start of the offending body, for the log. */
  readonly excerpt: string;
  readonly retryable: false;
}> {}

export type RpcError = RpcRateLimitedError | RpcUnavailableError | RpcResponseError | RpcDecodeError;

// JSON-RPC codes worth asking again: node behind/unhealthy (-32005), block or slot not yet
// available (-32004, -32016 min context slot), internal errors (-32603).
const TRANSIENT_CODES = new Set([-32603, -32005, -32004, -32016]);

export const excerpt = (text: string): string => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

export function fromTransport(method: string, e: HttpTransportError): RpcUnavailableError {
  return new RpcUnavailableError({ method, message: `${method}: ${e.message}`, reason: e.kind, retryable: true });
}

/** An HTTP reply that is not a 2xx answer. Returns null for 2xx (decode the body then). */
export function fromHttpStatus(method: string, reply: HttpReply): RpcError | null {
  const { status } = reply;
  if (status >= 200 && status < 300) return null;
  if (status === 429) {
    return new RpcRateLimitedError({ method, message: `${method}: HTTP 429 ${excerpt(reply.text)}`, retryAfterMs: reply.retryAfterMs, retryable: true });
  }
  if (status >= 500 || status === 408) {
    return new RpcUnavailableError({ method, message: `${method}: HTTP ${status}`, reason: "http", status, retryable: true });
  }
  return new RpcResponseError({ method, message: `${method}: HTTP ${status} ${excerpt(reply.text)}`, code: status, data: null, retryable: false });
}

/** A JSON-RPC `error` object. */
export function fromRpcError(method: string, err: { code: number; message: string; data?: unknown }, retryAfterMs?: number): RpcError {
  if (err.code === 429) return new RpcRateLimitedError({ method, message: `${method}: ${err.message}`, retryAfterMs, retryable: true });
  if (err.code === -32005) return new RpcUnavailableError({ method, message: `${method}: ${err.message}`, reason: "node", retryable: true });
  return new RpcResponseError({ method, message: `${method}: ${err.message}`, code: err.code, data: err.data ?? null, retryable: TRANSIENT_CODES.has(err.code) });
}

/** The `err` of a -32002 preflight failure (`"BlockhashNotFound"`, `{"InstructionError":...}`), if any. */
export function preflightErr(e: RpcError): unknown {
  if (e._tag !== "RpcResponseError" || e.code !== -32002) return undefined;
  const d = e.data as { err?: unknown } | null;
  return d?.err;
}
