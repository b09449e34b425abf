/**
 * Recorded feed rows (the `feed_events` table, or a JSONL file of the same rows) back into the
 * `FeedEvent`s the live feed produced. The row format is the one live ingest writes
 * (runtime/ingest/feed-rows.ts): kind `<source>.account|transaction|gap`, an account's pubkey in
 * `signature` and its write version in `write_version`, a transaction's index in the block in
 * `write_version`, the payload as JSON (account bytes base64, token amounts as decimal strings).
 *
 * Chain order is (slot, transaction index, write version). A recorded account write does not
 * name the transaction that made it, so within a slot the order is: gaps, then account writes by
 * write version, then transactions by index (ties by signature and kind, so the order is total).
 * That is exact for everything downstream reads: price ticks keep their write-version order (the
 * order the validator wrote them), trades their index order, pools referenced by a trade are
 * defined before it, and bars fold trades by chain position whatever the interleaving.
 *
 * A payload that does not decode is counted and reported, never thrown (DESIGN principle 6).
 */
import type { PoolRegistry } from "../decoders/registry.js";
import type { FeedEventRow } from "../sinks/rows.js";
import type { FeedEvent, TokenBalance } from "../types.js";

/**
 * One recorded row: the `feed_events` columns. A JSONL line may embed the payload as JSON rather
 * than as a string of it; the reader then hands the parsed value over in `parsed` (and `payload`
 * is empty), so it is not parsed twice. A binary recording stores the event the payload decodes
 * to (binary-rows.ts); its reader hands it over in `event` (and `payload` is empty).
 */
export interface RecordedRow extends FeedEventRow {
  readonly parsed?: unknown;
  /** What `feedEventOfRow` gives for this row, decoded when the recording was written. */
  readonly event?: FeedEvent;
}

/** The payload as a value: the parsed one a reader kept, or the string parsed now (throws on bad JSON). */
export const payloadOf = (row: RecordedRow): unknown => (row.parsed !== undefined ? row.parsed : JSON.parse(row.payload));

/** Rank of a row inside its slot: gaps first, then account writes, then transactions, then anything else. */
export const Phase = { Gap: 0, Account: 1, Transaction: 2, Other: 3 } as const;
export type Phase = (typeof Phase)[keyof typeof Phase];

export function phaseOf(kind: string): Phase {
  // The last letter first: this runs in every sort comparison.
  switch (kind.charCodeAt(kind.length - 1)) {
    case 116: // t
      return kind.endsWith(".account") ? Phase.Account : Phase.Other;
    case 110: // n
      return kind.endsWith(".transaction") ? Phase.Transaction : Phase.Other;
    case 112: // p
      return kind.endsWith(".gap") ? Phase.Gap : Phase.Other;
    default:
      return Phase.Other;
  }
}

/** The same ranking as SQL, for ClickHouse's ORDER BY. */
export const PHASE_SQL = "multiIf(endsWith(kind, '.gap'), 0, endsWith(kind, '.account'), 1, endsWith(kind, '.transaction'), 2, 3)";

/** Chain order: (slot, phase, write_version, signature, kind). Total over distinct rows. */
export function compareRows(a: RecordedRow, b: RecordedRow): number {
  if (a.slot !== b.slot) return a.slot - b.slot;
  const pa = phaseOf(a.kind);
  const pb = phaseOf(b.kind);
  if (pa !== pb) return pa - pb;
  if (a.write_version !== b.write_version) return a.write_version - b.write_version;
  if (a.signature !== b.signature) return a.signature < b.signature ? -1 : 1;
  return a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0;
}

/** What a row decoder appends; the replay source's seam for other row formats (e.g. `sim.*`). */
export type RowDecoder = (row: RecordedRow, out: FeedEvent[]) => void;

export interface RowDecodeStats {
  /** Rows turned into events. */
  decoded: number;
  /** Rows of a kind this decoder does not replay (`late_*` corrections' inputs, other tables' kinds). */
  skipped: number;
  /** Rows whose payload did not decode. */
  bad: number;
}

export const newRowDecodeStats = (): RowDecodeStats => ({ decoded: 0, skipped: 0, bad: 0 });

export interface RawRowDecoderOptions {
  readonly stats?: RowDecodeStats;
  /** Only rows of these sources (`geyser`, `pubsub`); default every source. */
  readonly sources?: ReadonlySet<string>;
  /** Told about each bad row (logging); the row is skipped. */
  readonly onBad?: (row: RecordedRow, reason: string) => void;
  /**
   * The decoder's registry: a curve's row carries the mint live ingest knew for it (`mint`
   * column), registered here before the row is decoded, as the live registry knew it then.
   */
  readonly registry?: PoolRegistry;
}

const isObj = (x: unknown): x is Record<string, unknown> => typeof x === "object" && x !== null && !Array.isArray(x);
const isNum = (x: unknown): x is number => typeof x === "number" && Number.isFinite(x);
const isStr = (x: unknown): x is string => typeof x === "string";

function balances(x: unknown): TokenBalance[] | null {
  if (!Array.isArray(x)) return null;
  const out: TokenBalance[] = [];
  for (const b of x) {
    if (!isObj(b) || !isNum(b["accountIndex"]) || !isStr(b["mint"]) || !isStr(b["owner"]) || !isNum(b["decimals"])) return null;
    const amount = b["amount"];
    if (!isStr(amount) || !/^\d+$/.test(amount)) return null;
    out.push({ accountIndex: b["accountIndex"], mint: b["mint"], owner: b["owner"], amount: BigInt(amount), decimals: b["decimals"] });
  }
  return out;
}

const stringList = (x: unknown): x is string[] => Array.isArray(x) && x.every(isStr);

/** One raw row → its FeedEvent, or the reason it is not one. */
export function feedEventOfRow(row: RecordedRow): FeedEvent | string {
  if (row.event !== undefined) return row.event;
  let p: unknown;
  try {
    p = payloadOf(row);
  } catch {
    return "payload is not JSON";
  }
  if (!isObj(p)) return "payload is not an object";
  switch (phaseOf(row.kind)) {
    case Phase.Account: {
      const { pubkey, owner, data, writeVersion, tsEvent, tsInit } = p;
      if (!isStr(pubkey) || !isStr(owner) || !isStr(data)) return "account payload needs pubkey, owner and data";
      if (!isNum(tsEvent) || !isNum(tsInit)) return "account payload needs tsEvent and tsInit";
      const bytes = Buffer.from(data, "base64");
      return {
        kind: "account",
        update: {
          pubkey, owner, data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), slot: row.slot,
          writeVersion: isNum(writeVersion) ? writeVersion : row.write_version, tsEvent, tsInit,
        },
      };
    }
    case Phase.Transaction: {
      const { signature, index, failed, accountKeys, logMessages, tsEvent, tsInit } = p;
      if (!isStr(signature) || typeof failed !== "boolean" || !stringList(accountKeys) || !stringList(logMessages)) {
        return "transaction payload needs signature, failed, accountKeys and logMessages";
      }
      if (!isNum(tsEvent) || !isNum(tsInit)) return "transaction payload needs tsEvent and tsInit";
      const pre = balances(p["preTokenBalances"]);
      const post = balances(p["postTokenBalances"]);
      if (pre === null || post === null) return "transaction token balances are malformed";
      return {
        kind: "transaction",
        update: {
          signature, slot: row.slot, index: isNum(index) ? index : row.write_version, failed, accountKeys, logMessages,
          preTokenBalances: pre, postTokenBalances: post, tsEvent, tsInit,
        },
      };
    }
    case Phase.Gap: {
      const { requestedFromSlot, resumedAtSlot, tsInit } = p;
      if (!isNum(requestedFromSlot) || !isNum(resumedAtSlot) || !isNum(tsInit)) return "gap payload needs requestedFromSlot, resumedAtSlot and tsInit";
      return { kind: "gap", requestedFromSlot, resumedAtSlot, tsInit };
    }
    default:
      return "not a raw feed row";
  }
}

/** The source part of a kind (`geyser.account` → `geyser`). */
export const sourceOf = (kind: string): string => kind.slice(0, Math.max(0, kind.lastIndexOf(".")));

/** The decoder for rows live ingest wrote (`<source>.account|transaction|gap`). */
export function rawRowDecoder(o: RawRowDecoderOptions = {}): RowDecoder {
  const stats = o.stats ?? newRowDecodeStats();
  return (row, out) => {
    if (phaseOf(row.kind) === Phase.Other || row.kind.startsWith("late_") || (o.sources !== undefined && !o.sources.has(sourceOf(row.kind)))) {
      stats.skipped++;
      return;
    }
    const ev = feedEventOfRow(row);
    if (typeof ev === "string") {
      stats.bad++;
      o.onBad?.(row, ev);
      return;
    }
    if (o.registry !== undefined && ev.kind === "account" && row.mint !== "" && row.mint !== ev.update.pubkey && o.registry.mintOfCurve(ev.update.pubkey) !== row.mint) {
      o.registry.registerCurve(ev.update.pubkey, row.mint);
    }
    stats.decoded++;
    out.push(ev);
  };
}

/** Venue time of an event: what the replay clock is advanced to. */
export function eventTime(e: FeedEvent): number {
  switch (e.kind) {
    case "account":
    case "transaction":
    case "slot":
      return e.update.tsEvent;
    default:
      return e.tsInit;
  }
}
