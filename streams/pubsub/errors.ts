/** PubSub adapter errors. */
import { Schema } from "effect";

/** A notification that does not match its documented shape: counted and skipped. */
export class PubSubDecodeError extends Schema.TaggedError<PubSubDecodeError>()("PubSubDecodeError", {
  channel: Schema.Literals(["account", "logs", "slot"]),
  detail: Schema.String,
  retryable: Schema.Boolean,
}) {}

/** The WebSocket failed or a subscription was refused; the source reconnects. */
export class PubSubConnectionError extends Schema.TaggedError<PubSubConnectionError>()("PubSubConnectionError", {
  detail: Schema.String,
  retryable: Schema.Boolean,
}) {}
