/**
 * Where recorded rows come from, a page at a time, in chain order (see rows.ts): ClickHouse's
 * `feed_events` table (keyset-paged on the chain-order key: a page is one bounded query, never
 * the whole range), a file of the same rows (file-readers.ts: JSONL, or a binary recording), or an
 * array (tests).
 *
 * Memory is flat in the length of the range: a reader holds at most `pageSize` rows at any time
 * (its reorder window and the page being replayed together). `stats.held` is that count and
 * `stats.maxHeld` its high-water mark, instrumented so tests can assert the bound.
 */
import { compareRows, PHASE_SQL, phaseOf, type RecordedRow } from "./rows.js";

export interface ReaderStats {
  /** Rows read from the store (or file) and not yet handed back for the next page. */
  held: number;
  maxHeld: number;
  pages: number;
  rows: number;
  /** Rows dropped as exact key duplicates of the row before them. */
  duplicates: number;
  /** File rows that arrived later than the reorder window could fix (emitted anyway, counted). */
  outOfOrder: number;
  /** File records read (JSONL lines, binary records), bad ones included; blank lines are not. */
  records: number;
  /** File lines that were not a row. */
  badLines: number;
  /** Rows in the range, where the store can say up front (ClickHouse); null otherwise. */
  total: number | null;
}

export const newReaderStats = (): ReaderStats => ({ held: 0, maxHeld: 0, pages: 0, rows: 0, duplicates: 0, outOfOrder: 0, records: 0, badLines: 0, total: null });

export interface RowReader {
  /** The next page in chain order; null at the end. The previous page is released by this call. */
  next(): Promise<readonly RecordedRow[] | null>;
  close(): Promise<void>;
  readonly stats: ReaderStats;
  /** Told about each bad file line (logging). */
  onBadLine?: (line: number, reason: string) => void;
}

export interface RangeOptions {
  /** First event time, unix ms (inclusive). */
  readonly fromMs?: number;
  /** End, unix ms (exclusive). */
  readonly toMs?: number;
  /** Rows per page, and the most any reader holds at once. Default 20,000. */
  readonly pageSize?: number;
}

const DEFAULT_PAGE = 20_000;

export const sameKey = (a: RecordedRow, b: RecordedRow): boolean =>
  a.slot === b.slot && a.write_version === b.write_version && a.signature === b.signature && a.kind === b.kind;

export const inRange = (r: { readonly ts_ms: number }, o: RangeOptions): boolean => (o.fromMs === undefined || r.ts_ms >= o.fromMs) && (o.toMs === undefined || r.ts_ms < o.toMs);

export function pageSizeOf(o: RangeOptions): number {
  const n = o.pageSize ?? DEFAULT_PAGE;
  if (!Number.isInteger(n) || n < 2) throw new RangeError(`pageSize must be an integer >= 2, got ${n}`);
  return n;
}

export function hold(stats: ReaderStats, n: number): void {
  stats.held = n;
  if (n > stats.maxHeld) stats.maxHeld = n;
}

// ---------------------------------------------------------------------------------------------
// ClickHouse

/** The one storage call the reader makes (runtime/storage `Storage` fits). */
export interface RowQuery {
  query<T = Record<string, unknown>>(sql: string, params?: Readonly<Record<string, unknown>>): Promise<T[]>;
}

export interface ClickHouseReaderOptions extends RangeOptions {
  /** Default `feed_events`. */
  readonly table?: string;
  /** Only kinds with these prefixes (`geyser.`, `sim.`); default the raw feed kinds of any source. */
  readonly kindPrefixes?: readonly string[];
}

interface DbRow {
  slot: number;
  signature: string;
  write_version: number;
  kind: string;
  mint: string;
  payload: string;
  ts_ms: number;
  phase: number;
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_.]*$/;

/**
 * Keyset pagination on (slot, phase, write_version, signature, kind): each page is
 * `WHERE key > last ORDER BY key LIMIT pageSize`, read with FINAL (a replayed ingest wrote the
 * same rows twice; ReplacingMergeTree keeps one). The time range is a filter on `ts_ms`, the slot
 * bounds (looked up once) let ClickHouse skip by the primary key.
 */
export function clickHouseReader(db: RowQuery, o: ClickHouseReaderOptions = {}): RowReader {
  const pageSize = pageSizeOf(o);
  const table = o.table ?? "feed_events";
  if (!IDENT.test(table)) throw new RangeError(`bad table name ${table}`);
  const stats = newReaderStats();
  const prefixes = o.kindPrefixes ?? [];
  const kindFilter = prefixes.length > 0
    ? `(${prefixes.map((_, i) => `startsWith(kind, {p${i}:String})`).join(" OR ")})`
    : "(endsWith(kind, '.account') OR endsWith(kind, '.transaction') OR endsWith(kind, '.gap')) AND NOT startsWith(kind, 'late_')";
  const base: Record<string, unknown> = Object.fromEntries(prefixes.map((p, i) => [`p${i}`, p]));
  const timeFilter = [o.fromMs !== undefined ? "ts_ms >= {fromMs:Int64}" : "", o.toMs !== undefined ? "ts_ms < {toMs:Int64}" : ""].filter(Boolean);
  if (o.fromMs !== undefined) base["fromMs"] = o.fromMs;
  if (o.toMs !== undefined) base["toMs"] = o.toMs;
  const where = [kindFilter, ...timeFilter].join(" AND ");
  let bounds: { lo: number; hi: number } | null | undefined;
  let last: DbRow | null = null;
  let done = false;

  const slotBounds = async (): Promise<{ lo: number; hi: number } | null> => {
    const r = await db.query<{ n: number; lo: number; hi: number }>(`SELECT count() AS n, min(slot) AS lo, max(slot) AS hi FROM ${table} WHERE ${where}`, base);
    const b = r[0];
    stats.total = b?.n ?? 0;
    return b === undefined || b.n === 0 ? null : { lo: b.lo, hi: b.hi };
  };

  return {
    stats,
    async next() {
      hold(stats, 0);
      if (done) return null;
      if (bounds === undefined) bounds = await slotBounds();
      if (bounds === null) {
        done = true;
        return null;
      }
      const params: Record<string, unknown> = { ...base, lo: last?.slot ?? bounds.lo, hi: bounds.hi, n: pageSize };
      let after = "";
      if (last !== null) {
        after = "AND (slot, phase, write_version, signature, kind) > ({ls:UInt64}, {lp:UInt8}, {lw:UInt64}, {lsig:String}, {lk:String})";
        Object.assign(params, { ls: last.slot, lp: last.phase, lw: last.write_version, lsig: last.signature, lk: last.kind });
      }
      const rows = await db.query<DbRow>(
        `SELECT slot, signature, write_version, kind, mint, payload, ts_ms, toUInt8(${PHASE_SQL}) AS phase
         FROM ${table} FINAL
         WHERE slot >= {lo:UInt64} AND slot <= {hi:UInt64} AND ${where} ${after}
         ORDER BY slot, phase, write_version, signature, kind
         LIMIT {n:UInt32}`,
        params,
      );
      stats.pages++;
      stats.rows += rows.length;
      hold(stats, rows.length);
      if (rows.length < pageSize) done = true;
      const tail = rows[rows.length - 1];
      if (tail !== undefined) last = tail;
      if (rows.length === 0) return null;
      return rows;
    },
    async close() {
      done = true;
      hold(stats, 0);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Array

/** Rows already in memory (tests, small fixtures): sorted into chain order, paged. */
export function arrayReader(rows: readonly RecordedRow[], o: RangeOptions = {}): RowReader {
  const pageSize = pageSizeOf(o);
  const sorted = rows.filter((r) => inRange(r, o)).sort(compareRows);
  const stats = newReaderStats();
  let at = 0;
  return {
    stats,
    async next() {
      hold(stats, 0);
      if (at >= sorted.length) return null;
      const page: RecordedRow[] = [];
      let prev = at > 0 ? sorted[at - 1] : undefined;
      while (at < sorted.length && page.length < pageSize) {
        const r = sorted[at++]!;
        if (prev !== undefined && sameKey(prev, r)) {
          stats.duplicates++;
          continue;
        }
        prev = r;
        page.push(r);
      }
      stats.pages++;
      stats.rows += page.length;
      hold(stats, page.length);
      return page;
    },
    async close() {
      at = sorted.length;
    },
  };
}

/** Chain-order phase of a row kind, re-exported for readers' callers. */
export { phaseOf };
