/**
 * The bar shapes every layer shares: one token's OHLCV bar (what the alpha engine reads) and the
 * stored bar (the `bars` table's row, what streams aggregate and storage writes). Prices and
 * volume in USD; `ts` is the bar's open time in unix seconds.
 */

/** One token's bar. */
export interface TokenBar {
  readonly mint: string;
  /** Bar open time, unix seconds. */
  readonly ts: number;
  readonly open: number;
  readonly high: number;
  readonly low: number;
  readonly close: number;
  /** Traded volume in USD. */
  readonly volume: number;
  /** Pool liquidity in USD at bar close; null where the source has none. */
  readonly liquidity: number | null;
  /** Fully diluted valuation in USD at bar close; null where the source has none. */
  readonly fdv: number | null;
}

/** A bar as stored (`bars` table) and as the stream emits it. */
export interface BarRow extends TokenBar {
  readonly interval_s: number;
  readonly trades: number;
  /** 1 where the price resolution is coarser than 0.1% of the price. */
  readonly lowprec: number;
  readonly source: string;
  /** ReplacingMergeTree version: a correction carries a higher one, and a replay never double counts. */
  readonly version: number;
}

/** The stored row of a bar under construction (whatever else the builder keeps on it is left out). */
export function barRow(b: TokenBar & { readonly trades: number }, intervalS: number, source: string, version: number): BarRow {
  return {
    interval_s: intervalS,
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
    source,
    version,
  };
}
