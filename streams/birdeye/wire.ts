/**
 * Birdeye response bodies (solana-wire.md §1) with Birdeye's field names. Only what we read is
 * declared; fields that come and go between API generations are optional or nullable.
 */
import { Schema } from "effect";

const OptNum = Schema.optional(Schema.NullOr(Schema.Number));

export const TrendingToken = Schema.Struct({
  address: Schema.String,
  symbol: Schema.optional(Schema.NullOr(Schema.String)),
  name: Schema.optional(Schema.NullOr(Schema.String)),
  decimals: OptNum,
  liquidity: OptNum,
  price: OptNum,
  fdv: OptNum,
  marketcap: OptNum,
  volume24hUSD: OptNum,
  rank: OptNum,
});
export type TrendingToken = typeof TrendingToken.Type;

export const TrendingData = Schema.Struct({ tokens: Schema.Array(TrendingToken), total: OptNum, updateUnixTime: OptNum });

/** Both shapes: 2025 (`marketCap`, `fdv`, `totalSupply`) and 2024 (`mc`, `supply`). */
export const OverviewData = Schema.Struct({
  address: Schema.String,
  symbol: Schema.optional(Schema.NullOr(Schema.String)),
  decimals: OptNum,
  price: OptNum,
  liquidity: OptNum,
  fdv: OptNum,
  marketCap: OptNum,
  mc: OptNum,
  totalSupply: OptNum,
  supply: OptNum,
  v24hUSD: OptNum,
});
export type OverviewData = typeof OverviewData.Type;

export const OhlcvItem = Schema.Struct({ o: Schema.Number, h: Schema.Number, l: Schema.Number, c: Schema.Number, v: Schema.Number, unixTime: Schema.Number });
export type OhlcvItem = typeof OhlcvItem.Type;

export const OhlcvData = Schema.Struct({ items: Schema.Array(OhlcvItem) });

/** `{success, data}` or `{success:false, message}`. */
export const envelope = <S extends Schema.Top>(data: S) =>
  Schema.Struct({ success: Schema.Boolean, data: Schema.optional(data), message: Schema.optional(Schema.String) });
