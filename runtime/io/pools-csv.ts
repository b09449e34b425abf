/**
 * Pool metadata (`pools.csv` of the GeckoTerminal dataset) into `tokens`: one row per pool, keyed
 * by the base token's mint where it is known and by the pool address where not (TokenRow's
 * contract), so `tokens.pool = bars.mint` finds a pool-keyed bar series' token either way.
 *
 * Columns: `pool` (required), optional `symbol` (pair name), `dex`, `base_mint`, `quote_mint`,
 * `pool_created_at` (ISO-8601 or unix seconds), `bars_<interval>` counts; others are ignored and
 * reported. Validated in full before anything is written.
 */
import { basename } from "node:path";
import type { Storage, TokenRow } from "../storage/storage.js";
import { readLines, splitCsvLine } from "./csv.js";
import { CsvImportError, type CsvIssue } from "./errors.js";
import { parseTs } from "./ohlcv-columns.js";
import { baseSymbol } from "./ohlcv-csv.js";

export interface PoolInfo {
  readonly pool: string;
  /** Pair name as given, e.g. `CBRL / SOL`; "" when unknown. */
  readonly symbol: string;
  readonly dex: string;
  /** Base token mint; "" when unknown. */
  readonly baseMint: string;
  readonly quoteMint: string;
  /** Unix seconds; 0 when unknown. */
  readonly createdTs: number;
  /** `bars_1h` → { "1h": n }: row counts the dataset claims per interval. */
  readonly bars: Readonly<Record<string, number>>;
}

export interface PoolsFile {
  readonly pools: readonly PoolInfo[];
  readonly ignoredColumns: readonly string[];
}

const KNOWN = new Set(["pool", "symbol", "dex", "base_mint", "quote_mint", "pool_created_at"]);

export async function readPoolsCsv(path: string, options: { readonly maxErrors?: number } = {}): Promise<PoolsFile> {
  const maxErrors = options.maxErrors ?? 20;
  const issues: CsvIssue[] = [];
  let issueCount = 0;
  const add = (issue: CsvIssue): void => {
    if (issues.length < maxErrors) issues.push(issue);
    issueCount++;
  };
  const pools: PoolInfo[] = [];
  const seen = new Map<string, number>();
  let header: string[] | undefined;
  let lineNo = 0;
  for await (const text of readLines(path)) {
    lineNo++;
    const fields = splitCsvLine(text);
    if (typeof fields === "string") {
      add({ line: lineNo, column: "(row)", reason: fields });
      if (header === undefined) break;
      continue;
    }
    if (header === undefined) {
      header = fields.map((f) => f.trim().toLowerCase());
      if (!header.includes("pool")) add({ line: 1, column: "pool", reason: "required column missing" });
      if (issueCount > 0) break;
      continue;
    }
    if (text.trim() === "") continue;
    if (fields.length !== header.length) {
      add({ line: lineNo, column: "(row)", reason: `expected ${header.length} fields, got ${fields.length}` });
      continue;
    }
    const row = new Map(header.map((h, i) => [h, (fields[i] ?? "").trim()]));
    const get = (c: string): string => row.get(c) ?? "";
    const pool = get("pool");
    if (pool === "" || /\s/.test(pool)) add({ line: lineNo, column: "pool", reason: pool === "" ? "empty" : "contains whitespace" });
    const prior = seen.get(pool);
    if (pool !== "" && prior !== undefined) add({ line: lineNo, column: "pool", reason: `duplicate pool: already on line ${prior}` });
    seen.set(pool, lineNo);
    let createdTs = 0;
    if (get("pool_created_at") !== "") {
      const ts = parseTs(get("pool_created_at"));
      if (typeof ts === "string") add({ line: lineNo, column: "pool_created_at", reason: ts });
      else createdTs = ts;
    }
    const bars: Record<string, number> = {};
    for (const h of header.filter((c) => c.startsWith("bars_"))) {
      const v = get(h);
      if (v === "") continue;
      if (!/^\d+$/.test(v)) add({ line: lineNo, column: h, reason: `not a row count: ${JSON.stringify(v)}` });
      else bars[h.slice("bars_".length)] = Number(v);
    }
    pools.push({ pool, symbol: get("symbol"), dex: get("dex"), baseMint: get("base_mint"), quoteMint: get("quote_mint"), createdTs, bars });
  }
  if (header === undefined && issueCount === 0) add({ line: 1, column: "(row)", reason: "empty file: a header line is required" });
  if (issueCount > 0) throw new CsvImportError(basename(path), issues, issueCount);
  const ignoredColumns = (header ?? []).filter((c) => !KNOWN.has(c) && !c.startsWith("bars_"));
  return { pools, ignoredColumns };
}

export function poolTokenRow(p: PoolInfo, source: string, version: number): TokenRow {
  return {
    mint: p.baseMint !== "" ? p.baseMint : p.pool,
    symbol: p.symbol === "" ? "" : baseSymbol(p.symbol),
    name: p.symbol,
    decimals: 0, // unknown here; 0 is the table's "not known" value for imported pools
    pool: p.pool,
    dex: p.dex,
    created_ts: p.createdTs,
    source,
    version,
  };
}

export interface PoolsImportResult {
  readonly pools: number;
  /** Pools whose base mint is known (the token row is keyed by it). */
  readonly withMint: number;
  readonly ignoredColumns: readonly string[];
  /** Pool addresses now described in `tokens`: pass as `describedKeys` to importOhlcv. */
  readonly describedKeys: ReadonlySet<string>;
  readonly info: readonly PoolInfo[];
}

export async function importPools(
  storage: Storage,
  path: string,
  options: { readonly version: number; readonly source?: string },
): Promise<PoolsImportResult> {
  const file = await readPoolsCsv(path);
  const source = options.source ?? `csv:${basename(path)}`;
  const rows = file.pools.map((p) => poolTokenRow(p, source, options.version));
  if (rows.length > 0) await storage.insert("tokens", rows);
  return {
    pools: rows.length,
    withMint: file.pools.filter((p) => p.baseMint !== "").length,
    ignoredColumns: file.ignoredColumns,
    describedKeys: new Set(file.pools.map((p) => p.pool)),
    info: file.pools,
  };
}
