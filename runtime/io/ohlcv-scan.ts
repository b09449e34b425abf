/**
 * Pass one over an OHLCV CSV: validate every row and the file as a whole (duplicates, alignment,
 * interval) and gather the quirk report. Nothing is written here; the importer writes only after
 * a clean scan. Memory: one (ts → line) entry per row, which duplicate detection needs anyway.
 */
import { basename } from "node:path";
import { splitCsvLine } from "./csv.js";
import { formatInterval, intervalFromFileName, modalSpacing, parseInterval } from "./interval.js";
import type { CsvIssue } from "./errors.js";
import { type HeaderLayout, type OhlcvRecord, parseRecord, parseTs, resolveHeader } from "./ohlcv-columns.js";
import { buildReport, type KeyStats, type OhlcvReport } from "./ohlcv-report.js";

export interface ScanOptions {
  /** `1h`, `60s`, `3600` or seconds; otherwise read from the file name, otherwise inferred. */
  readonly interval?: string | number;
  /** Name used for the interval-from-file-name rule and in the report. */
  readonly fileName?: string;
  /** Issues kept in full (all are counted); default 20. */
  readonly maxErrors?: number;
  /** Ignore (and report) unknown columns instead of rejecting the file; default false. */
  readonly allowUnknownColumns?: boolean;
  /** History cap of the source, for the capped-history heuristic; default 1,000 bars. */
  readonly historyCapBars?: number;
}

/** What the file says about each key besides its bars. */
export interface KeyMeta {
  readonly bars: number;
  /** First non-empty `symbol` cell; "" when none. */
  readonly symbol: string;
  /** First non-empty `pool` cell of a mint-keyed file; "" otherwise. */
  readonly pool: string;
}

export type ScanResult =
  | { readonly ok: true; readonly report: OhlcvReport; readonly layout: HeaderLayout; readonly keys: ReadonlyMap<string, KeyMeta> }
  | { readonly ok: false; readonly file: string; readonly issues: readonly CsvIssue[]; readonly issueCount: number };

/** Resolve the interval the caller gave; a bad one is the caller's error, not the file's. */
export function intervalOption(interval: string | number | undefined): number | undefined {
  if (interval === undefined) return undefined;
  const s = parseInterval(interval);
  if (s === undefined) throw new RangeError(`invalid interval ${JSON.stringify(interval)}: use e.g. 60s, 5m, 1h, 1d or seconds`);
  return s;
}

export async function scanOhlcv(lines: AsyncIterable<string> | Iterable<string>, options: ScanOptions = {}): Promise<ScanResult> {
  const file = basename(options.fileName ?? "<input>");
  const maxErrors = options.maxErrors ?? 20;
  const issues: CsvIssue[] = [];
  let issueCount = 0;
  const add = (list: readonly CsvIssue[]): void => {
    for (const issue of list) {
      if (issues.length < maxErrors) issues.push(issue);
      issueCount++;
    }
  };
  const fromOption = intervalOption(options.interval);
  const fromName = fromOption === undefined && options.fileName !== undefined ? intervalFromFileName(options.fileName) : undefined;

  let layout: HeaderLayout | undefined;
  let lineNo = 0;
  let rows = 0;
  let zeroVolume = 0;
  let lowprec = 0;
  let symbolConflicts = 0;
  const seriesCells = new Map<"liquidity" | "fdv" | "trades", number>();
  const byKey = new Map<string, KeyStats>();
  const rejectedTs: Array<[number, number]> = [];

  for await (const text of lines) {
    lineNo++;
    const fields = splitCsvLine(text);
    if (layout === undefined) {
      // The header decides how every row is read: a bad one ends the scan.
      const header = typeof fields === "string" ? [{ line: 1, column: "(row)", reason: fields }] : resolveHeader(fields, options.allowUnknownColumns ?? false);
      if (Array.isArray(header)) return { ok: false, file, issues: header.slice(0, maxErrors), issueCount: header.length };
      layout = header;
      for (const c of ["liquidity", "fdv", "trades"] as const) if (layout.index[c] !== undefined) seriesCells.set(c, 0);
      continue;
    }
    if (text.trim() === "") continue;
    if (typeof fields === "string") {
      add([{ line: lineNo, column: "(row)", reason: fields }]);
      continue;
    }
    const record = parseRecord(fields, layout, lineNo);
    if (Array.isArray(record)) {
      add(record);
      // Still check its time's alignment later: report every bad cell, not just the first.
      const ts = layout.index.ts === undefined ? undefined : parseTs((fields[layout.index.ts] ?? "").trim());
      if (typeof ts === "number") rejectedTs.push([ts, lineNo]);
      continue;
    }
    let stats = byKey.get(record.key);
    if (stats === undefined) {
      stats = { ts: new Map(), symbol: record.symbol, pool: record.pool };
      byKey.set(record.key, stats);
    }
    const seen = stats.ts.get(record.ts);
    if (seen !== undefined) {
      add([{ line: lineNo, column: "ts", reason: `duplicate (${layout.keyColumn}, ts) = (${record.key}, ${record.ts}): already on line ${seen}` }]);
      continue;
    }
    stats.ts.set(record.ts, lineNo);
    if (stats.symbol === "") stats.symbol = record.symbol;
    else if (record.symbol !== "" && record.symbol !== stats.symbol) symbolConflicts++;
    if (stats.pool === "") stats.pool = record.pool;
    rows++;
    tally(record);
  }

  function tally(r: OhlcvRecord): void {
    if (r.volume === 0) zeroVolume++;
    if (r.lowprec === 1) lowprec++;
    if (r.liquidity !== null) seriesCells.set("liquidity", (seriesCells.get("liquidity") ?? 0) + 1);
    if (r.fdv !== null) seriesCells.set("fdv", (seriesCells.get("fdv") ?? 0) + 1);
    if (r.trades > 0) seriesCells.set("trades", (seriesCells.get("trades") ?? 0) + 1);
  }

  if (layout === undefined) return { ok: false, file, issues: [{ line: 1, column: "(row)", reason: "empty file: a header line is required" }], issueCount: 1 };
  const keyColumn = layout.keyColumn;

  const inferred = fromOption ?? fromName ?? modalSpacing([...byKey.values()].map((s) => [...s.ts.keys()]));
  if (inferred === undefined && rows > 0) {
    add([{ line: 1, column: "ts", reason: "cannot infer the interval (no key has two bars, no interval in the file name): give it explicitly" }]);
  }
  const interval_s = inferred ?? 1;
  // Alignment is checked after the scan so the inferred interval applies to every row alike.
  const unaligned: CsvIssue[] = [];
  const checkAlignment = (ts: number, line: number): void => {
    if (ts % interval_s !== 0) {
      unaligned.push({ line, column: "ts", reason: `${ts} is not aligned to the ${formatInterval(interval_s)} interval (remainder ${ts % interval_s} s)` });
    }
  };
  if (inferred !== undefined) {
    for (const stats of byKey.values()) for (const [ts, line] of stats.ts) checkAlignment(ts, line);
    for (const [ts, line] of rejectedTs) checkAlignment(ts, line);
  }
  if (unaligned.length > 0) {
    // Merge by line so the kept issues are the first ones in the file.
    const all = [...issues, ...unaligned].sort((a, b) => a.line - b.line);
    issueCount += unaligned.length;
    issues.length = 0;
    issues.push(...all.slice(0, maxErrors));
  }
  if (issueCount > 0) return { ok: false, file, issues, issueCount };

  const report = buildReport({
    file,
    interval_s,
    intervalFrom: fromOption !== undefined ? "option" : fromName !== undefined ? "file-name" : "inferred",
    keyColumn,
    columns: layout.columns,
    ignoredColumns: layout.unknown,
    byKey,
    rows,
    zeroVolumeRows: zeroVolume,
    lowPrecisionRows: layout.index.lowprec === undefined ? null : lowprec,
    seriesCells,
    symbolConflicts,
    historyCapBars: options.historyCapBars ?? 1_000,
  });
  const keys = new Map<string, KeyMeta>();
  for (const [key, st] of byKey) keys.set(key, { bars: st.ts.size, symbol: st.symbol, pool: st.pool });
  return { ok: true, report, layout, keys };
}
