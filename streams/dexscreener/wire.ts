/**
 * DexScreener pair objects (solana-wire.md §2). Field presence varies by capture and age
 * (`marketCap`, `fdv`, `liquidity`, `info`, windows), so all but the identity are optional.
 * Prices are strings.
 */
import { Schema } from "effect";

const Token = Schema.Struct({ address: Schema.String, name: Schema.optional(Schema.String), symbol: Schema.optional(Schema.String) });

export const Pair = Schema.Struct({
  chainId: Schema.String,
  dexId: Schema.String,
  pairAddress: Schema.String,
  baseToken: Token,
  quoteToken: Token,
  priceNative: Schema.optional(Schema.String),
  priceUsd: Schema.optional(Schema.String),
  liquidity: Schema.optional(Schema.Struct({ usd: Schema.optional(Schema.Number), base: Schema.optional(Schema.Number), quote: Schema.optional(Schema.Number) })),
  fdv: Schema.optional(Schema.Number),
  marketCap: Schema.optional(Schema.Number),
  pairCreatedAt: Schema.optional(Schema.Number),
  labels: Schema.optional(Schema.Array(Schema.String)),
});
export type Pair = typeof Pair.Type;

/** `/tokens/v1/{chain}/{addresses}` answers a bare array. */
export const PairArray = Schema.Array(Pair);
