/**
 * The ingest path as one operator: feed events → decode → (coalesce) → bars. Sources and sinks
 * sit outside it, so live, replay and the benchmark run the same code.
 */
import { asyncScheduler, pipe, type OperatorFunction, type SchedulerLike } from "rxjs";
import { BarBook, type BarOptions, type BarOutput } from "./bars/bar-book.js";
import type { MarketDecoder } from "./decoders/market-decoder.js";
import { aggregateBars } from "./operators/aggregate-bars.js";
import type { CoalesceStats } from "./operators/coalesce-latest.js";
import { coalesceMarket } from "./operators/coalesce-market.js";
import { decodeMarket } from "./operators/decode-market.js";
import type { FeedEvent } from "./types.js";

export interface BarPipelineOptions extends BarOptions {
  readonly decoder: MarketDecoder;
  /** Coalesce price ticks per mint over this window (ms); omit to pass every tick. */
  readonly coalesceWindowMs?: number;
  readonly coalesceStats?: CoalesceStats;
  readonly book?: BarBook;
  readonly clockWatermark?: boolean;
}

export function barsFromFeed(opts: BarPipelineOptions, scheduler: SchedulerLike = asyncScheduler): OperatorFunction<FeedEvent, BarOutput> {
  const book = opts.book ?? new BarBook(opts);
  const bars = aggregateBars(opts, book, scheduler);
  if (opts.coalesceWindowMs === undefined) return pipe(decodeMarket(opts.decoder), bars);
  return pipe(decodeMarket(opts.decoder), coalesceMarket({ windowMs: opts.coalesceWindowMs, barIntervalS: opts.intervalS }, opts.coalesceStats, scheduler), bars);
}
