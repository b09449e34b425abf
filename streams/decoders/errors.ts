/** Feed payloads that do not decode: counted, logged by the caller, skipped. */
import { Schema } from "effect";

export class MarketDecodeError extends Schema.TaggedError<MarketDecodeError>()("MarketDecodeError", {
  /** What carried it: an account update or a transaction. */
  source: Schema.Literals(["account", "transaction"]),
  /** Account pubkey or transaction signature. */
  key: Schema.String,
  slot: Schema.Number,
  layout: Schema.String,
  reason: Schema.String,
  detail: Schema.String,
  retryable: Schema.Boolean,
}) {}
