/**
 * The storage port: one ClickHouse-shaped interface over either the embedded engine (chdb) or a
 * ClickHouse server. Everything above this line is the same code for both.
 *
 * Every method rejects only with the tagged errors of `./errors.ts` (`StorageError`), so callers
 * can decide by `retryable` / `_tag` without looking at driver messages.
 */
import type { BarRow } from "../../core/bar.js";

/** One OHLCV bar as stored in the `bars` table (core/bar.ts). */
export type { BarRow };

export interface Storage {
  /** Where the data lives, for logs: `embedded:<dir>` or the server URL without credentials. */
  readonly target: string;
  /** DDL or a mutation; no result. */
  exec(sql: string, params?: Readonly<Record<string, unknown>>): Promise<void>;
  /**
   * A SELECT, rows decoded from JSONEachRow. Use `{name:Type}` placeholders with `params`.
   * 64-bit integers come back as JS numbers (exact up to 2^53; select `toString(x)` where a
   * column may exceed that); NaN and ±Infinity come back as null (JSON has no spelling for them).
   * Reads that must not double count use `FINAL` (see migrations).
   */
  query<T = Record<string, unknown>>(sql: string, params?: Readonly<Record<string, unknown>>): Promise<T[]>;
  /** Insert rows (objects keyed by column name) into a table; encoded with `encodeRows`. */
  insert(table: string, rows: readonly object[]): Promise<void>;
  /**
   * Insert a batch already encoded by `encodeRows` (or read back from the writer's spool).
   * Added for the batched writer: it encodes each batch once, then retries and spools the
   * exact bytes it would have sent.
   */
  insertEncoded(batch: EncodedBatch): Promise<void>;
  /** Waits for the operations in flight (chdb must not be closed under a running query), then closes. */
  close(): Promise<void>;
}

/**
 * Rows encoded for insertion: TabSeparated text, one line per row, columns in `columns` order.
 * TabSeparated is the fastest exact format through `@clickhouse/client` for bar-shaped rows
 * (see `encode.ts` and `bench/ingest.bench.ts`).
 */
export interface EncodedBatch {
  readonly table: string;
  readonly columns: readonly string[];
  readonly format: "TabSeparated";
  readonly rows: number;
  /** The TabSeparated body; every row ends with `\n`. */
  readonly body: string;
}

/** The logging seam storage code takes: the runtime passes its pino logger, tests a collector. */
export interface StorageLogger {
  info(msg: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(msg: string, fields?: Readonly<Record<string, unknown>>): void;
  error(msg: string, fields?: Readonly<Record<string, unknown>>): void;
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
