/**
 * OHLCV bars from the event stream, streaming: feed events in time order, flush the bars that
 * have closed. A bar exists for a mint and interval when at least one trade landed in it.
 *
 * - `ts`: the bar's open time, unix seconds, a multiple of the interval.
 * - open/high/low/close: trade prices (spot after each trade) in USD, first/max/min/last.
 * - volume: sum of the trades' `solAmount` in USD.
 * - liquidity and fdv: after the mint's last event in the bar (a trade, or a migration or rug
 *   after it): 2 x real SOL-side reserve in USD, and price x 1e9 tokens in USD.
 * - trades: number of trades; lowprec 0, source "sim", version 1.
 */
import { barRow, type BarRow } from "../../core/bar.js";
import { LAMPORTS_PER_SOL, TOKEN_TOTAL_SUPPLY, TOKEN_UNIT } from "./constants.js";
import type { SimEvent } from "./events.js";

interface OpenBar {
  readonly mint: string;
  readonly order: number;
  ts: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  trades: number;
  liquidity: number;
  fdv: number;
}

const SUPPLY_TOKENS = TOKEN_TOTAL_SUPPLY / TOKEN_UNIT;

export class BarAggregator {
  readonly intervalS: number;
  readonly #intervalMs: number;
  readonly #open = new Map<string, OpenBar>();
  #seen = 0;
  #lastMs = -Infinity;

  constructor(intervalS: number) {
    if (!(Number.isInteger(intervalS) && intervalS >= 1)) throw new RangeError(`bar interval must be an integer >= 1 s, got ${intervalS}`);
    this.intervalS = intervalS;
    this.#intervalMs = intervalS * 1000;
  }

  /** Add one event; events must arrive in non-decreasing `tsMs`. Closed bars go to `out`. */
  add(e: SimEvent, out: BarRow[]): void {
    if (e.tsMs < this.#lastMs) throw new RangeError(`events out of order: ${e.tsMs} after ${this.#lastMs}`);
    this.#lastMs = e.tsMs;
    const ts = Math.floor(e.tsMs / this.#intervalMs) * this.intervalS;
    let bar = this.#open.get(e.mint);
    if (bar && bar.ts !== ts) {
      if (bar.trades > 0) out.push(barRow(bar, this.intervalS, "sim", 1));
      this.#open.delete(e.mint);
      bar = undefined;
    }
    const priceUsd = e.price * e.solUsd;
    if (!bar) {
      bar = {
        mint: e.mint,
        order: this.#seen++,
        ts,
        open: priceUsd,
        high: priceUsd,
        low: priceUsd,
        close: priceUsd,
        volume: 0,
        trades: 0,
        liquidity: 0,
        fdv: 0,
      };
      this.#open.set(e.mint, bar);
    }
    if (e.kind === "trade") {
      if (bar.trades === 0) {
        bar.open = priceUsd;
        bar.high = priceUsd;
        bar.low = priceUsd;
      } else {
        if (priceUsd > bar.high) bar.high = priceUsd;
        if (priceUsd < bar.low) bar.low = priceUsd;
      }
      bar.close = priceUsd;
      bar.volume += (e.solAmount / LAMPORTS_PER_SOL) * e.solUsd;
      bar.trades++;
    }
    bar.liquidity = (2 * e.realSolReserve * e.solUsd) / LAMPORTS_PER_SOL;
    bar.fdv = priceUsd * SUPPLY_TOKENS;
  }

  /** Emit every open bar that ends at or before `untilMs`, ordered by (ts, first appearance). */
  flush(untilMs: number, out: BarRow[]): void {
    const done: OpenBar[] = [];
    for (const bar of this.#open.values()) {
      if ((bar.ts + this.intervalS) * 1000 <= untilMs) done.push(bar);
    }
    done.sort((a, b) => a.ts - b.ts || a.order - b.order);
    for (const bar of done) {
      this.#open.delete(bar.mint);
      if (bar.trades > 0) out.push(barRow(bar, this.intervalS, "sim", 1));
    }
  }

  /** Emit everything still open. */
  flushAll(out: BarRow[]): void {
    this.flush(Infinity, out);
  }
}

