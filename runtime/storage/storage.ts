/**
 * The storage port: one ClickHouse-shaped interface over either the embedded engine (chdb) or a
 * ClickHouse server. Everything above this line is the same code for both.
 */
export interface Storage {
  /** Where the data lives, for logs: `embedded:<dir>` or the server URL without credentials. */
  readonly target: string;
  /** DDL or a mutation; no result. */
  exec(sql: string, params?: Readonly<Record<string, unknown>>): Promise<void>;
  /** A SELECT, rows decoded from JSONEachRow. Use `{name:Type}` placeholders with `params`. */
  query<T = Record<string, unknown>>(sql: string, params?: Readonly<Record<string, unknown>>): Promise<T[]>;
  /** Insert rows (objects keyed by column name) into a table. */
  insert(table: string, rows: readonly object[]): Promise<void>;
  close(): Promise<void>;
}

/** One OHLCV bar as stored in the `bars` table. `ts` is the bar's open time (unix seconds). */
export interface BarRow {
  readonly interval_s: number;
  readonly mint: string;
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
  readonly trades: number;
  /** 1 where the price resolution is coarser than 0.1% of the price. */
  readonly lowprec: number;
  readonly source: string;
  /** ReplacingMergeTree version: a later write of the same key wins, a replay never double counts. */
  readonly version: number;
}

/** One token (or pool, where the mint is unknown) as stored in the `tokens` table. */
export interface TokenRow {
  readonly mint: string;
  readonly symbol: string;
  readonly name: string;
  readonly decimals: number;
  readonly pool: string;
  readonly dex: string;
  /** Launch or pool creation time, unix seconds; 0 where unknown. */
  readonly created_ts: number;
  readonly source: string;
  readonly version: number;
}
