/**
 * Event-time OHLCV bars per mint, with a watermark. A bar [t, t+I) closes once the watermark
 * (the newest event time seen, or the clock) passes t+I+grace. Until then a late event still
 * updates it; after that, a late event revises the closed bar as a correction with a higher
 * `version` (ClickHouse keeps the highest), while the bar is among the last `maxCorrectable`
 * closed; older than that it is reported as too late. Nothing is dropped silently.
 *
 * Semantics (as the simulator's bars): open/high/low/close are the pool's spot price after each
 * trade (execution price where the spot is unknown), first/last by event time; volume is the
 * quote traded; liquidity and FDV are from the newest price tick in the bar; a bar without trades
 * is not emitted. Every value is in USD through `usd(quoteMint, tsEvent)`.
 */
import { barRow } from "../../core/bar.js";
import type { Bar as BarRow, MarketEvent } from "../types.js";

export type BarOutput =
  | { readonly kind: "bar"; readonly bar: BarRow }
  | { readonly kind: "correction"; readonly bar: BarRow }
  | { readonly kind: "late"; readonly event: MarketEvent };

export interface BarOptions {
  readonly intervalS: number;
  /** How long past its end a bar waits for late events. */
  readonly graceMs: number;
  /** USD per unit of the quote token at a time; null when unknown (the event is counted, skipped). */
  readonly usd: (quoteMint: string, tsEvent: number) => number | null;
  /** Closed bars kept for corrections. Default 10,000. */
  readonly maxCorrectable?: number;
  readonly source?: string;
}

export interface BarStats {
  closed: number;
  corrections: number;
  late: number;
  unpriced: number;
}

interface OpenBar {
  readonly key: string;
  readonly mint: string;
  readonly ts: number;
  readonly end: number;
  open: number;
  /** Chain position (event time, slot, index in block) of the trade that set open / close. */
  openT: number;
  openS: number;
  openQ: number;
  high: number;
  low: number;
  close: number;
  closeT: number;
  closeS: number;
  closeQ: number;
  volume: number;
  trades: number;
  liquidity: number | null;
  fdv: number | null;
  liqAt: number;
  version: number;
  /** Closed (kept only for corrections now). */
  closed: boolean;
}

export class BarBook {
  readonly stats: BarStats = { closed: 0, corrections: 0, late: 0, unpriced: 0 };
  readonly #o: BarOptions;
  readonly #intervalMs: number;
  readonly #open = new Map<string, OpenBar>();
  /** The bar each mint's last event went to: the next event almost always goes there too. */
  readonly #last = new Map<string, OpenBar>();
  /** Bar end time → open bars ending then (few distinct ends: one per interval). */
  readonly #byEnd = new Map<number, OpenBar[]>();
  /** The earliest key of #byEnd (+Infinity when none): most events close nothing. */
  #minEnd = Number.POSITIVE_INFINITY;
  readonly #closedRecent = new Map<string, OpenBar>();
  /**
   * #closedRecent's keys in insertion order, from #evictAt on: evicting through the map's own
   * iterator would walk over every entry deleted before (quadratic in a long run).
   */
  #closedOrder: string[] = [];
  #evictAt = 0;
  #watermark = Number.NEGATIVE_INFINITY;

  constructor(o: BarOptions) {
    if (!(Number.isInteger(o.intervalS) && o.intervalS >= 1)) throw new RangeError(`intervalS must be an integer >= 1, got ${o.intervalS}`);
    this.#o = o;
    this.#intervalMs = o.intervalS * 1000;
  }

  get watermark(): number {
    return this.#watermark;
  }

  /** The earliest time at which some open bar may close (for a timer), or null. */
  nextCloseAt(): number | null {
    return this.#minEnd === Number.POSITIVE_INFINITY ? null : this.#minEnd + this.#o.graceMs;
  }

  add(e: MarketEvent, out: BarOutput[]): void {
    const usd = this.#o.usd(e.quoteMint, e.tsEvent);
    if (usd === null || !Number.isFinite(usd)) return void this.stats.unpriced++;
    const ts = Math.floor(e.tsEvent / this.#intervalMs) * this.#o.intervalS;
    const last = this.#last.get(e.mint);
    let bar = last !== undefined && last.ts === ts && !last.closed ? last : this.#open.get(`${e.mint}|${ts}`);
    const end = (ts + this.#o.intervalS) * 1000;
    let correcting = false;
    if (bar === undefined) {
      const key = `${e.mint}|${ts}`;
      if (end + this.#o.graceMs <= this.#watermark) {
        bar = this.#closedRecent.get(key);
        if (bar === undefined) {
          this.stats.late++;
          out.push({ kind: "late", event: e });
          return;
        }
        correcting = true;
      } else {
        bar = {
          key, mint: e.mint, ts, end, open: 0, openT: Infinity, openS: Infinity, openQ: Infinity, high: -Infinity, low: Infinity, close: 0,
          closeT: -Infinity, closeS: -Infinity, closeQ: -Infinity, volume: 0, trades: 0, liquidity: null, fdv: null, liqAt: -Infinity, version: 1, closed: false,
        };
        this.#open.set(key, bar);
        this.#last.set(e.mint, bar);
        const list = this.#byEnd.get(end);
        if (list === undefined) {
          this.#byEnd.set(end, [bar]);
          if (end < this.#minEnd) this.#minEnd = end;
        } else list.push(bar);
      }
    } else if (bar !== last) this.#last.set(e.mint, bar);
    apply(bar, e, usd);
    if (correcting && bar.trades > 0) {
      bar.version++;
      this.stats.corrections++;
      out.push({ kind: "correction", bar: this.#row(bar) });
    }
    if (e.tsEvent > this.#watermark) this.advance(e.tsEvent, out);
  }

  /** Move the watermark (event time, or the clock when the feed is idle) and close bars. */
  advance(to: number, out: BarOutput[]): void {
    if (to <= this.#watermark) return;
    this.#watermark = to;
    const limit = to - this.#o.graceMs;
    if (this.#minEnd > limit) return;
    const due = [...this.#byEnd.keys()].filter((end) => end <= limit).sort((a, b) => a - b);
    for (const end of due) this.#close(end, out);
  }

  /** Close everything (end of stream). */
  flush(out: BarOutput[]): void {
    for (const end of [...this.#byEnd.keys()].sort((a, b) => a - b)) this.#close(end, out);
  }

  #close(end: number, out: BarOutput[]): void {
    const bars = this.#byEnd.get(end) ?? [];
    this.#byEnd.delete(end);
    if (end === this.#minEnd) {
      this.#minEnd = Number.POSITIVE_INFINITY;
      for (const e of this.#byEnd.keys()) if (e < this.#minEnd) this.#minEnd = e;
    }
    const max = this.#o.maxCorrectable ?? 10_000;
    for (const bar of bars) {
      bar.closed = true;
      this.#open.delete(bar.key);
      if (this.#last.get(bar.mint) === bar) this.#last.delete(bar.mint);
      if (!this.#closedRecent.has(bar.key)) this.#closedOrder.push(bar.key);
      this.#closedRecent.set(bar.key, bar);
      if (this.#closedRecent.size > max) this.#evictOldest();
      if (bar.trades === 0) continue;
      this.stats.closed++;
      out.push({ kind: "bar", bar: this.#row(bar) });
    }
  }

  #evictOldest(): void {
    const key = this.#closedOrder[this.#evictAt++];
    if (key !== undefined) this.#closedRecent.delete(key);
    // Drop the evicted prefix now and then (amortised O(1)).
    if (this.#evictAt > 1024 && this.#evictAt * 2 > this.#closedOrder.length) {
      this.#closedOrder = this.#closedOrder.slice(this.#evictAt);
      this.#evictAt = 0;
    }
  }

  #row(b: OpenBar): BarRow {
    return barRow(b, this.#o.intervalS, this.#o.source ?? "geyser", b.version);
  }

}

/**
 * Fold one event into a bar. Open and close follow chain order (event time, slot, index in the
 * block), so duplicated or reordered delivery cannot change them; full ties go to the later arrival.
 */
function apply(bar: OpenBar, e: MarketEvent, usd: number): void {
  if (e.kind === "price") {
    if (e.tsEvent >= bar.liqAt) {
      bar.liqAt = e.tsEvent;
      bar.liquidity = e.liquidity * usd;
      bar.fdv = e.fdv === null ? null : e.fdv * usd;
    }
    return;
  }
  const p = (e.spotAfter ?? e.price) * usd;
  const t = e.tsEvent;
  const s = e.slot;
  const q = e.seq;
  if ((t - bar.openT || s - bar.openS || q - bar.openQ) < 0) {
    bar.openT = t;
    bar.openS = s;
    bar.openQ = q;
    bar.open = p;
  }
  if ((t - bar.closeT || s - bar.closeS || q - bar.closeQ) >= 0) {
    bar.closeT = t;
    bar.closeS = s;
    bar.closeQ = q;
    bar.close = p;
  }
  if (p > bar.high) bar.high = p;
  if (p < bar.low) bar.low = p;
  bar.volume += e.quoteAmount * usd;
  bar.trades++;
}
