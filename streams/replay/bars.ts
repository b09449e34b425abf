/**
 * Replay from stored bars, for ranges that have bars but no raw feed events (imported OHLCV,
 * `alphagpt sim --no-events`). Coarser than a feed replay, and said so: the position machines see
 * four price ticks per bar instead of every pool write, on the usual OHLC path assumption (open,
 * then the extreme against the bar's direction, then the one with it, then close: a stop is
 * tested before a take-profit in the same bar), and the scorer sees each bar at its close, as the
 * bar book would have closed it.
 *
 * Bars come a page at a time (keyset on (ts, mint), FINAL), one interval's bars across the
 * universe are replayed together: their opens at the bar's open time, the first extremes a third
 * in, the second two thirds in, the closes just before the end, then every bar at the close time.
 * Memory: a page of bars plus one interval's worth (bounded by the universe, not the range).
 */
import { Observable } from "rxjs";
import { WSOL_MINT } from "../../chain/layouts/programs.js";
import type { BarOutput } from "../bars/bar-book.js";
import type { Bar, Dex, PriceTick } from "../types.js";
import type { ReplayClock } from "./clock.js";
import { newReaderStats, type ReaderStats, type RowQuery } from "./readers.js";
import type { ReplayStats } from "./source.js";

export interface BarReader {
  next(): Promise<readonly Bar[] | null>;
  close(): Promise<void>;
  readonly stats: ReaderStats;
}

export interface BarReaderOptions {
  readonly intervalS: number;
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly pageSize?: number;
  /** Only bars of this source (`sim`, `geyser`, `geckoterminal`, ...); default all. */
  readonly source?: string;
}

const COLUMNS = "interval_s, mint, ts, open, high, low, close, volume, liquidity, fdv, trades, lowprec, source, version";

export function clickHouseBarReader(db: RowQuery, o: BarReaderOptions): BarReader {
  const pageSize = o.pageSize ?? 20_000;
  const stats = newReaderStats();
  const where = ["interval_s = {interval:UInt32}"];
  const base: Record<string, unknown> = { interval: o.intervalS, n: pageSize };
  if (o.fromMs !== undefined) {
    where.push("ts >= {from:Int64}");
    base["from"] = Math.ceil(o.fromMs / 1000);
  }
  if (o.toMs !== undefined) {
    where.push("ts < {to:Int64}");
    base["to"] = Math.ceil(o.toMs / 1000);
  }
  if (o.source !== undefined) {
    where.push("source = {source:String}");
    base["source"] = o.source;
  }
  let last: { ts: number; mint: string } | null = null;
  let done = false;
  return {
    stats,
    async next() {
      stats.held = 0;
      if (done) return null;
      const after = last === null ? "" : "AND (ts, mint) > ({lts:Int64}, {lmint:String})";
      const rows = await db.query<Bar>(
        `SELECT ${COLUMNS} FROM bars FINAL WHERE ${where.join(" AND ")} ${after} ORDER BY ts, mint LIMIT {n:UInt32}`,
        last === null ? base : { ...base, lts: last.ts, lmint: last.mint },
      );
      stats.pages++;
      stats.rows += rows.length;
      stats.held = rows.length;
      if (rows.length > stats.maxHeld) stats.maxHeld = rows.length;
      if (rows.length < pageSize) done = true;
      const tail = rows[rows.length - 1];
      if (tail !== undefined) last = { ts: tail.ts, mint: tail.mint };
      return rows.length === 0 ? null : rows;
    },
    async close() {
      done = true;
    },
  };
}

/** Bars already in memory (tests): sorted by (ts, mint), paged. */
export function arrayBarReader(bars: readonly Bar[], pageSize = 20_000): BarReader {
  const sorted = [...bars].sort((a, b) => a.ts - b.ts || (a.mint < b.mint ? -1 : a.mint > b.mint ? 1 : 0));
  const stats = newReaderStats();
  let at = 0;
  return {
    stats,
    async next() {
      if (at >= sorted.length) return null;
      const page = sorted.slice(at, at + pageSize);
      at += page.length;
      stats.pages++;
      stats.rows += page.length;
      stats.maxHeld = Math.max(stats.maxHeld, page.length);
      return page;
    },
    async close() {
      at = sorted.length;
    },
  };
}

export type BarReplayEvent = PriceTick | BarOutput;

export interface BarReplayOptions {
  readonly reader: BarReader;
  readonly clock: ReplayClock;
  /** USD per SOL at a time: bars are in USD, ticks in SOL. */
  readonly solUsd: (tsMs: number) => number;
  /** Pool depth assumed where a bar has no liquidity (USD). */
  readonly liquidityFallbackUsd: number;
  /** The venue the ticks name (its swap fee prices paper fills). */
  readonly dex: Dex;
  readonly pace?: () => Promise<unknown> | undefined;
  readonly stats?: ReplayStats;
}

/** Stored bars as price ticks and closed bars, on virtual time (see the module comment). */
export function replayBars(o: BarReplayOptions): Observable<BarReplayEvent> {
  return new Observable<BarReplayEvent>((subscriber) => {
    let stopped = false;
    /** Stands in for the write versions bars do not have: ticks stay distinct and ordered. */
    let writes = 0;
    const { clock } = o;
    const emitAt = async (t: number, e: BarReplayEvent, settle = true): Promise<void> => {
      while (!stopped && clock.nextDue() <= t) {
        clock.runNext(t);
        if (o.stats) o.stats.timers++;
        const p = o.pace?.();
        if (p !== undefined) await p;
      }
      clock.set(t);
      if (stopped) return;
      if (o.stats) {
        o.stats.events++;
        o.stats.firstMs ??= t;
        o.stats.lastMs = t;
      }
      subscriber.next(e);
      if (!settle) return;
      const p = o.pace?.();
      if (p !== undefined) await p;
    };
    const tick = (b: Bar, price: number, at: number): PriceTick => {
      const sol = o.solUsd(at);
      return {
        kind: "price", mint: b.mint, pool: b.mint, dex: o.dex, quoteMint: WSOL_MINT, slot: 0, writeVersion: ++writes, tsEvent: at, tsInit: at,
        price: price / sol, liquidity: (b.liquidity ?? o.liquidityFallbackUsd) / sol, fdv: b.fdv === null ? null : b.fdv / sol,
      };
    };
    /** One interval of bars: their intra-bar ticks in time order across mints, then the bars. */
    const interval = async (group: readonly Bar[]): Promise<void> => {
      const first = group[0];
      if (first === undefined) return;
      const t0 = first.ts * 1000;
      const len = first.interval_s * 1000;
      const legs = [0, Math.floor(len / 3), Math.floor((2 * len) / 3), len - 1];
      for (let leg = 0; leg < 4 && !stopped; leg++) {
        for (const b of group) {
          const up = b.close >= b.open;
          const price = leg === 0 ? b.open : leg === 3 ? b.close : (leg === 1) === up ? b.low : b.high;
          await emitAt(t0 + legs[leg]!, tick(b, price, t0 + legs[leg]!));
        }
      }
      // One close is one burst, as the bar book emits it: the scorer decides once, on all of them.
      for (let i = 0; i < group.length && !stopped; i++) await emitAt(t0 + len, { kind: "bar", bar: group[i]! }, i === group.length - 1);
    };
    const run = async (): Promise<void> => {
      try {
        let group: Bar[] = [];
        for (;;) {
          if (stopped) return;
          const page = await o.reader.next();
          if (page === null) break;
          for (const b of page) {
            if (o.stats) o.stats.rows++;
            if (group.length > 0 && group[0]!.ts !== b.ts) {
              await interval(group);
              group = [];
            }
            group.push(b);
          }
        }
        await interval(group);
        if (!stopped) subscriber.complete();
      } catch (e) {
        if (!stopped) subscriber.error(e);
      } finally {
        await o.reader.close().catch(() => undefined);
      }
    };
    void run();
    return () => {
      stopped = true;
    };
  });
}
