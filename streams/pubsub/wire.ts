/**
 * Solana PubSub notification payloads (solana-wire.md §5), as `@solana/kit` hands them over:
 * JSON with u64s as bigint. Only the fields we read are declared; others are ignored.
 */
import { Schema } from "effect";

const U64 = Schema.Union([Schema.BigInt, Schema.Number]);

export const AccountNotification = Schema.Struct({
  context: Schema.Struct({ slot: U64 }),
  value: Schema.Struct({
    data: Schema.Tuple([Schema.String, Schema.Literal("base64")]),
    owner: Schema.String,
    lamports: U64,
  }),
});

export const LogsNotification = Schema.Struct({
  context: Schema.Struct({ slot: U64 }),
  value: Schema.Struct({ signature: Schema.String, err: Schema.Unknown, logs: Schema.NullOr(Schema.Array(Schema.String)) }),
});

/** No `context` wrapper on this one. */
export const SlotNotification = Schema.Struct({ slot: U64, parent: U64, root: U64 });
