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
  readonly mint: string;
  readonly ts: number;
  readonly end: number;
  open: number;
  /** Chain order (event time, slot, index in block) of the trade that set open / close. */
  openAt: readonly [number, number, number];
  high: number;
  low: number;
  close: number;
  closeAt: readonly [number, number, number];
  volume: number;
  trades: number;
  liquidity: number | null;
  fdv: number | null;
  liqAt: number;
  version: number;
}

export class BarBook {
  readonly stats: BarStats = { closed: 0, corrections: 0, late: 0, unpriced: 0 };
  readonly #o: BarOptions;
  readonly #intervalMs: number;
  readonly #open = new Map<string, OpenBar>();
  /** Bar end time → open bars ending then (few distinct ends: one per interval). */
  readonly #byEnd = new Map<number, OpenBar[]>();
  readonly #closedRecent = new Map<string, OpenBar>();
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
    let min = Number.POSITIVE_INFINITY;
    for (const end of this.#byEnd.keys()) if (end < min) min = end;
    return min === Number.POSITIVE_INFINITY ? null : min + this.#o.graceMs;
  }

  add(e: MarketEvent, out: BarOutput[]): void {
    const usd = this.#o.usd(e.quoteMint, e.tsEvent);
    if (usd === null || !Number.isFinite(usd)) return void this.stats.unpriced++;
    const ts = Math.floor(e.tsEvent / this.#intervalMs) * this.#o.intervalS;
    const key = `${e.mint}|${ts}`;
    let bar = this.#open.get(key);
    const end = (ts + this.#o.intervalS) * 1000;
    let correcting = false;
    if (bar === undefined) {
      if (end + this.#o.graceMs <= this.#watermark) {
        bar = this.#closedRecent.get(key);
        if (bar === undefined) {
          this.stats.late++;
          out.push({ kind: "late", event: e });
          return;
        }
        correcting = true;
      } else {
        bar = { mint: e.mint, ts, end, open: 0, openAt: LAST, high: -Infinity, low: Infinity, close: 0, closeAt: FIRST, volume: 0, trades: 0, liquidity: null, fdv: null, liqAt: -Infinity, version: 1 };
        this.#open.set(key, bar);
        const list = this.#byEnd.get(end);
        if (list === undefined) this.#byEnd.set(end, [bar]);
        else list.push(bar);
      }
    }
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
    for (const bar of bars) {
      const key = `${bar.mint}|${bar.ts}`;
      this.#open.delete(key);
      this.#closedRecent.set(key, bar);
      if (this.#closedRecent.size > (this.#o.maxCorrectable ?? 10_000)) {
        const oldest = this.#closedRecent.keys().next();
        if (oldest.done !== true) this.#closedRecent.delete(oldest.value);
      }
      if (bar.trades === 0) continue;
      this.stats.closed++;
      out.push({ kind: "bar", bar: this.#row(bar) });
    }
  }

  #row(b: OpenBar): BarRow {
    return {
      interval_s: this.#o.intervalS,
      mint: b.mint,
      ts: b.ts,
      open: b.open,
      high: b.high,
      low: b.low,
      close: b.close,
      volume: b.volume,
      liquidity: b.liquidity,
      fdv: b.fdv,
      trades: b.trades,
      lowprec: 0,
      source: this.#o.source ?? "geyser",
      version: b.version,
    };
  }
}

const FIRST = [-Infinity, -Infinity, -Infinity] as const;
const LAST = [Infinity, Infinity, Infinity] as const;

/** Lexicographic compare of chain positions. */
function cmp(a: readonly [number, number, number], b: readonly [number, number, number]): number {
  return a[0] - b[0] || a[1] - b[1] || a[2] - b[2];
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
  const at = [e.tsEvent, e.slot, e.seq] as const;
  if (cmp(at, bar.openAt) < 0) {
    bar.openAt = at;
    bar.open = p;
  }
  if (cmp(at, bar.closeAt) >= 0) {
    bar.closeAt = at;
    bar.close = p;
  }
  if (p > bar.high) bar.high = p;
  if (p < bar.low) bar.low = p;
  bar.volume += e.quoteAmount * usd;
  bar.trades++;
}
