/**
 * Files of `feed_events` rows, the replay's file formats. JSONL: one row per line, the table's
 * columns as JSON (`slot, signature, write_version, kind, mint, payload, ts_ms`), the payload as
 * the column's string (readers also take it embedded as JSON). A string parsed late is cheaper
 * overall than an embedded object: the reorder window then holds flat strings, not object trees
 * the garbage collector must promote (measured: 5.9 s against 8.3 s for a day of 200 tokens).
 * Binary (streams/replay/binary-rows.ts): the payloads decoded once, here, not at every replay
 * (the replay bench's stream stage: 3x faster than from JSONL).
 *
 * - `exportRows`: a reader's pages (ClickHouse, in chain order) to a file, a page at a time: how
 *   the main thread hands a range to sweep workers without them touching ClickHouse.
 * - `simRecordingRows`: what live ingest would have recorded from the loopback market for a
 *   simulated run (its Geyser updates in arrival order, through `rawFeedRows`), for benches and
 *   tests that need a recording without running a daemon.
 */
import { open } from "node:fs/promises";
import { writing } from "../../core/files.js";
import { PoolRegistry } from "../../streams/decoders/registry.js";
import { parseSubscribeUpdate } from "../../streams/geyser/parse.js";
import { BINARY_ROWS_MAGIC, BinaryRowEncoder } from "../../streams/replay/binary-rows.js";
import type { RowReader } from "../../streams/replay/readers.js";
import { sourceOf, type RecordedRow } from "../../streams/replay/rows.js";
import type { FeedEventRow } from "../../streams/sinks/rows.js";
import type { FeedEvent } from "../../streams/types.js";
import { SimGeyserFeed } from "../../testkit/geyser/sim-feed.js";
import { simulateMarket, type SimOptions } from "../../testkit/sim/index.js";
import { rawFeedRows } from "../ingest/feed-rows.js";

/** One row as a line: the table's columns, the payload the column's string (parsed once, late, on read). */
function line(r: RecordedRow): string {
  const payload = r.event !== undefined ? eventPayload(r, r.event) : r.parsed !== undefined ? JSON.stringify(r.parsed) : r.payload;
  return JSON.stringify({ slot: r.slot, signature: r.signature, write_version: r.write_version, kind: r.kind, mint: r.mint, payload, ts_ms: r.ts_ms });
}

/** The payload live ingest wrote for a row a binary recording hands over decoded. */
const eventPayload = (r: RecordedRow, e: FeedEvent): string => rawFeedRows(sourceOf(r.kind), () => r.mint)(e)[0]?.payload ?? "";

export type RecordingFormat = "jsonl" | "binary";

/** Rows to bytes in a format: the JSONL lines, or the binary records after its magic. */
function encoderOf(format: RecordingFormat): { readonly head: Uint8Array; encode(r: RecordedRow): string | Uint8Array } {
  if (format === "jsonl") return { head: new Uint8Array(0), encode: (r) => line(r) + "\n" };
  const enc = new BinaryRowEncoder();
  return { head: BINARY_ROWS_MAGIC, encode: (r) => enc.encode(r) };
}

/**
 * Write rows to `path` a chunk at a time, as JSONL (default) or in the binary format
 * (streams/replay/binary-rows.ts, whose reader expects chain order: what `exportRows` gives);
 * resolves with the count once the file is written. A path that cannot be written (its folder
 * missing, a directory) is a FileWriteError.
 */
export async function writeRows(path: string, rows: Iterable<RecordedRow> | AsyncIterable<RecordedRow>, format: RecordingFormat = "jsonl"): Promise<number> {
  // A file handle, not a stream: its errors reject the awaited call instead of an 'error' event no one listens to.
  const out = await writing(path, open(path, "w"));
  const { head, encode } = encoderOf(format);
  const CHUNK = 1 << 20;
  let buf = Buffer.allocUnsafe(CHUNK);
  let at = 0;
  // The write is awaited before the buffer is refilled, so one buffer serves the whole file.
  const flush = async (): Promise<void> => {
    if (at === 0) return;
    await writing(path, out.writeFile(buf.subarray(0, at)));
    at = 0;
  };
  const put = async (b: string | Uint8Array): Promise<void> => {
    const bytes = typeof b === "string" ? Buffer.from(b, "utf8") : b;
    if (at + bytes.length > buf.length) await flush();
    if (bytes.length > buf.length) buf = Buffer.allocUnsafe(bytes.length);
    buf.set(bytes, at);
    at += bytes.length;
  };
  let n = 0;
  try {
    await put(head);
    for await (const r of rows) {
      await put(encode(r));
      n++;
    }
    await flush();
  } finally {
    await writing(path, out.close());
  }
  return n;
}

/** Every page of `reader` to a file (chain order, as the reader gives it). */
export async function exportRows(reader: RowReader, path: string, format: RecordingFormat = "jsonl"): Promise<number> {
  async function* all(): AsyncGenerator<RecordedRow> {
    try {
      for (;;) {
        const page = await reader.next();
        if (page === null) return;
        yield* page;
      }
    } finally {
      await reader.close();
    }
  }
  return writeRows(path, all(), format);
}

/**
 * The raw rows live ingest would write for a simulated market streamed by the loopback Geyser
 * server (arrival order; slot updates are not stored, as live). Lazy: constant memory.
 */
export function* simRecordingRows(options: SimOptions, source = "geyser"): Generator<FeedEventRow> {
  const market = simulateMarket(options);
  const feed = new SimGeyserFeed();
  const registry = new PoolRegistry();
  for (const p of market.plans) if (!p.direct) registry.registerCurve(feed.address(p.launchPool), feed.address(p.mint));
  const rows = rawFeedRows(source, (pk) => registry.mintOfCurve(pk));
  for (const e of market.events()) {
    for (const u of feed.updates(e)) {
      if (u.slot !== undefined) continue;
      const p = parseSubscribeUpdate(u, u.createdAt instanceof Date ? u.createdAt.getTime() : e.tsMs);
      if (p.ok && p.event !== null) yield* rows(p.event);
    }
  }
}
