/**
 * `alphagpt export`: bars of one interval to CSV (re-importable by importOhlcv, same rows) or
 * Parquet. Reads with FINAL so replayed writes of a bar count once; pages by (mint, ts) so memory
 * stays flat; writes to a temporary file and renames, so a failed export leaves no partial file.
 * The output's folder is created if missing; a file that cannot be written is a FileWriteError.
 */
import { mkdir, open, rename, rm } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import type { TokenBar } from "../../core/bar.js";
import { writing } from "../../core/files.js";
import type { Storage } from "../storage/storage.js";
import { csvField } from "./csv.js";
import { intervalOption } from "./ohlcv-scan.js";

export interface ExportOptions {
  /** `1h`, `60s`, ... or seconds. */
  readonly interval: string | number;
  /** Only these keys; all when absent. */
  readonly mints?: readonly string[];
  /** Bar open time from (inclusive), unix seconds. */
  readonly from?: number;
  /** Bar open time to (exclusive), unix seconds. */
  readonly to?: number;
  readonly format: "csv" | "parquet";
  /** Rows per page read from storage; default 50,000. */
  readonly pageSize?: number;
}

export interface ExportResult {
  readonly path: string;
  readonly format: "csv" | "parquet";
  /** Rows written (counted before the Parquet write, which ClickHouse does itself). */
  readonly rows: number;
}

/** The columns importOhlcv reads back, in this order. */
export const EXPORT_COLUMNS = ["ts", "mint", "open", "high", "low", "close", "volume", "liquidity", "fdv", "trades", "lowprec"] as const;

/** A stored bar as the query returns it: 64-bit integers may come back as strings. */
interface ExportedBar extends Omit<TokenBar, "ts"> {
  readonly ts: number | string;
  readonly trades: number | string;
  readonly lowprec: number | string;
}

function filters(options: ExportOptions): { where: string; params: Record<string, unknown> } {
  const interval_s = intervalOption(options.interval) ?? 0;
  const clauses = ["interval_s = {interval_s:UInt32}"];
  const params: Record<string, unknown> = { interval_s };
  if (options.mints !== undefined) {
    clauses.push("mint IN {mints:Array(String)}");
    params["mints"] = [...options.mints];
  }
  if (options.from !== undefined) {
    clauses.push("ts >= {from:Int64}");
    params["from"] = options.from;
  }
  if (options.to !== undefined) {
    clauses.push("ts < {to:Int64}");
    params["to"] = options.to;
  }
  return { where: clauses.join(" AND "), params };
}

const SELECT_COLUMNS = "mint, toInt64(ts) AS ts, open, high, low, close, volume, liquidity, fdv, toUInt32(trades) AS trades, toUInt8(lowprec) AS lowprec";

/** A file-system call whose failure becomes a FileWriteError naming the output. */
type FileOp = <T>(op: Promise<T>) => Promise<T>;

export async function exportBars(storage: Storage, options: ExportOptions, outPath: string): Promise<ExportResult> {
  const path = resolve(outPath);
  const tmp = `${path}.partial`;
  const file: FileOp = (op) => writing(path, op);
  // EEXIST: a parent is a file; the open below then says so (ENOTDIR, "not a directory").
  await file(mkdir(dirname(path), { recursive: true }).catch((e: NodeJS.ErrnoException) => (e.code === "EEXIST" ? undefined : Promise.reject(e))));
  await file(rm(tmp, { force: true }));
  try {
    const rows = options.format === "csv" ? await writeCsv(storage, options, tmp, file) : await writeParquet(storage, options, tmp);
    await file(rename(tmp, path));
    return { path, format: options.format, rows };
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

async function writeCsv(storage: Storage, options: ExportOptions, tmp: string, file: FileOp): Promise<number> {
  const { where, params } = filters(options);
  const pageSize = options.pageSize ?? 50_000;
  // A file handle, not a stream: its errors reject the awaited call instead of an 'error' event.
  const out = await file(open(tmp, "w"));
  const write = (text: string): Promise<void> => file(out.writeFile(text, "utf8"));
  let rows = 0;
  try {
    await write(`${EXPORT_COLUMNS.join(",")}\n`);
    let after: { mint: string; ts: number } | undefined;
    for (;;) {
      // Keyset paging on the sort key: stable under FINAL, no OFFSET rescans.
      const page = await storage.query<ExportedBar>(
        `SELECT ${SELECT_COLUMNS} FROM bars FINAL WHERE ${where}` +
          (after === undefined ? "" : " AND (mint, toInt64(ts)) > ({after_mint:String}, {after_ts:Int64})") +
          ` ORDER BY mint, ts LIMIT ${pageSize}`,
        after === undefined ? params : { ...params, after_mint: after.mint, after_ts: after.ts },
      );
      let text = "";
      for (const b of page) text += `${csvLine(b)}\n`;
      await write(text);
      rows += page.length;
      const last = page[page.length - 1];
      if (last === undefined || page.length < pageSize) break;
      after = { mint: last.mint, ts: Number(last.ts) };
    }
  } finally {
    await out.close();
  }
  return rows;
}

/** Numbers as JavaScript prints them: the shortest text that reads back to the same double. */
function csvLine(b: ExportedBar): string {
  const opt = (v: number | null): string => (v === null ? "" : String(v));
  return [
    String(Number(b.ts)), csvField(b.mint), String(b.open), String(b.high), String(b.low), String(b.close),
    String(b.volume), opt(b.liquidity), opt(b.fdv), String(Number(b.trades)), String(Number(b.lowprec)),
  ].join(",");
}

/**
 * Parquet is written by ClickHouse itself (`INSERT INTO FUNCTION file(...)`), so it needs the
 * engine and the output file on the same machine: the embedded engine. The Storage port has no
 * raw-bytes query to stream a server's `FORMAT Parquet` answer back, so a server is refused.
 */
async function writeParquet(storage: Storage, options: ExportOptions, tmp: string): Promise<number> {
  if (!storage.target.startsWith("embedded:")) {
    throw new Error(`Parquet export needs the embedded engine (target is ${storage.target}); export CSV instead`);
  }
  const { where, params } = filters(options);
  const [count] = await storage.query<{ n: number | string }>(`SELECT count() AS n FROM bars FINAL WHERE ${where}`, params);
  const literal = `'${tmp.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  await storage.exec(
    `INSERT INTO FUNCTION file(${literal}, 'Parquet') SELECT ${SELECT_COLUMNS} FROM bars FINAL WHERE ${where} ORDER BY mint, ts`,
    params,
  );
  return Number(count?.n ?? 0);
}
