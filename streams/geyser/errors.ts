/**
 * Geyser adapter errors, classified here only (STYLE "errors"): what the source retries, what it
 * reports, what it counts and skips.
 */
import { Schema } from "effect";

/** An update that does not have the shape we need: counted and skipped. */
export class GeyserDecodeError extends Schema.TaggedError<GeyserDecodeError>()("GeyserDecodeError", {
  update: Schema.String,
  reason: Schema.String,
  slot: Schema.Number,
  retryable: Schema.Boolean,
}) {}

/** The stream failed or ended; the source reconnects until its attempts run out. */
export class GeyserConnectionError extends Schema.TaggedError<GeyserConnectionError>()("GeyserConnectionError", {
  reason: Schema.Literals(["connect", "stream", "ended", "stale", "rejected"]),
  detail: Schema.String,
  retryable: Schema.Boolean,
}) {}

/** The message a loopback (or real) server uses when `from_slot` is older than its buffer. */
export const FROM_SLOT_UNAVAILABLE = /from_slot (\d+) is not available.*first available slot:? (\d+)/;

/** The napi client wraps the gRPC status in a chain of causes: join them all. */
export function errorText(err: unknown): string {
  const parts: string[] = [];
  let e: unknown = err;
  for (let i = 0; i < 8 && e !== undefined && e !== null; i++) {
    parts.push(e instanceof Error ? e.message : String(e));
    e = e instanceof Error ? (e as Error & { cause?: unknown }).cause : undefined;
  }
  return parts.join(": ");
}

export function classifyGeyserError(err: unknown): GeyserConnectionError {
  const detail = errorText(err);
  if (FROM_SLOT_UNAVAILABLE.test(detail)) return new GeyserConnectionError({ reason: "rejected", detail, retryable: true });
  if (/unauthenticated|permission denied|x-token/i.test(detail)) return new GeyserConnectionError({ reason: "rejected", detail, retryable: false });
  if (/connect|transport|unavailable|refused|dns/i.test(detail)) return new GeyserConnectionError({ reason: "connect", detail, retryable: true });
  return new GeyserConnectionError({ reason: "stream", detail, retryable: true });
}
