/**
 * `coalesceLatest` configured for market events: price ticks per mint coalesce within a bar
 * (so bars downstream are exact), trades are never dropped.
 */
import { asyncScheduler, type MonoTypeOperatorFunction, type SchedulerLike } from "rxjs";
import type { MarketEvent } from "../types.js";
import { coalesceLatest, type CoalesceStats } from "./coalesce-latest.js";

export function coalesceMarket(
  opts: { readonly windowMs: number; readonly barIntervalS: number; readonly maxMints?: number },
  stats?: CoalesceStats,
  scheduler: SchedulerLike = asyncScheduler,
): MonoTypeOperatorFunction<MarketEvent> {
  const barMs = opts.barIntervalS * 1000;
  return coalesceLatest<MarketEvent>(
    {
      key: (e) => e.mint,
      droppable: (e) => e.kind === "price",
      bucket: (e) => Math.floor(e.tsEvent / barMs),
      windowMs: opts.windowMs,
      ...(opts.maxMints === undefined ? {} : { maxKeys: opts.maxMints }),
    },
    stats,
    scheduler,
  );
}
