/**
 * Birdeye domain requests: the trending universe through the config's liquidity and FDV filters,
 * token overviews, and OHLCV over any time range, paged by time around the 1,000-record cap (the
 * upstream bug: it asked once and silently kept the first 1,000).
 */
import { Effect } from "effect";
import type { Clock } from "../../core/clock.js";
import type { BirdeyeClient } from "./client.js";
import { parseOverview, parseTrendingToken, passesUniverse, type TokenSnapshot, type UniverseFilter } from "./parse.js";
import type { OhlcvItem } from "./wire.js";

export { makeBirdeyeClient, type BirdeyeClient, type BirdeyeClientConfig, type BirdeyeStats } from "./client.js";
export { BirdeyeRequestError } from "./errors.js";
export { passesUniverse, type TokenSnapshot, type UniverseFilter } from "./parse.js";

/** Records per OHLCV response (solana-wire.md §1.1). */
export const OHLCV_MAX_RECORDS = 1000;

const INTERVAL_S: Readonly<Record<string, number>> = { "1m": 60, "3m": 180, "5m": 300, "15m": 900, "30m": 1800, "1H": 3600, "2H": 7200, "4H": 14_400, "6H": 21_600, "8H": 28_800, "12H": 43_200, "1D": 86_400, "3D": 259_200, "1W": 604_800 };

export function intervalSeconds(type: string): number {
  const s = INTERVAL_S[type];
  if (s === undefined) throw new RangeError(`unknown OHLCV type ${type}`);
  return s;
}

/** Every bar in [fromS, toS], as many pages as it takes; a bar is never returned twice. */
export const requestOhlcv = Effect.fn("Birdeye.requestOhlcv")(function* (client: BirdeyeClient, p: { address: string; type: string; fromS: number; toS: number }) {
  const step = intervalSeconds(p.type);
  const byTime = new Map<number, OhlcvItem>();
  let from = p.fromS;
  let pages = 0;
  while (from <= p.toS) {
    const page = yield* client.ohlcv({ address: p.address, type: p.type, timeFrom: from, timeTo: p.toS });
    pages++;
    const items = page.items.filter((i) => i.unixTime >= from && i.unixTime <= p.toS);
    for (const i of items) byTime.set(i.unixTime, i);
    if (page.items.length < OHLCV_MAX_RECORDS) break;
    const last = items.at(-1);
    // A full page whose last bar does not move us forward would loop: stop and say so.
    if (last === undefined || last.unixTime + step <= from) return yield* Effect.die(new Error(`Birdeye OHLCV paging stuck at ${from}`));
    from = last.unixTime + step;
  }
  return { items: [...byTime.values()].sort((a, b) => a.unixTime - b.unixTime), pages };
});

/** Trending tokens, 20 a page, up to `limit`, through the universe filter. */
export const requestUniverse = Effect.fn("Birdeye.requestUniverse")(function* (client: BirdeyeClient, p: { limit: number; filter: UniverseFilter; clock: Clock }) {
  const seen: TokenSnapshot[] = [];
  for (let offset = 0; offset < p.limit; offset += 20) {
    const data = yield* client.tokenTrending({ offset, limit: Math.min(20, p.limit - offset) });
    for (const t of data.tokens) seen.push(parseTrendingToken(t, p.clock.now()));
    if (data.tokens.length < 20) break;
  }
  return { all: seen, passing: seen.filter((s) => passesUniverse(s, p.filter)) };
});

export const requestOverview = Effect.fn("Birdeye.requestOverview")(function* (client: BirdeyeClient, address: string, clock: Clock) {
  return parseOverview(yield* client.tokenOverview(address), clock.now());
});
