/**
 * Birdeye request failures, classified here only: a 429 (with its Retry-After), a 5xx, a dropped
 * connection or a body that does not decode are retryable; a bad key or a bad request is not.
 */
import { Schema } from "effect";

export class BirdeyeRequestError extends Schema.TaggedError<BirdeyeRequestError>()("BirdeyeRequestError", {
  endpoint: Schema.String,
  reason: Schema.Literals(["rate_limited", "server", "auth", "client", "transport", "decode", "api"]),
  status: Schema.Number,
  detail: Schema.String,
  retryable: Schema.Boolean,
  /** From `Retry-After`, when the server said. */
  retryAfterMs: Schema.optional(Schema.Number),
}) {}

export function classifyStatus(endpoint: string, status: number, retryAfter: string | undefined, detail: string): BirdeyeRequestError {
  const seconds = retryAfter === undefined ? Number.NaN : Number(retryAfter);
  const after = Number.isFinite(seconds) ? { retryAfterMs: seconds * 1000 } : {};
  if (status === 429) return new BirdeyeRequestError({ endpoint, reason: "rate_limited", status, detail, retryable: true, ...after });
  if (status >= 500) return new BirdeyeRequestError({ endpoint, reason: "server", status, detail, retryable: true, ...after });
  if (status === 401 || status === 403) return new BirdeyeRequestError({ endpoint, reason: "auth", status, detail, retryable: false });
  return new BirdeyeRequestError({ endpoint, reason: "client", status, detail, retryable: false });
}
