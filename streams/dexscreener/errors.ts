/** DexScreener request failures: 429 and 5xx, drops and undecodable bodies retry; other 4xx do not. */
import { Schema } from "effect";

export class DexScreenerRequestError extends Schema.TaggedError<DexScreenerRequestError>()("DexScreenerRequestError", {
  endpoint: Schema.String,
  reason: Schema.Literals(["rate_limited", "server", "client", "transport", "decode"]),
  status: Schema.Number,
  detail: Schema.String,
  retryable: Schema.Boolean,
  retryAfterMs: Schema.optional(Schema.Number),
}) {}

export function classifyStatus(endpoint: string, status: number, retryAfter: string | undefined): DexScreenerRequestError {
  const seconds = retryAfter === undefined ? Number.NaN : Number(retryAfter);
  const after = Number.isFinite(seconds) ? { retryAfterMs: seconds * 1000 } : {};
  if (status === 429) return new DexScreenerRequestError({ endpoint, reason: "rate_limited", status, detail: "HTTP 429", retryable: true, ...after });
  if (status >= 500) return new DexScreenerRequestError({ endpoint, reason: "server", status, detail: `HTTP ${status}`, retryable: true, ...after });
  return new DexScreenerRequestError({ endpoint, reason: "client", status, detail: `HTTP ${status}`, retryable: false });
}
