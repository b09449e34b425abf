/**
 * A live ingest: one feed (Geyser or PubSub) → raw `feed_events`, decoded `price_ticks` and
 * closed `bars` in ClickHouse, through batched writers. The stream never waits on a writer
 * (`sinkTo` hands rows over and moves on; a rejected push is counted), so a slow or absent
 * ClickHouse never stalls decoding or bar closing: the writers buffer, retry and spool.
 *
 * It ends when the feed ends (the source completes, or `endsAt`: the loopback Geyser market's
 * last slot): then pending pools are flushed and every open bar closes and is written. Or on
 * `stop(reason)` (a signal, `--duration`): the subscription is dropped at once and bars still
 * open are not written, since they are incomplete (the summary says how many); everything
 * already handed to the writers is flushed by the caller's `close()`.
 */
import { identity, Observable, takeWhile, tap, type Subscription } from "rxjs";
import { BarBook, type BarOptions } from "../../streams/bars/bar-book.js";
import type { MarketDecoder } from "../../streams/decoders/market-decoder.js";
import { aggregateBars } from "../../streams/operators/aggregate-bars.js";
import type { CoalesceStats } from "../../streams/operators/coalesce-latest.js";
import { coalesceMarket } from "../../streams/operators/coalesce-market.js";
import { decodeMarket } from "../../streams/operators/decode-market.js";
import { sinkTo, type SinkStats } from "../../streams/operators/sink.js";
import { barRows, lateEventRows, priceTickRow } from "../../streams/sinks/rows.js";
import type { FeedEvent, MarketEvent } from "../../streams/types.js";
import type { BatchedWriter, WriterStats } from "../storage/batched-writer.js";
import { rawFeedRows } from "./feed-rows.js";

/** What any source reports, in one shape. */
export interface SourceCounters {
  readonly connects: number;
  readonly disconnects: number;
  readonly gaps: number;
  readonly decodeErrors: number;
  readonly duplicates: number;
  readonly stale: number;
  readonly lastSlot: number;
}

export interface IngestSource {
  /** `geyser` or `pubsub`: row kinds, tick and bar `source`. */
  readonly name: string;
  readonly feed: Observable<FeedEvent>;
  readonly counters: () => SourceCounters;
  /**
   * The feed is complete after this event (inclusive): the loopback Geyser market's last slot.
   * Only for a source that delivers in order; a finite source that cannot promise an order
   * (PubSub, one queue per subscription) completes its feed itself instead.
   */
  readonly endsAt?: (e: FeedEvent) => boolean;
}

export interface IngestWriters {
  readonly events: BatchedWriter;
  readonly ticks: BatchedWriter;
  readonly bars: BatchedWriter;
}

export interface IngestOptions {
  readonly source: IngestSource;
  readonly decoder: MarketDecoder;
  readonly usd: BarOptions["usd"];
  readonly intervalS: number;
  /** How long past its end a bar waits for late events. */
  readonly graceMs: number;
  /** Close bars by the clock too (live), not only by event time (replay, loopback). */
  readonly clockWatermark: boolean;
  /** Coalesce price ticks per mint over this window before they are stored and barred. */
  readonly coalesceWindowMs?: number;
  /** Only these mints' market events go on (a firehose subscription, e.g. PubSub program logs). */
  readonly mints?: ReadonlySet<string>;
  readonly writers: IngestWriters;
  /** Wall clock (ms) for staleness and rates. */
  readonly now: () => number;
  readonly onSinkError?: (table: string, err: unknown) => void;
}

export interface IngestSnapshot {
  readonly source: string;
  readonly atMs: number;
  readonly events: number;
  readonly accounts: number;
  readonly transactions: number;
  readonly slotUpdates: number;
  readonly firstSlot: number;
  readonly lastSlot: number;
  readonly connects: number;
  readonly reconnects: number;
  readonly gaps: number;
  readonly duplicates: number;
  readonly sourceDecodeErrors: number;
  readonly decoderErrors: number;
  readonly stale: number;
  readonly priceTicks: number;
  readonly trades: number;
  readonly outsideUniverse: number;
  readonly coalesced: number;
  readonly barsClosed: number;
  readonly corrections: number;
  readonly late: number;
  readonly unpriced: number;
  /** Rows handed to writers and pushes they rejected. */
  readonly rowsHanded: number;
  readonly sinkFailures: number;
  readonly writers: { readonly events: WriterStats; readonly ticks: WriterStats; readonly bars: WriterStats };
  /** Wall time of the newest feed event, or null before the first. */
  readonly lastEventAtMs: number | null;
}

export type IngestEnd = { readonly reason: string; readonly error?: unknown };

export interface RunningIngest {
  /** Resolves when the feed ends, fails or is stopped. */
  readonly done: Promise<IngestEnd>;
  stop(reason: string): void;
  snapshot(): IngestSnapshot;
}

export function startIngest(o: IngestOptions): RunningIngest {
  const src = o.source;
  const n = { events: 0, accounts: 0, transactions: 0, slotUpdates: 0, firstSlot: -1, lastSlot: -1, priceTicks: 0, trades: 0, outside: 0, lastEventAtMs: null as number | null };
  const sinks: Record<"events" | "ticks" | "bars" | "late", SinkStats> = {
    events: { rows: 0, pushes: 0, failures: 0 },
    ticks: { rows: 0, pushes: 0, failures: 0 },
    bars: { rows: 0, pushes: 0, failures: 0 },
    late: { rows: 0, pushes: 0, failures: 0 },
  };
  const coalesceStats: CoalesceStats = { merged: 0, evicted: 0 };
  const book = new BarBook({ intervalS: o.intervalS, graceMs: o.graceMs, usd: o.usd, source: src.name });
  const rows = rawFeedRows(src.name, (pk) => o.decoder.registry.mintOfCurve(pk));
  const onError = (table: string) => (err: unknown) => o.onSinkError?.(table, err);

  const countFeed = (e: FeedEvent): void => {
    if (e.kind === "status") return;
    n.events++;
    n.lastEventAtMs = o.now();
    if (e.kind === "account") n.accounts++;
    else if (e.kind === "transaction") n.transactions++;
    else if (e.kind === "slot") n.slotUpdates++;
    if (e.kind === "account" || e.kind === "transaction" || e.kind === "slot") {
      if (n.firstSlot < 0 || e.update.slot < n.firstSlot) n.firstSlot = e.update.slot;
      if (e.update.slot > n.lastSlot) n.lastSlot = e.update.slot;
    }
  };
  const inUniverse = (e: MarketEvent): boolean => {
    if (o.mints === undefined || o.mints.has(e.mint)) return true;
    n.outside++;
    return false;
  };
  const countMarket = (e: MarketEvent): void => {
    if (e.kind === "price") n.priceTicks++;
    else n.trades++;
  };

  let stopReason: string | null = null;
  let sub: Subscription | undefined;
  let settle!: (end: IngestEnd) => void;
  const done = new Promise<IngestEnd>((resolve) => (settle = resolve));
  const universe = (source: Observable<MarketEvent>): Observable<MarketEvent> =>
    new Observable<MarketEvent>((s) => source.subscribe({ next: (e) => (inUniverse(e) ? s.next(e) : undefined), error: (e: unknown) => s.error(e), complete: () => s.complete() }));

  sub = src.feed
    .pipe(
      takeWhile((e) => !(src.endsAt?.(e) ?? false), true),
      tap(countFeed),
      sinkTo({ writer: o.writers.events, toRows: rows, onError: onError("feed_events") }, sinks.events),
      decodeMarket(o.decoder),
      o.mints === undefined ? identity : universe,
      o.coalesceWindowMs === undefined ? identity : coalesceMarket({ windowMs: o.coalesceWindowMs, barIntervalS: o.intervalS }, coalesceStats),
      tap(countMarket),
      sinkTo<MarketEvent, object>({ writer: o.writers.ticks, toRows: (e) => (e.kind === "price" ? [priceTickRow(e, src.name)] : []), onError: onError("price_ticks") }, sinks.ticks),
      aggregateBars({ intervalS: o.intervalS, graceMs: o.graceMs, usd: o.usd, clockWatermark: o.clockWatermark, source: src.name }, book),
      sinkTo({ writer: o.writers.bars, toRows: barRows, onError: onError("bars") }, sinks.bars),
      sinkTo({ writer: o.writers.events, toRows: lateEventRows, onError: onError("feed_events") }, sinks.late),
    )
    .subscribe({
      complete: () => settle({ reason: stopReason ?? "the feed ended" }),
      error: (error: unknown) => settle({ reason: "the feed failed", error }),
    });

  return {
    done,
    stop(reason) {
      if (stopReason !== null) return;
      stopReason = reason;
      sub?.unsubscribe();
      settle({ reason });
    },
    snapshot() {
      const c = src.counters();
      const bs = book.stats;
      return {
        source: src.name,
        atMs: o.now(),
        events: n.events,
        accounts: n.accounts,
        transactions: n.transactions,
        slotUpdates: n.slotUpdates,
        firstSlot: n.firstSlot,
        lastSlot: Math.max(n.lastSlot, c.lastSlot),
        connects: c.connects,
        reconnects: Math.max(0, c.connects - 1),
        gaps: c.gaps,
        duplicates: c.duplicates,
        sourceDecodeErrors: c.decodeErrors,
        decoderErrors: o.decoder.stats.errors,
        stale: c.stale,
        priceTicks: n.priceTicks,
        trades: n.trades,
        outsideUniverse: n.outside,
        coalesced: coalesceStats.merged,
        barsClosed: bs.closed,
        corrections: bs.corrections,
        late: bs.late,
        unpriced: bs.unpriced,
        rowsHanded: sinks.events.rows + sinks.ticks.rows + sinks.bars.rows + sinks.late.rows,
        sinkFailures: sinks.events.failures + sinks.ticks.failures + sinks.bars.failures + sinks.late.failures,
        writers: { events: o.writers.events.stats(), ticks: o.writers.ticks.stats(), bars: o.writers.bars.stats() },
        lastEventAtMs: n.lastEventAtMs,
      };
    },
  };
}

const int = (x: number): string => Math.round(x).toLocaleString("en-US");

/** One status line: what a person watching the ingest needs at a glance. */
export function formatStatus(s: IngestSnapshot, eventsPerS: number): string {
  const w = [s.writers.events, s.writers.ticks, s.writers.bars];
  const buffer = w.reduce((a, x) => a + x.bufferRows, 0);
  const spool = w.reduce((a, x) => a + x.spoolRows, 0);
  const degraded = w.some((x) => x.degraded);
  const staleS = s.lastEventAtMs === null ? null : (s.atMs - s.lastEventAtMs) / 1000;
  return [
    `${s.source} slot ${s.lastSlot < 0 ? "-" : s.lastSlot}`,
    `${int(eventsPerS)} ev/s (${int(s.events)})`,
    `dedup ${int(s.duplicates)}`,
    `decode err ${int(s.sourceDecodeErrors + s.decoderErrors)}`,
    `gaps ${int(s.gaps)}`,
    `reconnects ${int(s.reconnects)}`,
    `bars ${int(s.writers.bars.rowsWritten)} written`,
    `buffer ${int(buffer)} spool ${int(spool)}${degraded ? " (ClickHouse unreachable)" : ""}`,
    `last event ${staleS === null ? "never" : `${staleS.toFixed(1)}s ago`}`,
  ].join(" | ");
}

export type StatusMode = "tty" | "lines" | "off";

/** Refreshes a status line: in place about once a second on a terminal, else a line per period. */
export function startStatus(mode: StatusMode, write: (t: string) => void, snapshot: () => IngestSnapshot, periodMs: number): { stop(): void } {
  if (mode === "off") return { stop() {} };
  let last = snapshot();
  const tick = (): void => {
    const s = snapshot();
    const dt = (s.atMs - last.atMs) / 1000;
    const rate = dt > 0 ? (s.events - last.events) / dt : 0;
    last = s;
    const line = formatStatus(s, rate);
    write(mode === "tty" ? `\r\x1b[2K${line}` : `${line}\n`);
  };
  const timer = setInterval(tick, mode === "tty" ? 1000 : periodMs);
  timer.unref();
  return {
    stop() {
      clearInterval(timer);
      if (mode === "tty") write("\r\x1b[2K");
    },
  };
}
