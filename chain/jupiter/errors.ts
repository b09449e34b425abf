/**
 * Jupiter swap/v1 errors, and the one place its HTTP replies are classified (solana-wire.md §3):
 * retryable (429 with Retry-After, 5xx, timeouts) or not (no route, zero output, bad request,
 * bad key, undecodable body).
 */
import { Data } from "effect";
import type { HttpReply, HttpTransportError } from "../rpc/http.js";

export type JupiterEndpoint = "quote" | "swap";

export class JupiterNoRouteError extends Data.TaggedError("JupiterNoRouteError")<{
  readonly message: string;
  readonly inputMint: string;
  readonly outputMint: string;
  readonly retryable: false;
}> {}

/** A quote that would buy nothing: refused before any swap is built. */
export class JupiterZeroOutputError extends Data.TaggedError("JupiterZeroOutputError")<{
  readonly message: string;
  readonly inAmount: string;
  readonly retryable: false;
}> {}

export class JupiterRateLimitedError extends Data.TaggedError("JupiterRateLimitedError")<{
  readonly message: string;
  readonly endpoint: JupiterEndpoint;
  readonly retryAfterMs: number | undefined;
  readonly retryable: true;
}> {}

export class JupiterUnavailableError extends Data.TaggedError("JupiterUnavailableError")<{
  readonly message: string;
  readonly endpoint: JupiterEndpoint;
  readonly reason: "timeout" | "network" | "http";
  readonly status?: number;
  readonly retryable: true;
}> {}

/** 401/403: the API key is missing or wrong. */
export class JupiterAuthError extends Data.TaggedError("JupiterAuthError")<{
  readonly message: string;
  readonly status: number;
  readonly retryable: false;
}> {}

/** Any other refusal: TOKEN_NOT_TRADABLE, INVALID_REQUEST, a swap whose simulation failed. */
export class JupiterRejectedError extends Data.TaggedError("JupiterRejectedError")<{
  readonly message: string;
  readonly endpoint: JupiterEndpoint;
  readonly status: number;
  readonly errorCode: string;
  readonly retryable: false;
}> {}

/** The body is not the JSON or shape the endpoint promises, or contradicts the request. */
export class JupiterDecodeError extends Data.TaggedError("JupiterDecodeError")<{
  readonly message: string;
  readonly endpoint: JupiterEndpoint;
  readonly excerpt: string;
  readonly retryable: false;
}> {}

export type JupiterError =
  | JupiterNoRouteError
  | JupiterZeroOutputError
  | JupiterRateLimitedError
  | JupiterUnavailableError
  | JupiterAuthError
  | JupiterRejectedError
  | JupiterDecodeError;

const NO_ROUTE_CODES = new Set(["COULD_NOT_FIND_ANY_ROUTE", "NO_ROUTES_FOUND", "ROUTE_NOT_FOUND"]);

export const excerpt = (text: string): string => (text.length > 200 ? `${text.slice(0, 200)}…` : text);

export function fromTransport(endpoint: JupiterEndpoint, e: HttpTransportError): JupiterUnavailableError {
  return new JupiterUnavailableError({ message: `jupiter ${endpoint}: ${e.message}`, endpoint, reason: e.kind, retryable: true });
}

function errorBody(text: string): { error: string; errorCode: string } {
  try {
    const o = JSON.parse(text) as { error?: unknown; errorCode?: unknown; message?: unknown };
    const error = typeof o.error === "string" ? o.error : typeof o.message === "string" ? o.message : "";
    return { error, errorCode: typeof o.errorCode === "string" ? o.errorCode : "" };
  } catch {
    return { error: "", errorCode: "" };
  }
}

/** A non-2xx reply as a typed error; null for 2xx. */
export function fromHttpStatus(endpoint: JupiterEndpoint, reply: HttpReply, mints: { inputMint: string; outputMint: string }): JupiterError | null {
  const { status } = reply;
  if (status >= 200 && status < 300) return null;
  const where = `jupiter ${endpoint}: HTTP ${status}`;
  if (status === 429) return new JupiterRateLimitedError({ message: where, endpoint, retryAfterMs: reply.retryAfterMs, retryable: true });
  if (status === 401 || status === 403) return new JupiterAuthError({ message: `${where}: check jupiter.apiKey`, status, retryable: false });
  if (status >= 500 || status === 408) return new JupiterUnavailableError({ message: where, endpoint, reason: "http", status, retryable: true });
  const body = errorBody(reply.text);
  if (NO_ROUTE_CODES.has(body.errorCode) || /could not find any route/i.test(body.error)) {
    return new JupiterNoRouteError({ message: `${where}: ${body.error || "no route"}`, ...mints, retryable: false });
  }
  return new JupiterRejectedError({
    message: `${where}: ${body.error || excerpt(reply.text)}`,
    endpoint,
    status,
    errorCode: body.errorCode || `HTTP_${status}`,
    retryable: false,
  });
}
