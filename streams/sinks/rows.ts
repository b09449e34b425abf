/**
 * Stream outputs as storage rows (the `bars`, `price_ticks` and `feed_events` tables of
 * runtime/storage migration 001). Corrections are bars with a higher version, which the table's
 * ReplacingMergeTree keeps over the original; too-late events go to `feed_events` as the
 * correction path's input (kind `late_<kind>`), so nothing is dropped unseen.
 */
import type { BarOutput } from "../bars/bar-book.js";
import type { Bar, MarketEvent, PriceTick } from "../types.js";

export interface PriceTickRow {
  readonly mint: string;
  readonly slot: number;
  readonly ts_ms: number;
  readonly price: number;
  readonly liquidity: number | null;
  readonly source: string;
  readonly seq: number;
}

export interface FeedEventRow {
  readonly slot: number;
  readonly signature: string;
  readonly write_version: number;
  readonly kind: string;
  readonly mint: string;
  readonly payload: string;
  readonly ts_ms: number;
}

export function barRows(o: BarOutput): readonly Bar[] {
  return o.kind === "late" ? [] : [o.bar];
}

export function lateEventRows(o: BarOutput): readonly FeedEventRow[] {
  if (o.kind !== "late") return [];
  return [eventRow(o.event, `late_${o.event.kind}`)];
}

/**
 * `seq` is the tick's write version: it tells apart two ticks of one mint in one millisecond (two
 * writes of a curve in one slot, two pools of one mint), which the slot alone would collapse.
 */
export function priceTickRow(t: PriceTick, source: string): PriceTickRow {
  return { mint: t.mint, slot: t.slot, ts_ms: t.tsEvent, price: t.price, liquidity: t.liquidity, source, seq: t.writeVersion };
}

export function eventRow(e: MarketEvent, kind: string = e.kind): FeedEventRow {
  return {
    slot: e.slot,
    signature: e.kind === "trade" ? e.signature : e.pool,
    write_version: e.kind === "trade" ? e.seq : 0,
    kind,
    mint: e.mint,
    payload: JSON.stringify(e),
    ts_ms: e.tsEvent,
  };
}
