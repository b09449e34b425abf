/**
 * DexScreener domain requests: for many tokens, the pair with the most USD liquidity per base
 * token (upstream's rule), in calls of 30 addresses. Prices become numbers here.
 */
import { Effect } from "effect";
import type { Clock } from "../../core/clock.js";
import { MAX_ADDRESSES, type DexScreenerClient } from "./client.js";
import type { Pair } from "./wire.js";

export { makeDexScreenerClient, type DexScreenerClient, type DexScreenerClientConfig, type DexScreenerStats } from "./client.js";
export { DexScreenerRequestError } from "./errors.js";

export interface PairSnapshot {
  readonly mint: string;
  readonly pair: string;
  readonly dex: string;
  readonly priceUsd: number | null;
  readonly priceNative: number | null;
  readonly liquidityUsd: number | null;
  readonly fdvUsd: number | null;
  readonly marketCapUsd: number | null;
  readonly pairCreatedMs: number | null;
  readonly source: "dexscreener";
  readonly tsInit: number;
}

const num = (s: string | number | undefined): number | null => {
  const x = typeof s === "string" ? Number(s) : s;
  return x === undefined || !Number.isFinite(x) ? null : x;
};

export function parsePair(p: Pair, tsInit: number): PairSnapshot {
  return {
    mint: p.baseToken.address,
    pair: p.pairAddress,
    dex: p.dexId,
    priceUsd: num(p.priceUsd),
    priceNative: num(p.priceNative),
    liquidityUsd: num(p.liquidity?.usd),
    fdvUsd: num(p.fdv),
    marketCapUsd: num(p.marketCap),
    pairCreatedMs: num(p.pairCreatedAt),
    source: "dexscreener",
    tsInit,
  };
}

export const requestBestPairs = Effect.fn("DexScreener.requestBestPairs")(function* (client: DexScreenerClient, mints: readonly string[], clock: Clock) {
  const best = new Map<string, PairSnapshot>();
  for (let i = 0; i < mints.length; i += MAX_ADDRESSES) {
    const pairs = yield* client.tokensV1("solana", mints.slice(i, i + MAX_ADDRESSES));
    for (const p of pairs) {
      const s = parsePair(p, clock.now());
      const cur = best.get(s.mint);
      if (cur === undefined || (s.liquidityUsd ?? -1) > (cur.liquidityUsd ?? -1)) best.set(s.mint, s);
    }
  }
  return best;
});
