/**
 * The ingest child: one Geyser subscription (the loopback server's simulated market, or a real
 * endpoint watching the universe) decoded into price ticks, trades and bars. Two consumers hang
 * off the stream, and neither waits for the other:
 *
 * - the trading path (`onTick`, `onBar`): the position book's stops and the scorer see every
 *   price and every bar close as it is decoded;
 * - storage: raw feed events, price ticks and bars go to ClickHouse through batched writers,
 *   handed over without waiting (`sinkTo`): a slow or absent ClickHouse buffers and spools,
 *   and never stalls a stop.
 *
 * The decoder, the bar book and the writers belong to the daemon and outlive the subscription:
 * a restarted ingest resumes after the last slot it processed, with the pools it already knew.
 */
import { tap, type Subscription } from "rxjs";
import type { Clock } from "../../../core/clock.js";
import type { BarBook, BarOptions, BarOutput } from "../../../streams/bars/bar-book.js";
import type { MarketDecoder } from "../../../streams/decoders/market-decoder.js";
import type { SubscribeRequest } from "../../../streams/geyser/wire.js";
import { aggregateBars } from "../../../streams/operators/aggregate-bars.js";
import { decodeMarket } from "../../../streams/operators/decode-market.js";
import { sinkTo, type SinkStats } from "../../../streams/operators/sink.js";
import { barRows, lateEventRows, priceTickRow } from "../../../streams/sinks/rows.js";
import { geyserSource, newGeyserSourceStats, type GeyserSourceStats } from "../../../streams/sources/geyser.js";
import type { AccountUpdate, FeedEvent, MarketEvent, PriceTick } from "../../../streams/types.js";
import { accountRows, rawFeedRows } from "../../ingest/feed-rows.js";
import type { BatchedWriter } from "../../storage/batched-writer.js";
import type { ChildContext, ChildFactory, ChildInstance } from "./child.js";

export interface IngestWriters {
  readonly events: BatchedWriter | null;
  readonly ticks: BatchedWriter;
  readonly bars: BatchedWriter;
}

export interface IngestTarget {
  readonly endpoint: string;
  readonly token?: string;
  readonly request: SubscribeRequest;
  /** `geyser`: the `source` of stored ticks and bars. */
  readonly name: string;
}

export interface IngestChildOptions {
  readonly target: () => Promise<IngestTarget>;
  readonly decoder: MarketDecoder;
  readonly bars: BarBook;
  readonly usd: BarOptions["usd"];
  readonly intervalS: number;
  readonly graceMs: number;
  /** Close bars by the clock too (a real feed); the loopback closes them on event time. */
  readonly clockWatermark: boolean;
  readonly writers: IngestWriters;
  readonly clock: Clock;
  /** A feed silent for this long is hung: no heartbeat, and the supervisor restarts it. */
  readonly staleMs: number;
  onTick(t: PriceTick): void;
  onBar(o: BarOutput): void;
  /** Every account write of the feed, before decoding (the mint source keeps the mints'). */
  onAccount?(u: AccountUpdate): void;
  onSinkError(table: string, err: unknown): void;
}

/** What the daemon reports about the feed (status, metrics). */
export interface IngestStats {
  events: number;
  ticks: number;
  trades: number;
  bars: number;
  /** Wall time of the last feed event, or null before the first. */
  lastEventAt: number | null;
  /** Highest slot processed, across restarts. */
  lastSlot: number;
  connects: number;
  gaps: number;
  sinks: { events: SinkStats; ticks: SinkStats; bars: SinkStats };
}

export interface IngestChild {
  readonly factory: ChildFactory;
  readonly stats: IngestStats;
  /** Milliseconds since the last feed event; null before the first. */
  staleness(): number | null;
  /**
   * The feed is over for good (a replay's recording ended): the bars still open are closed and
   * go where every bar goes, as the end of a backtest closes them. Returns how many closed.
   */
  closeOpenBars(): number;
  /**
   * Account states read by RPC rather than streamed (the watch's initial state, mints read for
   * token safety): recorded as the feed's own account rows, so a replay of the recording starts
   * from what live knew, when it knew it.
   */
  recordAccounts(updates: readonly AccountUpdate[]): void;
}

export function ingestChild(o: IngestChildOptions): IngestChild {
  const stats: IngestStats = {
    events: 0, ticks: 0, trades: 0, bars: 0, lastEventAt: null, lastSlot: -1, connects: 0, gaps: 0,
    sinks: { events: { rows: 0, pushes: 0, failures: 0 }, ticks: { rows: 0, pushes: 0, failures: 0 }, bars: { rows: 0, pushes: 0, failures: 0 } },
  };
  const noWriter = { push: () => undefined };
  /** The `source` of stored rows: the target's name, once one started. */
  let sourceName = "geyser";

  const factory: ChildFactory = {
    name: "ingest",
    async start(ctx: ChildContext): Promise<ChildInstance> {
      const target = await o.target();
      sourceName = target.name;
      const source: GeyserSourceStats = newGeyserSourceStats();
      const startedAt = o.clock.now();
      let connects = 0;
      let gaps = 0;
      const feed = geyserSource(
        {
          endpoint: target.endpoint,
          ...(target.token !== undefined && target.token !== "" ? { token: target.token } : {}),
          request: target.request,
          clock: o.clock,
          // A restart resumes after the last slot processed; the provider's buffer replays the rest.
          ...(stats.lastSlot >= 0 ? { fromSlot: stats.lastSlot + 1 } : {}),
          reconnect: { initialDelayMs: 200, maxDelayMs: 5_000 },
          liveness: { pingIntervalMs: 5_000, staleAfterMs: Math.max(10_000, o.staleMs) },
        },
        source,
      );
      const seen = (e: FeedEvent): void => {
        if (e.kind === "status") return;
        if (e.kind === "account") o.onAccount?.(e.update);
        stats.events++;
        stats.lastEventAt = o.clock.now();
        if (source.lastSlot > stats.lastSlot) stats.lastSlot = source.lastSlot;
        stats.connects += source.connects - connects;
        stats.gaps += source.gaps - gaps;
        connects = source.connects;
        gaps = source.gaps;
      };
      const market = (e: MarketEvent): void => {
        if (e.kind === "trade") {
          stats.trades++;
          return;
        }
        stats.ticks++;
        o.onTick(e);
      };
      const barOut = (b: BarOutput): void => {
        if (b.kind === "bar") stats.bars++;
        o.onBar(b);
      };
      const rows = rawFeedRows(target.name, (pk) => o.decoder.registry.mintOfCurve(pk));
      const err = (table: string) => (e: unknown) => o.onSinkError(table, e);
      const sub: Subscription = feed
        .pipe(
          tap(seen),
          sinkTo({ writer: o.writers.events ?? noWriter, toRows: o.writers.events === null ? () => [] : rows, onError: err("feed_events") }, stats.sinks.events),
          decodeMarket(o.decoder),
          tap(market),
          sinkTo<MarketEvent, object>({ writer: o.writers.ticks, toRows: (e) => (e.kind === "price" ? [priceTickRow(e, target.name)] : []), onError: err("price_ticks") }, stats.sinks.ticks),
          aggregateBars({ intervalS: o.intervalS, graceMs: o.graceMs, usd: o.usd, clockWatermark: o.clockWatermark, source: target.name }, o.bars),
          tap(barOut),
          sinkTo({ writer: o.writers.bars, toRows: barRows, onError: err("bars") }, stats.sinks.bars),
          sinkTo({ writer: o.writers.events ?? noWriter, toRows: o.writers.events === null ? () => [] : lateEventRows, onError: err("feed_events") }),
        )
        .subscribe({
          error: (e: unknown) => ctx.crashed(e),
          complete: () => ctx.crashed(new Error("the feed ended")),
        });
      let stopped = false;
      const end = () => {
        stopped = true;
        sub.unsubscribe();
      };
      return {
        // Healthy while subscribed and hearing from the feed (a quiet start gets the same grace).
        alive: () => !stopped && o.clock.now() - Math.max(stats.lastEventAt ?? startedAt, startedAt) <= o.staleMs,
        stop: async () => end(),
        kill: () => end(),
      };
    },
  };
  return {
    factory,
    stats,
    staleness: () => (stats.lastEventAt === null ? null : o.clock.now() - stats.lastEventAt),
    closeOpenBars: () => {
      const out: BarOutput[] = [];
      o.bars.flush(out);
      for (const b of out) {
        if (b.kind === "bar") stats.bars++;
        o.onBar(b);
        const rows = barRows(b);
        if (rows.length > 0) o.writers.bars.push(rows).catch((e: unknown) => o.onSinkError("bars", e));
      }
      return out.length;
    },
    recordAccounts: (updates) => {
      const events = o.writers.events;
      if (events === null || updates.length === 0) return;
      events.push(accountRows(sourceName, (pk) => o.decoder.registry.mintOfCurve(pk), updates)).catch((e: unknown) => o.onSinkError("feed_events", e));
    },
  };
}
