/**
 * One REST sync, upstream's `pipeline_sync_daily` done right (upstream-alphagpt.md §2, §17 C2,
 * C5, H8):
 *
 * 1. Birdeye `token_trending`, paged with `offset` at the API's page cap (20) until the list
 *    ends or `maxCandidates` tokens were seen; a token repeated across pages is counted once.
 * 2. Liquidity and FDV per candidate: DexScreener's most liquid pair (30 addresses a call);
 *    where DexScreener has no pair or lacks a number, Birdeye `token_overview`; where that fails
 *    too, the trending entry's own numbers (and the failure is reported).
 * 3. The universe filters from config (`universe.minLiquidityUsd`, `minFdvUsd`, `maxFdvUsd`),
 *    each rejection counted under the first filter it fails, then the `maxTokens` cap.
 * 4. Kept tokens are upserted into `tokens` (version = the sync time, so the newest sync wins).
 * 5. OHLCV per kept token, incremental: from the bar after the newest stored one
 *    (`max(ts)` from `bars FINAL` for the interval, whichever source wrote it: a live ingest's bars
 *    are not overwritten), or `historyDays` back for a new token, up to
 *    the last bar closed at the sync time (a forming bar is never stored), paged by time across
 *    Birdeye's 1,000-record cap, each page written through the batched writer as it arrives.
 *
 * Requests go through each API's token bucket, with Effect retries (backoff, `Retry-After`) on
 * 429, 5xx, dropped connections and undecodable bodies, inside the clients. No lock is held
 * while waiting (upstream H8). A request that still fails is recorded with its reason and the
 * sync goes on with everything else; the report counts every token and bar, so nothing is
 * dropped silently.
 *
 * Stored bars: o/h/l/c as Birdeye's USD prices; `volume` in USD as Birdeye's `v` (token units)
 * times the bar's close; `trades` 0 (unknown); `source` "birdeye". Liquidity and FDV are what
 * the sync observed now, so they go on the newest bar only, and only when it is the bar that
 * closed at the sync time; older bars get null rather than a stale constant (upstream H2).
 */
import { Cause, Effect, Exit, ManagedRuntime } from "effect";
import { FetchHttpClient, type HttpClient } from "effect/http";
import type { BirdeyeClient, UniverseFilter } from "../../streams/birdeye/index.js";
import { OHLCV_MAX_RECORDS } from "../../streams/birdeye/index.js";
import type { OhlcvItem, TrendingToken } from "../../streams/birdeye/wire.js";
import { parseOverview } from "../../streams/birdeye/parse.js";
import { MAX_ADDRESSES } from "../../streams/dexscreener/client.js";
import { parsePair, type DexScreenerClient, type PairSnapshot } from "../../streams/dexscreener/index.js";
import type { FieldLogger } from "../log.js";
import type { BarRow, Storage, TokenRow } from "../storage/storage.js";

export interface SyncWriter<R> {
  push(rows: readonly R[]): Promise<void>;
}

export interface SyncDeps {
  readonly birdeye: BirdeyeClient;
  /** null: DexScreener is not configured; overviews only. */
  readonly dexscreener: DexScreenerClient | null;
  readonly storage: Pick<Storage, "query">;
  readonly tokens: SyncWriter<TokenRow>;
  readonly bars: SyncWriter<BarRow>;
  readonly log: FieldLogger;
  /** Called after each token's backfill. */
  readonly onProgress?: (done: number, total: number) => void;
}

export interface SyncParams {
  /** The sync time, unix seconds: bars closed by then are fetched. */
  readonly asOfS: number;
  readonly intervalS: number;
  /** Birdeye's OHLCV type for `intervalS` (`1m`, `15m`, `1H`, ...). */
  readonly birdeyeType: string;
  readonly historyDays: number;
  readonly filter: UniverseFilter;
  /** Most tokens kept (`universe.maxTokens`). */
  readonly maxTokens: number;
  /** Most trending candidates to page through. */
  readonly maxCandidates: number;
  /** Trending page size (Birdeye caps it at 20). */
  readonly pageSize: number;
  /** Tokens backfilled at once (the token bucket sets the request rate). */
  readonly concurrency: number;
}

export type RejectReason = "no liquidity or FDV data" | "liquidity below minimum" | "FDV below minimum" | "FDV above maximum" | "over universe.maxTokens";
export const REJECT_REASONS: readonly RejectReason[] = ["no liquidity or FDV data", "liquidity below minimum", "FDV below minimum", "FDV above maximum", "over universe.maxTokens"];

export interface FailedRequest {
  readonly api: "birdeye" | "dexscreener";
  readonly endpoint: string;
  /** What the request was for: a mint, a trending offset, a DexScreener chunk. */
  readonly target: string;
  readonly reason: string;
  readonly status: number;
  readonly detail: string;
}

export interface InvalidBar {
  readonly mint: string;
  readonly unixTime: number;
  readonly reason: string;
}

export interface TokenBackfill {
  readonly mint: string;
  readonly fromS: number;
  readonly toS: number;
  /** No request was needed: the stored bars already reach `toS`. */
  readonly upToDate: boolean;
  readonly requests: number;
  readonly fetched: number;
  readonly pushed: number;
  readonly invalid: number;
  readonly failed: boolean;
}

export interface SyncReport {
  readonly asOfS: number;
  readonly intervalS: number;
  /** Bars up to this open time were requested (the last bar closed at `asOfS`). */
  readonly lastClosedS: number;
  readonly trending: { readonly pages: number; readonly seen: number; readonly unique: number; readonly duplicates: number; readonly total: number | null; readonly complete: boolean };
  /** Where each candidate's liquidity and FDV came from. */
  readonly marketData: { readonly dexscreener: number; readonly overview: number; readonly trending: number };
  readonly kept: readonly string[];
  readonly rejected: Readonly<Record<RejectReason, number>>;
  readonly tokensUpserted: number;
  readonly backfills: readonly TokenBackfill[];
  readonly bars: { readonly fetched: number; readonly pushed: number; readonly invalid: number; readonly outsideWindow: number; readonly repeated: number; readonly requests: number; readonly upToDate: number; readonly newTokens: number };
  readonly invalidBars: readonly InvalidBar[];
  readonly failures: readonly FailedRequest[];
  readonly birdeye: { readonly requests: number; readonly retries: number; readonly rateLimited: number; readonly decodeErrors: number; readonly waitedMs: number };
  readonly dexscreener: { readonly requests: number; readonly retries: number; readonly decodeErrors: number } | null;
}

interface Candidate {
  readonly token: TrendingToken;
  liquidityUsd: number | null;
  fdvUsd: number | null;
  pair: PairSnapshot | null;
  source: "dexscreener" | "overview" | "trending";
}

type Outcome<A> = { readonly ok: true; readonly value: A } | { readonly ok: false; readonly reason: string; readonly status: number; readonly detail: string };

const num = (x: number | null | undefined): number | null => (x === undefined || x === null || !Number.isFinite(x) ? null : x);

export async function runSync(deps: SyncDeps, p: SyncParams): Promise<SyncReport> {
  const runtime = ManagedRuntime.make(FetchHttpClient.layer);
  try {
    return await syncWith(runtime, deps, p);
  } finally {
    await runtime.dispose();
  }
}

async function syncWith(runtime: ManagedRuntime.ManagedRuntime<HttpClient.HttpClient, never>, deps: SyncDeps, p: SyncParams): Promise<SyncReport> {
  const { birdeye, dexscreener, log } = deps;
  const failures: FailedRequest[] = [];
  const call = async <A, E extends { reason?: string; status?: number; detail?: string }>(eff: Effect.Effect<A, E, HttpClient.HttpClient>): Promise<Outcome<A>> => {
    const exit = await runtime.runPromiseExit(eff);
    if (Exit.isSuccess(exit)) return { ok: true, value: exit.value };
    const err = Cause.squash(exit.cause) as E & { message?: string };
    const tagged = typeof err === "object" && err !== null && "reason" in err;
    return tagged
      ? { ok: false, reason: String(err.reason), status: Number(err.status ?? 0), detail: String(err.detail ?? "") }
      : { ok: false, reason: "defect", status: 0, detail: err instanceof Error ? err.message : String(err) };
  };
  const fail = (f: FailedRequest): void => {
    failures.push(f);
    log.warn("sync request failed", { ...f });
  };

  // 1. Trending, paged.
  const byMint = new Map<string, Candidate>();
  let pages = 0;
  let seen = 0;
  let total: number | null = null;
  let complete = false;
  const pageSize = Math.max(1, Math.min(p.pageSize, 20));
  for (let offset = 0; byMint.size < p.maxCandidates; offset += pageSize) {
    const limit = Math.min(pageSize, p.maxCandidates - byMint.size);
    const r = await call(birdeye.tokenTrending({ offset, limit }));
    if (!r.ok) {
      fail({ api: "birdeye", endpoint: "/defi/token_trending", target: `offset ${offset}`, reason: r.reason, status: r.status, detail: r.detail });
      break;
    }
    pages++;
    total = num(r.value.total);
    for (const t of r.value.tokens) {
      seen++;
      // A page never holds more than the candidates still wanted, so a skip here is a repeat.
      if (byMint.has(t.address)) continue;
      byMint.set(t.address, { token: t, liquidityUsd: num(t.liquidity), fdvUsd: num(t.fdv), pair: null, source: "trending" });
    }
    if (r.value.tokens.length < limit) {
      complete = true;
      break;
    }
  }
  const candidates = [...byMint.values()];

  // 2. Liquidity and FDV: DexScreener, then Birdeye overview.
  const mints = candidates.map((c) => c.token.address);
  if (dexscreener !== null) {
    for (let i = 0; i < mints.length; i += MAX_ADDRESSES) {
      const chunk = mints.slice(i, i + MAX_ADDRESSES);
      const r = await call(dexscreener.tokensV1("solana", chunk));
      if (!r.ok) {
        fail({ api: "dexscreener", endpoint: "/tokens/v1/solana", target: `${chunk.length} tokens from #${i + 1}`, reason: r.reason, status: r.status, detail: r.detail });
        continue;
      }
      for (const pair of r.value) {
        if (pair.chainId !== "solana") continue;
        const s = parsePair(pair, 0);
        const c = byMint.get(s.mint);
        if (c !== undefined && (c.pair === null || (s.liquidityUsd ?? -1) > (c.pair.liquidityUsd ?? -1))) c.pair = s;
      }
    }
  }
  for (const c of candidates) {
    if (c.pair !== null && c.pair.liquidityUsd !== null && c.pair.fdvUsd !== null) {
      c.liquidityUsd = c.pair.liquidityUsd;
      c.fdvUsd = c.pair.fdvUsd;
      c.source = "dexscreener";
      continue;
    }
    const r = await call(birdeye.tokenOverview(c.token.address));
    if (!r.ok) {
      fail({ api: "birdeye", endpoint: "/defi/token_overview", target: c.token.address, reason: r.reason, status: r.status, detail: r.detail });
      // Fall back on what is known, DexScreener's numbers first, and say so in the report.
      c.liquidityUsd = c.pair?.liquidityUsd ?? c.liquidityUsd;
      c.fdvUsd = c.pair?.fdvUsd ?? c.fdvUsd;
      c.source = c.pair !== null ? "dexscreener" : "trending";
      continue;
    }
    const o = parseOverview(r.value, 0);
    c.liquidityUsd = c.pair?.liquidityUsd ?? o.liquidityUsd;
    c.fdvUsd = c.pair?.fdvUsd ?? o.fdvUsd;
    c.source = "overview";
  }

  // 3. The universe filters.
  const rejected = Object.fromEntries(REJECT_REASONS.map((r) => [r, 0])) as Record<RejectReason, number>;
  const kept: Candidate[] = [];
  for (const c of candidates) {
    const reason = rejectReason(c, p.filter);
    if (reason !== null) rejected[reason]++;
    else if (kept.length >= p.maxTokens) rejected["over universe.maxTokens"]++;
    else kept.push(c);
  }

  // 4. Upsert the kept tokens.
  const tokenRows: TokenRow[] = kept.map((c) => ({
    mint: c.token.address,
    symbol: c.token.symbol ?? "",
    name: c.token.name ?? "",
    decimals: num(c.token.decimals) ?? 6,
    pool: c.pair?.pair ?? "",
    dex: c.pair?.dex ?? "",
    created_ts: c.pair?.pairCreatedMs === null || c.pair === null ? 0 : Math.floor(c.pair.pairCreatedMs / 1000),
    source: "birdeye",
    version: p.asOfS,
  }));
  if (tokenRows.length > 0) await deps.tokens.push(tokenRows);

  // 5. Incremental OHLCV.
  const I = p.intervalS;
  const lastClosedS = Math.floor(p.asOfS / I) * I - I;
  const historyFromS = Math.ceil((p.asOfS - p.historyDays * 86_400) / I) * I;
  const stored = new Map<string, number>();
  if (kept.length > 0) {
    const rows = await deps.storage.query<{ mint: string; last: number }>(
      "SELECT mint, max(ts) AS last FROM bars FINAL WHERE interval_s = {i:UInt32} AND has({m:Array(String)}, mint) GROUP BY mint",
      { i: I, m: kept.map((c) => c.token.address) },
    );
    for (const r of rows) stored.set(r.mint, Number(r.last));
  }
  const invalidBars: InvalidBar[] = [];
  let outsideWindow = 0;
  let repeated = 0;
  const backfills: TokenBackfill[] = new Array<TokenBackfill>(kept.length);
  let done = 0;

  const backfill = async (c: Candidate): Promise<TokenBackfill> => {
    const mint = c.token.address;
    const last = stored.get(mint);
    const fromS = last === undefined ? historyFromS : last + I;
    const toS = lastClosedS;
    let requests = 0;
    let fetched = 0;
    let pushed = 0;
    let invalid = 0;
    let failed = false;
    /** The newest valid row is held back until the end: it may get the snapshot. */
    let held: BarRow | null = null;
    const push = async (rows: BarRow[]): Promise<void> => {
      if (rows.length === 0) return;
      await deps.bars.push(rows);
      pushed += rows.length;
    };
    let from = fromS;
    while (from <= toS) {
      const r = await call(birdeye.ohlcv({ address: mint, type: p.birdeyeType, timeFrom: from, timeTo: toS }));
      requests++;
      if (!r.ok) {
        fail({ api: "birdeye", endpoint: "/defi/ohlcv", target: `${mint} from ${from}`, reason: r.reason, status: r.status, detail: r.detail });
        failed = true;
        break;
      }
      const items = [...r.value.items].sort((a, b) => a.unixTime - b.unixTime);
      const rows: BarRow[] = [];
      let newest: number | null = null;
      for (const it of items) {
        if (it.unixTime < from || it.unixTime > toS) {
          outsideWindow++;
          continue;
        }
        if (newest !== null && it.unixTime === newest) {
          repeated++;
          continue;
        }
        newest = it.unixTime;
        fetched++;
        const why = invalidReason(it, I);
        if (why !== null) {
          invalid++;
          invalidBars.push({ mint, unixTime: it.unixTime, reason: why });
          continue;
        }
        if (held !== null) rows.push(held);
        held = barRow(mint, it, I);
      }
      await push(rows);
      if (r.value.items.length < OHLCV_MAX_RECORDS) break;
      // A full page: continue after its newest bar. One that does not move us on would loop.
      if (newest === null || newest + I <= from) {
        fail({ api: "birdeye", endpoint: "/defi/ohlcv", target: `${mint} from ${from}`, reason: "paging", status: 200, detail: `a full page of ${OHLCV_MAX_RECORDS} records did not advance past ${from}` });
        failed = true;
        break;
      }
      from = newest + I;
    }
    if (held !== null) {
      const snap = held.ts === toS && !failed ? { liquidity: c.liquidityUsd, fdv: c.fdvUsd } : {};
      await push([{ ...held, ...snap }]);
    }
    return { mint, fromS, toS, upToDate: requests === 0, requests, fetched, pushed, invalid, failed };
  };

  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < kept.length) {
      const i = next++;
      backfills[i] = await backfill(kept[i] as Candidate);
      deps.onProgress?.(++done, kept.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(p.concurrency, kept.length)) }, worker));

  const sum = (f: (b: TokenBackfill) => number): number => backfills.reduce((s, b) => s + f(b), 0);
  return {
    asOfS: p.asOfS,
    intervalS: I,
    lastClosedS,
    trending: { pages, seen, unique: byMint.size, duplicates: seen - byMint.size, total, complete },
    marketData: {
      dexscreener: candidates.filter((c) => c.source === "dexscreener").length,
      overview: candidates.filter((c) => c.source === "overview").length,
      trending: candidates.filter((c) => c.source === "trending").length,
    },
    kept: kept.map((c) => c.token.address),
    rejected,
    tokensUpserted: tokenRows.length,
    backfills,
    bars: {
      fetched: sum((b) => b.fetched),
      pushed: sum((b) => b.pushed),
      invalid: sum((b) => b.invalid),
      outsideWindow,
      repeated,
      requests: sum((b) => b.requests),
      upToDate: backfills.filter((b) => b.upToDate).length,
      newTokens: backfills.filter((b) => !stored.has(b.mint)).length,
    },
    invalidBars,
    failures,
    birdeye: { requests: birdeye.stats.requests, retries: birdeye.stats.retries, rateLimited: birdeye.stats.rateLimited, decodeErrors: birdeye.stats.decodeErrors, waitedMs: birdeye.bucket.waitedMs },
    dexscreener: dexscreener === null ? null : { ...dexscreener.stats },
  };
}

function rejectReason(c: Candidate, f: UniverseFilter): RejectReason | null {
  if (c.liquidityUsd === null || c.fdvUsd === null) return "no liquidity or FDV data";
  if (c.liquidityUsd < f.minLiquidityUsd) return "liquidity below minimum";
  if (c.fdvUsd < f.minFdvUsd) return "FDV below minimum";
  if (f.maxFdvUsd > 0 && c.fdvUsd > f.maxFdvUsd) return "FDV above maximum";
  return null;
}

function invalidReason(it: OhlcvItem, intervalS: number): string | null {
  const { o, h, l, c, v } = it;
  if (![o, h, l, c, v].every(Number.isFinite)) return "a non-finite value";
  if (!(o > 0 && h > 0 && l > 0 && c > 0)) return "a price <= 0";
  if (h < Math.max(o, c, l) || l > Math.min(o, c)) return "high/low do not bound open/close";
  if (v < 0) return "negative volume";
  if (it.unixTime % intervalS !== 0) return `time not on the ${intervalS}s grid`;
  return null;
}

function barRow(mint: string, it: OhlcvItem, intervalS: number): BarRow {
  return { interval_s: intervalS, mint, ts: it.unixTime, open: it.o, high: it.h, low: it.l, close: it.c, volume: it.v * it.c, liquidity: null, fdv: null, trades: 0, lowprec: 0, source: "birdeye", version: 1 };
}
