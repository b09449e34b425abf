/**
 * `alphagpt import ohlcv FILE.csv`: validate the whole file first (ohlcv-scan.ts), then stream it
 * again into `bars` in batches, plus `tokens` rows from its `symbol` column. A bad file throws
 * CsvImportError and writes nothing. Column reference: ohlcv-columns.ts.
 *
 * Writes are idempotent: `bars` is a ReplacingMergeTree keyed by (interval_s, mint, ts), so a
 * re-import (or a retry after a failure mid-way) replaces rows instead of adding them.
 */
import { stat } from "node:fs/promises";
import { basename } from "node:path";
import type { BarRow, Storage, TokenRow } from "../storage/storage.js";
import { readLines, splitCsvLine } from "./csv.js";
import { CsvImportError } from "./errors.js";
import { type HeaderLayout, type OhlcvRecord, parseRecord } from "./ohlcv-columns.js";
import type { OhlcvReport } from "./ohlcv-report.js";
import { type KeyMeta, type ScanOptions, type ScanResult, scanOhlcv } from "./ohlcv-scan.js";

export interface ImportOhlcvOptions extends Omit<ScanOptions, "fileName"> {
  /** ReplacingMergeTree version of every row written (e.g. the import time in ms): later wins. */
  readonly version: number;
  /** Row provenance; default `csv:<file name>`. */
  readonly source?: string;
  /** Rows per insert; default 10,000. */
  readonly batchSize?: number;
  /**
   * Keys whose `tokens` rows were already written from richer metadata (importPools): this
   * file's `symbol` column must not replace them.
   */
  readonly describedKeys?: ReadonlySet<string>;
  /** Called after each batch, for progress bars. */
  readonly onProgress?: (barsWritten: number, barsTotal: number) => void;
}

export interface OhlcvImportResult {
  readonly report: OhlcvReport;
  readonly source: string;
  readonly version: number;
  readonly written: { readonly bars: number; readonly tokens: number };
}

/** Validate a file without writing anything: the report, or every issue found (up to maxErrors). */
export function validateOhlcvFile(path: string, options: Omit<ScanOptions, "fileName"> = {}): Promise<ScanResult> {
  return scanOhlcv(readLines(path), { ...options, fileName: path });
}

export async function importOhlcv(storage: Storage, path: string, options: ImportOhlcvOptions): Promise<OhlcvImportResult> {
  if (!Number.isSafeInteger(options.version) || options.version < 0) throw new RangeError(`version must be a non-negative integer, got ${options.version}`);
  const before = await stat(path);
  const scan = await validateOhlcvFile(path, options);
  if (!scan.ok) throw new CsvImportError(scan.file, scan.issues, scan.issueCount);
  const { report, layout } = scan;
  const source = options.source ?? `csv:${basename(path)}`;
  const batchSize = options.batchSize ?? 10_000;
  const after = await stat(path);
  if (after.size !== before.size || after.mtimeMs !== before.mtimeMs) throw new Error(`${path} changed while it was being validated; nothing written`);

  const tokens = tokenRows(report.keyColumn, scan.keys, options.describedKeys ?? new Set(), source, options.version);
  let bars = 0;
  let batch: BarRow[] = [];
  for await (const r of readValidatedRecords(path, layout)) {
    batch.push(toBarRow(r, report.interval_s, source, options.version));
    if (batch.length >= batchSize) {
      await storage.insert("bars", batch);
      bars += batch.length;
      batch = [];
      options.onProgress?.(bars, report.rows);
    }
  }
  if (batch.length > 0) {
    await storage.insert("bars", batch);
    bars += batch.length;
    options.onProgress?.(bars, report.rows);
  }
  // The validated file has exactly report.rows rows; anything else means it changed under us.
  if (bars !== report.rows) throw new Error(`${path} changed during import: validated ${report.rows} rows, wrote ${bars}`);
  if (tokens.length > 0) await storage.insert("tokens", tokens);
  return { report, source, version: options.version, written: { bars, tokens: tokens.length } };
}

export function toBarRow(r: OhlcvRecord, interval_s: number, source: string, version: number): BarRow {
  return {
    interval_s, mint: r.key, ts: r.ts, open: r.open, high: r.high, low: r.low, close: r.close,
    volume: r.volume, liquidity: r.liquidity, fdv: r.fdv, trades: r.trades, lowprec: r.lowprec, source, version,
  };
}

/** `CBRL / SOL` → `CBRL`: GeckoTerminal names pairs base first. */
export function baseSymbol(pairName: string): string {
  return (pairName.split(" / ")[0] ?? pairName).trim();
}

/** Pass two: the rows of a file that already scanned clean; any failure now means it changed. */
async function* readValidatedRecords(path: string, layout: HeaderLayout): AsyncGenerator<OhlcvRecord> {
  let lineNo = 0;
  for await (const text of readLines(path)) {
    lineNo++;
    if (lineNo === 1 || text.trim() === "") continue;
    const fields = splitCsvLine(text);
    const record = typeof fields === "string" ? fields : parseRecord(fields, layout, lineNo);
    if (typeof record === "string" || Array.isArray(record)) throw new Error(`${path} changed during import at line ${lineNo}`);
    yield record;
  }
}

function tokenRows(
  keyColumn: "mint" | "pool",
  keys: ReadonlyMap<string, KeyMeta>,
  described: ReadonlySet<string>,
  source: string,
  version: number,
): TokenRow[] {
  const rows: TokenRow[] = [];
  for (const [key, meta] of keys) {
    if (meta.symbol === "" || described.has(key)) continue;
    const pool = keyColumn === "pool" ? key : meta.pool;
    // A pool-keyed file does not know the mint: the pool stands in for it (TokenRow's contract).
    rows.push({ mint: key, symbol: baseSymbol(meta.symbol), name: meta.symbol, decimals: 0, pool, dex: "", created_ts: 0, source, version });
  }
  return rows;
}
