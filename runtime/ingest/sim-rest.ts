/**
 * The simulated market as Birdeye and DexScreener would report it at one moment (`asOfS`): the
 * data behind `alphagpt sync --loopback` and its tests. What a REST API would know then:
 *
 * - Birdeye `token_trending`: every token launched by then, ranked by USD volume over the last
 *   24 hours (ties by mint), with the price, liquidity and FDV of its newest bar.
 * - Birdeye `token_overview`: the same numbers per token (both shapes' fields the parser reads).
 * - Birdeye `ohlcv`: the simulator's bars with `ts <= asOfS` (so the bar still forming at `asOfS`
 *   is served too, as Birdeye would serve a partial one), o/h/l/c in USD and `v` in token units
 *   (volume USD / close), the documented Birdeye shape; only for the simulator's bar interval.
 * - DexScreener `tokens/v1`: one pair per token that trades in an AMM pool (migrated to PumpSwap,
 *   or launched on Raydium). Tokens still on their pump.fun curve are not listed, so a sync
 *   exercises its Birdeye overview fallback.
 */
import { WSOL_MINT } from "../../chain/layouts/programs.js";
import type { BirdeyeServerOptions, OhlcvItem } from "../../testkit/birdeye/server.js";
import type { DexScreenerServerOptions } from "../../testkit/dexscreener/server.js";
import { simulateMarket, type SimOptions } from "../../testkit/sim/index.js";
import type { BarRow } from "../storage/storage.js";

export interface SimRestToken {
  readonly mint: string;
  readonly symbol: string;
  readonly name: string;
  readonly decimals: number;
  readonly pool: string;
  readonly dex: string;
  readonly createdTs: number;
  readonly priceUsd: number;
  readonly priceSol: number;
  readonly liquidityUsd: number;
  readonly fdvUsd: number;
  readonly volume24hUsd: number;
  /** 1-based trending rank. */
  readonly rank: number;
}

export interface SimRestWorld {
  readonly asOfS: number;
  readonly intervalS: number;
  /** The simulated run, unix seconds [startS, endS). */
  readonly startS: number;
  readonly endS: number;
  /** Launched by `asOfS`, in trending order. */
  readonly tokens: readonly SimRestToken[];
  /** The simulator's bars per mint with `ts <= asOfS`, in time order. */
  readonly bars: ReadonlyMap<string, readonly BarRow[]>;
  /** Options for `startBirdeyeServer` (add `faults` as needed). */
  birdeye(apiKey: string): BirdeyeServerOptions;
  /** Options for `startDexScreenerServer`. */
  dexscreener(): DexScreenerServerOptions;
}

/** The end of the simulated run, unix seconds: the default `asOfS`. */
export function simEndS(sim: SimOptions): number {
  return Math.floor(simulateMarket(sim).endMs / 1000);
}

export function simRestWorld(sim: SimOptions, asOfS?: number): SimRestWorld {
  const market = simulateMarket(sim);
  const intervalS = market.options.barIntervalS;
  const startS = Math.floor(market.startMs / 1000);
  const endS = Math.floor(market.endMs / 1000);
  const asOf = asOfS ?? endS;
  const info = new Map(market.tokenRows.map((t) => [t.mint, { ...t }]));
  const bars = new Map<string, BarRow[]>();
  const solUsdAt = new Map<number, number>();
  for (const step of market.steps()) {
    if (step.startMs > asOf * 1000) break;
    solUsdAt.set(Math.floor(step.startMs / 1000), step.solUsd);
    for (const t of step.tokens) {
      const cur = info.get(t.mint);
      if (cur !== undefined && t.version >= cur.version) info.set(t.mint, { ...t });
    }
    for (const b of step.bars) {
      if (b.ts > asOf) continue;
      let list = bars.get(b.mint);
      if (list === undefined) bars.set(b.mint, (list = []));
      list.push(b);
    }
  }
  const tokens: Omit<SimRestToken, "rank">[] = [];
  for (const [mint, list] of bars) {
    const last = list.at(-1);
    const t = info.get(mint);
    if (last === undefined || t === undefined) continue;
    const dayAgo = asOf - 86_400;
    const volume24hUsd = list.reduce((s, b) => (b.ts > dayAgo ? s + b.volume : s), 0);
    const solUsd = solUsdAt.get(last.ts) ?? 150;
    tokens.push({
      mint,
      symbol: t.symbol,
      name: t.name,
      decimals: t.decimals,
      pool: t.pool,
      dex: t.dex,
      createdTs: t.created_ts,
      priceUsd: last.close,
      priceSol: last.close / solUsd,
      liquidityUsd: last.liquidity ?? 0,
      fdvUsd: last.fdv ?? 0,
      volume24hUsd,
    });
  }
  tokens.sort((a, b) => b.volume24hUsd - a.volume24hUsd || (a.mint < b.mint ? -1 : 1));
  const ranked: SimRestToken[] = tokens.map((t, i) => ({ ...t, rank: i + 1 }));
  const byMint = new Map(ranked.map((t) => [t.mint, t]));
  const type = birdeyeType(intervalS);

  return {
    asOfS: asOf,
    intervalS,
    startS,
    endS,
    tokens: ranked,
    bars,
    birdeye: (apiKey) => ({
      apiKey,
      trending: {
        total: ranked.length,
        tokens: ranked.map((t) => ({
          address: t.mint,
          symbol: t.symbol,
          name: t.name,
          decimals: t.decimals,
          liquidity: t.liquidityUsd,
          price: t.priceUsd,
          fdv: t.fdvUsd,
          marketcap: t.fdvUsd,
          volume24hUSD: t.volume24hUsd,
          rank: t.rank,
        })),
      },
      overview: (address) => {
        const t = byMint.get(address);
        if (t === undefined) return null;
        return { address, symbol: t.symbol, decimals: t.decimals, price: t.priceUsd, liquidity: t.liquidityUsd, fdv: t.fdvUsd, marketCap: t.fdvUsd, totalSupply: 1e9, v24hUSD: t.volume24hUsd };
      },
      ohlcv: (address, requested): readonly OhlcvItem[] => {
        if (requested !== type) return [];
        return (bars.get(address) ?? []).map((b) => ({ o: b.open, h: b.high, l: b.low, c: b.close, v: b.volume / b.close, unixTime: b.ts }));
      },
    }),
    dexscreener: () => ({
      pairs: ranked
        .filter((t) => t.dex !== "pumpfun")
        .map((t) => ({
          chainId: "solana",
          dexId: t.dex,
          url: `https://dexscreener.com/solana/${t.pool}`,
          pairAddress: t.pool,
          baseToken: { address: t.mint, name: t.name, symbol: t.symbol },
          quoteToken: { address: WSOL_MINT, name: "Wrapped SOL", symbol: "SOL" },
          priceNative: String(t.priceSol),
          priceUsd: String(t.priceUsd),
          liquidity: { usd: t.liquidityUsd },
          fdv: t.fdvUsd,
          marketCap: t.fdvUsd,
          pairCreatedAt: t.createdTs * 1000,
        })),
    }),
  };
}

const BIRDEYE_TYPES: Readonly<Record<number, string>> = {
  60: "1m",
  180: "3m",
  300: "5m",
  900: "15m",
  1800: "30m",
  3600: "1H",
  7200: "2H",
  14_400: "4H",
  21_600: "6H",
  28_800: "8H",
  43_200: "12H",
  86_400: "1D",
  259_200: "3D",
  604_800: "1W",
};

/** Birdeye's OHLCV `type` for a bar interval in seconds, or undefined where Birdeye has none. */
export function birdeyeType(intervalS: number): string | undefined {
  return BIRDEYE_TYPES[intervalS];
}
