/**
 * The OHLCV CSV format, column by column: which columns exist, how each cell is read, and the
 * per-row invariants. Pure functions; the file-level checks (duplicates, alignment, interval)
 * live in ohlcv-scan.ts.
 *
 * Columns (header required, any order, names case-insensitive):
 *   ts                          bar open time: unix seconds, or ISO-8601 (no zone = UTC)
 *   mint | pool                 the key; with both, `mint` is the key and `pool` is kept as metadata
 *   open, high, low, close      price, finite and > 0; high >= max(open, close), low <= min(open, close)
 *   volume                      finite and >= 0
 *   liquidity, fdv (optional)   finite and >= 0; empty = unknown
 *   trades (optional)           integer >= 0; empty = 0
 *   lowprec (optional)          0 or 1; empty = 0
 *   symbol (optional)           free text (pair name such as `CBRL / SOL`)
 */
import type { TokenBar } from "../../core/bar.js";
import type { CsvIssue } from "./errors.js";

export const REQUIRED_COLUMNS = ["ts", "open", "high", "low", "close", "volume"] as const;
export const OPTIONAL_COLUMNS = ["liquidity", "fdv", "trades", "lowprec", "symbol"] as const;
export const KEY_COLUMNS = ["mint", "pool"] as const;
export type OhlcvColumn = (typeof REQUIRED_COLUMNS)[number] | (typeof OPTIONAL_COLUMNS)[number] | (typeof KEY_COLUMNS)[number];
const KNOWN: ReadonlySet<string> = new Set<string>([...REQUIRED_COLUMNS, ...OPTIONAL_COLUMNS, ...KEY_COLUMNS]);

export interface HeaderLayout {
  readonly columns: readonly string[];
  readonly index: Readonly<Partial<Record<OhlcvColumn, number>>>;
  readonly keyColumn: "mint" | "pool";
  readonly unknown: readonly string[];
}

/** Resolve the header line; unknown columns are issues unless `allowUnknown`. */
export function resolveHeader(fields: readonly string[], allowUnknown: boolean): HeaderLayout | CsvIssue[] {
  const issues: CsvIssue[] = [];
  const index: Partial<Record<OhlcvColumn, number>> = {};
  const unknown: string[] = [];
  const columns = fields.map((f) => f.trim().toLowerCase());
  columns.forEach((name, i) => {
    if (!KNOWN.has(name)) {
      unknown.push(fields[i] ?? name);
      if (!allowUnknown) issues.push({ line: 1, column: fields[i] ?? name, reason: "unknown column (allow unknown columns to ignore it)" });
    } else if (index[name as OhlcvColumn] !== undefined) {
      issues.push({ line: 1, column: name, reason: "column appears twice" });
    } else {
      index[name as OhlcvColumn] = i;
    }
  });
  for (const name of REQUIRED_COLUMNS) {
    if (index[name] === undefined) issues.push({ line: 1, column: name, reason: "required column missing" });
  }
  if (index.mint === undefined && index.pool === undefined) {
    issues.push({ line: 1, column: "mint", reason: "required column missing (give `mint` or `pool`)" });
  }
  if (issues.length > 0) return issues;
  return { columns, index, keyColumn: index.mint !== undefined ? "mint" : "pool", unknown };
}

/** One validated row, before the file-level checks. */
export interface OhlcvRecord extends Omit<TokenBar, "mint"> {
  readonly line: number;
  readonly key: string;
  readonly trades: number;
  readonly lowprec: 0 | 1;
  readonly symbol: string;
  /** The `pool` cell when the file keys on `mint` and also has `pool`; otherwise "". */
  readonly pool: string;
}

// Strict decimal: Number() alone would take "", " ", "0x10", "Infinity".
const DECIMAL = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const ISO = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;
/** Unix seconds beyond this are taken to be milliseconds by mistake (year 5138). */
const MAX_TS = 1e11;

/** Unix seconds from `1759665600` or `2025-10-05T12:00:00Z`; a string is the reason it failed. */
export function parseTs(cell: string): number | string {
  if (/^\d+$/.test(cell)) {
    const n = Number(cell);
    return n >= MAX_TS ? "looks like milliseconds; give unix seconds" : n;
  }
  const m = ISO.exec(cell);
  if (m === null) return "not unix seconds or ISO-8601";
  const [y, mo, d, h, mi, s] = m.slice(1, 7).map((v) => Number(v ?? 0)) as [number, number, number, number, number, number];
  const frac = m[7] ?? "";
  const zone = m[8] ?? "Z";
  if (/[1-9]/.test(frac)) return "fractional seconds: bar times are whole seconds";
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 59) {
    return "not a valid calendar date and time";
  }
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  let offsetMin = 0;
  if (zone.toUpperCase() !== "Z") {
    const z = zone.replace(":", "");
    offsetMin = (z.startsWith("-") ? -1 : 1) * (Number(z.slice(1, 3)) * 60 + Number(z.slice(3, 5)));
  }
  const t = ms / 1000 - offsetMin * 60;
  return t < 0 ? "before 1970" : t;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return [4, 6, 9, 11].includes(month) ? 30 : 31;
}

type Check = (v: number) => string | undefined;
const positive: Check = (v) => (v > 0 ? undefined : "must be > 0");
const nonNegative: Check = (v) => (v >= 0 ? undefined : "must be >= 0");

function parseNumber(cell: string, check: Check): number | string {
  if (!DECIMAL.test(cell)) return cell === "" ? "empty" : "not a number";
  const v = Number(cell);
  if (!Number.isFinite(v)) return "not finite";
  return check(v) ?? v;
}

/** Parse and check one data row; every bad cell becomes an issue. */
export function parseRecord(fields: readonly string[], layout: HeaderLayout, line: number): OhlcvRecord | CsvIssue[] {
  if (fields.length !== layout.columns.length) {
    return [{ line, column: "(row)", reason: `expected ${layout.columns.length} fields, got ${fields.length}` }];
  }
  const issues: CsvIssue[] = [];
  const cell = (c: OhlcvColumn): string | undefined => {
    const i = layout.index[c];
    return i === undefined ? undefined : (fields[i] ?? "").trim();
  };
  const fail = (column: string, reason: string, value?: string): void => {
    issues.push({ line, column, reason: value === undefined ? reason : `${reason}: ${JSON.stringify(value)}` });
  };
  const num = (c: OhlcvColumn, check: Check, optional: boolean): number | null => {
    const raw = cell(c);
    if (raw === undefined || (optional && raw === "")) return null;
    const v = parseNumber(raw, check);
    if (typeof v === "string") {
      fail(c, v, raw);
      return null;
    }
    return v;
  };

  const key = cell(layout.keyColumn) ?? "";
  if (key === "") fail(layout.keyColumn, "empty");
  else if (/\s/.test(key)) fail(layout.keyColumn, "contains whitespace", key);
  const tsRaw = cell("ts") ?? "";
  const ts = parseTs(tsRaw);
  if (typeof ts === "string") fail("ts", ts, tsRaw);
  const open = num("open", positive, false);
  const high = num("high", positive, false);
  const low = num("low", positive, false);
  const close = num("close", positive, false);
  const volume = num("volume", nonNegative, false);
  const liquidity = num("liquidity", nonNegative, true);
  const fdv = num("fdv", nonNegative, true);
  const trades = num("trades", (v) => (Number.isSafeInteger(v) && v >= 0 ? undefined : "must be an integer >= 0"), true);
  const lowprecRaw = cell("lowprec") ?? "";
  if (lowprecRaw !== "" && lowprecRaw !== "0" && lowprecRaw !== "1") fail("lowprec", "must be 0 or 1", lowprecRaw);
  // The bar invariants only mean something once all four prices parsed.
  if (open !== null && high !== null && low !== null && close !== null) {
    if (high < Math.max(open, close)) fail("high", `high ${high} is below max(open, close) ${Math.max(open, close)}`);
    if (low > Math.min(open, close)) fail("low", `low ${low} is above min(open, close) ${Math.min(open, close)}`);
  }
  if (issues.length > 0 || typeof ts === "string" || open === null || high === null || low === null || close === null || volume === null) {
    return issues;
  }
  return {
    line, key, ts, open, high, low, close, volume, liquidity, fdv,
    trades: trades ?? 0,
    lowprec: lowprecRaw === "1" ? 1 : 0,
    symbol: cell("symbol") ?? "",
    pool: layout.keyColumn === "mint" ? (cell("pool") ?? "") : "",
  };
}
