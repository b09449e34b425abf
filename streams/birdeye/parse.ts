/** Birdeye payloads → domain values: one snapshot shape for trending and overview (both API generations). */
import type { OverviewData, TrendingToken } from "./wire.js";

export interface TokenSnapshot {
  readonly mint: string;
  readonly symbol: string;
  readonly priceUsd: number | null;
  readonly liquidityUsd: number | null;
  readonly fdvUsd: number | null;
  readonly marketCapUsd: number | null;
  readonly volume24hUsd: number | null;
  readonly source: "birdeye";
  /** Our clock when it was received. */
  readonly tsInit: number;
}

const n = (x: number | null | undefined): number | null => (x === undefined || x === null || !Number.isFinite(x) ? null : x);

export function parseTrendingToken(t: TrendingToken, tsInit: number): TokenSnapshot {
  return { mint: t.address, symbol: t.symbol ?? "", priceUsd: n(t.price), liquidityUsd: n(t.liquidity), fdvUsd: n(t.fdv), marketCapUsd: n(t.marketcap), volume24hUsd: n(t.volume24hUSD), source: "birdeye", tsInit };
}

/** The 2024 shape has `mc` and `supply` but no `fdv`: FDV is then price × supply. */
export function parseOverview(o: OverviewData, tsInit: number): TokenSnapshot {
  const price = n(o.price);
  const supply = n(o.totalSupply) ?? n(o.supply);
  const fdv = n(o.fdv) ?? (price !== null && supply !== null ? price * supply : null);
  return { mint: o.address, symbol: o.symbol ?? "", priceUsd: price, liquidityUsd: n(o.liquidity), fdvUsd: fdv, marketCapUsd: n(o.marketCap) ?? n(o.mc), volume24hUsd: n(o.v24hUSD), source: "birdeye", tsInit };
}

export interface UniverseFilter {
  readonly minLiquidityUsd: number;
  readonly minFdvUsd: number;
  /** 0 = no cap. */
  readonly maxFdvUsd: number;
}

/** The ingestion filter from config (`universe.*`): unknown liquidity or FDV does not pass. */
export function passesUniverse(s: TokenSnapshot, f: UniverseFilter): boolean {
  if (s.liquidityUsd === null || s.fdvUsd === null) return false;
  return s.liquidityUsd >= f.minLiquidityUsd && s.fdvUsd >= f.minFdvUsd && (f.maxFdvUsd === 0 || s.fdvUsd <= f.maxFdvUsd);
}
