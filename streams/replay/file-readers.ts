/**
 * Recorded rows from files, a page at a time, in chain order: JSONL (`feed_events` rows as JSON
 * lines; a bounded reorder window puts a file written in arrival order into chain order) and
 * binary recordings (binary-rows.ts: payloads decoded when the file was exported, in chain
 * order). Both stream the file in chunks; memory is the reader's bound (readers.ts).
 */
import { open, type FileHandle } from "node:fs/promises";
import { BINARY_ROWS_MAGIC, BinaryRowDecoder } from "./binary-rows.js";
import { hold, inRange, newReaderStats, pageSizeOf, sameKey, type RangeOptions, type ReaderStats, type RowReader } from "./readers.js";
import { compareRows, type RecordedRow } from "./rows.js";


interface FileRow {
  readonly slot: number;
  readonly signature: string;
  readonly write_version: number;
  readonly kind: string;
  readonly mint?: unknown;
  /** The payload string, or (exports) the payload's JSON embedded. */
  readonly payload: unknown;
  readonly ts_ms: number;
}

const isRow = (x: unknown): x is FileRow => {
  if (typeof x !== "object" || x === null) return false;
  const r = x as Record<string, unknown>;
  const p = r["payload"];
  return typeof r["slot"] === "number" && typeof r["signature"] === "string" && typeof r["write_version"] === "number" &&
    typeof r["kind"] === "string" && (typeof p === "string" || (typeof p === "object" && p !== null)) && typeof r["ts_ms"] === "number";
};

/** A file's rows; what `onBadLine` numbers and `stats.records` counts are: lines (JSONL) or records (binary). */
export interface FileRowReader extends RowReader {
  readonly unit: "line" | "record";
}

/** A file's records that were not rows: how many of how many, and the first few with their reason. */
export interface RejectedRecords {
  readonly unit: "line" | "record";
  readonly count: number;
  readonly of: number;
  readonly first: readonly { readonly at: number; readonly reason: string }[];
}

/** Listens to `reader.onBadLine`; the returned function says what was rejected so far (the first `keep` kept). */
export function rejectedRecords(reader: FileRowReader, keep = 3): () => RejectedRecords {
  const first: { at: number; reason: string }[] = [];
  reader.onBadLine = (at, reason) => {
    if (first.length < keep) first.push({ at, reason });
  };
  return () => ({ unit: reader.unit, count: reader.stats.badLines, of: reader.stats.records, first: [...first] });
}

/** `rejected 2 of 5 lines of FILE: line 1: not JSON; line 4: ...; and 3 more`. */
export function formatRejected(r: RejectedRecords, source: string): string {
  const first = r.first.map((f) => `${r.unit} ${f.at}: ${f.reason}`).join("; ");
  const more = r.count > r.first.length ? `; and ${r.count - r.first.length} more` : "";
  return `rejected ${r.count} of ${r.of} ${r.unit}s of ${source}: ${first}${more}`;
}

export interface FileReaderOptions extends RangeOptions {
  /** Bytes per file read. Default 1 MiB. */
  readonly chunkBytes?: number;
}

/** How a file format splits bytes into records and records into rows. */
interface FileFormat {
  /** The bytes every file of the format starts with (none for JSONL). */
  readonly magic: Buffer;
  /** End (exclusive) of the record starting at `pos`, or -1 when the bytes in hand end first. */
  frame(data: Buffer, pos: number, fileDone: boolean): number;
  /** The row of record `data[pos, end)`; a string says why it is not one; null: nothing there. */
  parse(data: Buffer, pos: number, end: number): RecordedRow | string | null;
}

/**
 * Rows from a JSONL file, one `feed_events` row per line (the payload a string, or embedded JSON
 * as `exportRows` writes it), parsed a line at a time as the reorder window needs them. The file
 * may be in chain order (an export) or in arrival order (a recording): rows pass through a
 * reorder window of a page, sorted, of which half is handed out at a time, so rows that arrived
 * out of chain order by less than half a page come out in chain order (later ones are emitted
 * anyway, and counted as `outOfOrder`).
 */
export function jsonlReader(path: string, o: FileReaderOptions = {}): FileRowReader {
  const pageSize = pageSizeOf(o);
  const half = Math.max(1, pageSize >> 1);
  const stats = newReaderStats();
  const file = fileRecords(path, o, stats, JSONL);
  const order = chainOrder(stats);
  /** The reorder window: rows read and not yet handed out (at most a page). */
  let window: RecordedRow[] = [];
  const reader: FileRowReader = {
    unit: "line",
    stats,
    // Fill the window to a page, sort it (TimSort: nearly linear on nearly sorted rows), hand out
    // its first half and keep the rest, which later rows may still precede.
    async next() {
      hold(stats, window.length); // the previous page is released
      while (window.length < pageSize && !file.done) {
        const r = file.next(reader) ?? (await file.more());
        if (r !== null) window.push(r);
      }
      hold(stats, window.length);
      if (window.length === 0) return null;
      window.sort(compareRows);
      const out = file.done ? window : window.slice(0, half);
      window = file.done ? [] : window.slice(half);
      return order(out);
    },
    async close() {
      window = [];
      await file.close();
    },
  };
  return reader;
}

/**
 * Rows from a binary recording (binary-rows.ts), which `exportRows` writes in chain order: no
 * reorder window (rows out of order are emitted and counted), and pages of at most 512 rows
 * whatever `pageSize` allows, so decoded rows die young instead of being promoted to the old
 * generation while a big page waits (measured on a day of 200 tokens: 95 MB promoted with pages
 * of 512, 440 MB with 2,048, most of the stream stage with 20,000).
 */
export function binaryReader(path: string, o: FileReaderOptions = {}): FileRowReader {
  const pageSize = Math.min(pageSizeOf(o), 512);
  const stats = newReaderStats();
  const decoder = new BinaryRowDecoder();
  const file = fileRecords(path, o, stats, {
    magic: BINARY_ROWS_MAGIC,
    frame(data, pos, fileDone) {
      const end = data.length - pos >= 4 ? pos + 4 + data.readUInt32LE(pos) : Number.POSITIVE_INFINITY;
      return end <= data.length ? end : fileDone && pos < data.length ? data.length : -1; // a truncated tail is one bad record
    },
    parse: (data, pos, end) => (end - pos < 4 ? "record is truncated" : decoder.decode(data, pos + 4, end)),
  });
  const order = chainOrder(stats);
  const reader: FileRowReader = {
    unit: "record",
    stats,
    async next() {
      hold(stats, 0);
      const rows: RecordedRow[] = [];
      while (rows.length < pageSize && !file.done) {
        const r = file.next(reader) ?? (await file.more());
        if (r !== null) rows.push(r);
      }
      hold(stats, rows.length);
      return rows.length === 0 ? null : order(rows);
    },
    close: () => file.close(),
  };
  return reader;
}

/** A recording by its first bytes: the binary format's magic, else JSONL. */
export async function recordingReader(path: string, o: FileReaderOptions = {}): Promise<FileRowReader> {
  const fh = await open(path, "r");
  try {
    const head = Buffer.alloc(BINARY_ROWS_MAGIC.length);
    const { bytesRead } = await fh.read(head, 0, head.length, 0);
    return bytesRead === head.length && head.equals(BINARY_ROWS_MAGIC) ? binaryReader(path, o) : jsonlReader(path, o);
  } finally {
    await fh.close();
  }
}

/** Sorted rows to a page: exact duplicates of the row before dropped, rows out of order counted. */
function chainOrder(stats: ReaderStats): (rows: readonly RecordedRow[]) => RecordedRow[] {
  let lastOut: RecordedRow | null = null;
  return (rows) => {
    const page: RecordedRow[] = [];
    for (const r of rows) {
      if (lastOut !== null) {
        if (sameKey(lastOut, r)) {
          stats.duplicates++;
          continue;
        }
        if (compareRows(lastOut, r) > 0) stats.outOfOrder++;
      }
      lastOut = r;
      page.push(r);
    }
    stats.pages++;
    stats.rows += page.length;
    return page;
  };
}

const JSONL: FileFormat = {
  magic: Buffer.alloc(0),
  frame(data, pos, fileDone) {
    const nl = data.indexOf(10, pos);
    return nl >= 0 ? nl + 1 : fileDone && pos < data.length ? data.length : -1; // the last line may have no newline
  },
  parse(data, pos, end) {
    const text = data.toString("utf8", pos, data[end - 1] === 10 ? end - 1 : end);
    let x: unknown;
    try {
      x = JSON.parse(text);
    } catch {
      return text.trim() === "" ? null : "not JSON";
    }
    if (!isRow(x)) return "not a feed_events row (slot, signature, write_version, kind, payload, ts_ms)";
    const mint = typeof x.mint === "string" ? x.mint : "";
    return typeof x.payload === "string"
      ? { slot: x.slot, signature: x.signature, write_version: x.write_version, kind: x.kind, mint, payload: x.payload, ts_ms: x.ts_ms }
      : { slot: x.slot, signature: x.signature, write_version: x.write_version, kind: x.kind, mint, payload: "", parsed: x.payload, ts_ms: x.ts_ms };
  },
};

interface FileRecords {
  /** The file's rows are all read. */
  readonly done: boolean;
  /**
   * The next row in range from the bytes in hand (records that are not rows are counted and told
   * to `reader.onBadLine` with their line or record number); null when more bytes are needed.
   */
  next(reader: RowReader): RecordedRow | null;
  /** Read the next chunk (null, for `next() ?? await more()`). */
  more(): Promise<null>;
  close(): Promise<void>;
}

/** A file streamed in chunks and cut into records by its format. */
function fileRecords(path: string, o: FileReaderOptions, stats: ReaderStats, format: FileFormat): FileRecords {
  const chunkBytes = o.chunkBytes ?? 1 << 20;
  let fh: FileHandle | null = null;
  let fileDone = false;
  let data: Buffer = Buffer.alloc(0);
  let pos = 0;
  let magicChecked = format.magic.length === 0;
  let recordNo = 0;
  let rowsDone = false;
  /** The next chunk, read while the one in hand is parsed (the replay never waits on the disk). */
  let ahead: Promise<Buffer> | null = null;
  const readChunk = async (): Promise<Buffer> => {
    fh ??= await open(path, "r");
    const chunk = Buffer.allocUnsafe(chunkBytes);
    const { bytesRead } = await fh.read(chunk, 0, chunkBytes, null);
    return chunk.subarray(0, bytesRead);
  };
  const readAhead = (): void => {
    ahead = readChunk();
    ahead.catch(() => {}); // its failure surfaces where it is awaited, in more()
  };
  return {
    get done() {
      return rowsDone;
    },
    next(reader) {
      if (!magicChecked) {
        if (data.length < format.magic.length && !fileDone) return null;
        if (!data.subarray(0, format.magic.length).equals(format.magic)) throw new Error(`${path}: not a recording of this format (bad magic)`);
        pos = format.magic.length;
        magicChecked = true;
      }
      for (;;) {
        const end = format.frame(data, pos, fileDone);
        if (end < 0) return null;
        const start = pos;
        pos = end;
        recordNo++;
        const row = format.parse(data, start, end);
        if (row === null) continue;
        stats.records++;
        if (typeof row === "string") {
          stats.badLines++;
          reader.onBadLine?.(recordNo, row);
          continue;
        }
        if (inRange(row, o)) return row;
      }
    },
    async more() {
      if (fileDone) {
        rowsDone = true;
        return null;
      }
      const chunk = await (ahead ?? readChunk());
      ahead = null;
      // The unread tail (part of one record) goes first, the chunk after it.
      const rest = data.length - pos;
      const buf = Buffer.allocUnsafe(rest + chunk.length);
      data.copy(buf, 0, pos);
      chunk.copy(buf, rest);
      data = buf;
      pos = 0;
      if (chunk.length === 0) {
        fileDone = true;
        await fh?.close();
        fh = null;
      } else readAhead();
      return null;
    },
    async close() {
      rowsDone = fileDone = true;
      data = Buffer.alloc(0);
      // A read in flight finishes before its file is closed under it.
      await ahead?.catch(() => undefined);
      ahead = null;
      await fh?.close();
      fh = null;
    },
  };
}
