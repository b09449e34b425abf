/**
 * The quirk report of an OHLCV file: what the data is like, said out loud rather than smoothed
 * over (gaps, zero volume, low-precision rows, partial last bars, missing series, pool-not-mint).
 */
import { formatInterval, modalSpacing } from "./interval.js";

export interface OhlcvReport {
  /** Base name of the file (or the label given for in-memory input). */
  readonly file: string;
  readonly interval_s: number;
  /** `1h`, `5m`, ... */
  readonly interval: string;
  readonly intervalFrom: "option" | "file-name" | "inferred";
  /** Most common spacing between consecutive bars of a key; null when no key has two bars. */
  readonly modalSpacing_s: number | null;
  readonly keyColumn: "mint" | "pool";
  /** Header as read (lower-cased). */
  readonly columns: readonly string[];
  /** Unknown columns that were ignored (only when unknown columns are allowed). */
  readonly ignoredColumns: readonly string[];
  readonly rows: number;
  /** Distinct keys (mints or pools). */
  readonly keys: number;
  /** First and last bar open time over the whole file, unix seconds; null when empty. */
  readonly span: { readonly from: number; readonly to: number } | null;
  readonly gaps: {
    /** Bars absent inside each key's own span, summed over keys. */
    readonly missingBars: number;
    readonly keysWithGaps: number;
    readonly largest: { readonly key: string; readonly after: number; readonly missingBars: number } | null;
  };
  readonly zeroVolumeRows: number;
  /** Rows with `lowprec = 1`; null when the file has no `lowprec` column. */
  readonly lowPrecisionRows: number | null;
  readonly keysWithSymbol: number;
  /** Optional series absent from the file, or present but empty in every row. */
  readonly missingSeries: readonly ("liquidity" | "fdv" | "trades")[];
  /** Keys whose last bar is the file's last bar: those bars may still have been in progress. */
  readonly lastBar: { readonly ts: number; readonly keys: number } | null;
  /** Heuristic: keys holding 99-105% of `historyCapBars` bars, whose real history may start earlier. */
  readonly keysNearHistoryCap: number;
  /** The same findings as sentences, for people. */
  readonly notes: readonly string[];
}

/** Per-key facts gathered while scanning: bar time → line, and the key's metadata. */
export interface KeyStats {
  readonly ts: Map<number, number>;
  symbol: string;
  pool: string;
}

export interface ReportInput {
  readonly file: string;
  readonly interval_s: number;
  readonly intervalFrom: OhlcvReport["intervalFrom"];
  readonly keyColumn: "mint" | "pool";
  readonly columns: readonly string[];
  readonly ignoredColumns: readonly string[];
  readonly byKey: ReadonlyMap<string, KeyStats>;
  readonly rows: number;
  readonly zeroVolumeRows: number;
  readonly lowPrecisionRows: number | null;
  /** Rows with a non-empty cell per optional series; absent from the map = no such column. */
  readonly seriesCells: ReadonlyMap<"liquidity" | "fdv" | "trades", number>;
  readonly symbolConflicts: number;
  readonly historyCapBars: number;
}

const iso = (ts: number): string => new Date(ts * 1000).toISOString().replace(".000Z", "Z");

export function buildReport(input: ReportInput): OhlcvReport {
  const step = input.interval_s;
  let from = Infinity;
  let to = -Infinity;
  let missingBars = 0;
  let keysWithGaps = 0;
  let largest: OhlcvReport["gaps"]["largest"] = null;
  let keysWithSymbol = 0;
  let nearCap = 0;
  const lastByKey: number[] = [];
  for (const [key, stats] of input.byKey) {
    const ts = [...stats.ts.keys()].sort((a, b) => a - b);
    const first = ts[0] ?? 0;
    const last = ts[ts.length - 1] ?? 0;
    from = Math.min(from, first);
    to = Math.max(to, last);
    lastByKey.push(last);
    const missing = Math.round((last - first) / step) + 1 - ts.length;
    if (missing > 0) {
      missingBars += missing;
      keysWithGaps++;
      for (let i = 1; i < ts.length; i++) {
        const hole = Math.round(((ts[i] ?? 0) - (ts[i - 1] ?? 0)) / step) - 1;
        if (hole > (largest?.missingBars ?? 0)) largest = { key, after: ts[i - 1] ?? 0, missingBars: hole };
      }
    }
    if (stats.symbol !== "") keysWithSymbol++;
    if (ts.length >= 0.99 * input.historyCapBars && ts.length <= 1.05 * input.historyCapBars) nearCap++;
  }
  const spacing = modalSpacing([...input.byKey.values()].map((s) => [...s.ts.keys()]));
  const missingSeries = (["liquidity", "fdv", "trades"] as const).filter((c) => (input.seriesCells.get(c) ?? 0) === 0);
  const lastBar = input.rows > 0 ? { ts: to, keys: lastByKey.filter((t) => t === to).length } : null;
  const label = formatInterval(step);
  const report: Omit<OhlcvReport, "notes"> = {
    file: input.file,
    interval_s: step,
    interval: label,
    intervalFrom: input.intervalFrom,
    modalSpacing_s: spacing ?? null,
    keyColumn: input.keyColumn,
    columns: input.columns,
    ignoredColumns: input.ignoredColumns,
    rows: input.rows,
    keys: input.byKey.size,
    span: input.rows > 0 ? { from, to } : null,
    gaps: { missingBars, keysWithGaps, largest },
    zeroVolumeRows: input.zeroVolumeRows,
    lowPrecisionRows: input.lowPrecisionRows,
    keysWithSymbol,
    missingSeries,
    lastBar,
    keysNearHistoryCap: nearCap,
  };
  return { ...report, notes: notesFor(report, input) };
}

function notesFor(r: Omit<OhlcvReport, "notes">, input: ReportInput): string[] {
  const notes: string[] = [];
  const n = (x: number): string => x.toLocaleString("en-US");
  if (r.keyColumn === "pool") {
    notes.push("keys are pool addresses, not token mints: one token can trade in several pools (map pools to mints with pools.csv)");
  }
  if (r.gaps.missingBars > 0) {
    notes.push(`${n(r.gaps.missingBars)} ${r.interval} bars absent inside ${n(r.gaps.keysWithGaps)} keys' spans (no trades or no collection): real gaps, do not forward-fill blindly`);
  }
  if (r.lastBar !== null) {
    const ends = r.lastBar.keys === 1 ? "1 key ends" : `${n(r.lastBar.keys)} keys end`;
    notes.push(`the last bar of each key may be partial (in progress at export time); ${ends} at the file's last bar ${iso(r.lastBar.ts)}`);
  }
  if (r.zeroVolumeRows > 0) notes.push(`${n(r.zeroVolumeRows)} bars have zero volume`);
  if (r.lowPrecisionRows === null) notes.push("no lowprec column: price resolution unknown");
  else if (r.lowPrecisionRows > 0) notes.push(`${n(r.lowPrecisionRows)} rows have price resolution coarser than 0.1% (lowprec = 1)`);
  for (const s of r.missingSeries) notes.push(`no ${s} series (stored as ${s === "trades" ? "0" : "null"})`);
  if (r.keysNearHistoryCap > 0) {
    notes.push(`${n(r.keysNearHistoryCap)} keys hold about ${n(input.historyCapBars)} bars, the source's per-request cap: their real history can start earlier`);
  }
  if (r.modalSpacing_s !== null && r.modalSpacing_s !== r.interval_s) {
    notes.push(`the most common spacing between bars is ${formatInterval(r.modalSpacing_s)}, not the ${r.interval} interval`);
  }
  if (input.symbolConflicts > 0) notes.push(`${n(input.symbolConflicts)} rows name a different symbol than their key's first row (first kept)`);
  if (r.ignoredColumns.length > 0) notes.push(`ignored unknown columns: ${r.ignoredColumns.join(", ")}`);
  return notes;
}

/** The report as a few lines of text, for the CLI. */
export function formatReport(r: OhlcvReport): string {
  const span = r.span === null ? "empty" : `${iso(r.span.from)} → ${iso(r.span.to)}`;
  const head = `${r.file}: ${r.rows.toLocaleString("en-US")} ${r.interval} bars (interval from ${r.intervalFrom}), ${r.keys} ${r.keyColumn}s, ${span}`;
  return [head, ...r.notes.map((note) => `  - ${note}`)].join("\n");
}
