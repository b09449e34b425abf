/**
 * JSONL files of `feed_events` rows: the replay's file format. One row per line, the table's
 * columns as JSON (`slot, signature, write_version, kind, mint, payload, ts_ms`), the payload as
 * the column's string (readers also take it embedded as JSON). A string parsed late is cheaper
 * overall than an embedded object: the reorder window then holds flat strings, not object trees
 * the garbage collector must promote (measured: 5.9 s against 8.3 s for a day of 200 tokens).
 *
 * - `exportRows`: a reader's pages (ClickHouse, in chain order) to a file, a page at a time: how
 *   the main thread hands a range to sweep workers without them touching ClickHouse.
 * - `simRecordingRows`: what live ingest would have recorded from the loopback market for a
 *   simulated run (its Geyser updates in arrival order, through `rawFeedRows`), for benches and
 *   tests that need a recording without running a daemon.
 */
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { PoolRegistry } from "../../streams/decoders/registry.js";
import { parseSubscribeUpdate } from "../../streams/geyser/parse.js";
import type { RowReader } from "../../streams/replay/readers.js";
import type { RecordedRow } from "../../streams/replay/rows.js";
import type { FeedEventRow } from "../../streams/sinks/rows.js";
import { SimGeyserFeed } from "../../testkit/geyser/sim-feed.js";
import { simulateMarket, type SimOptions } from "../../testkit/sim/index.js";
import { rawFeedRows } from "../ingest/feed-rows.js";

/** One row as a line: the table's columns, the payload the column's string (parsed once, late, on read). */
function line(r: RecordedRow): string {
  const payload = r.parsed !== undefined ? JSON.stringify(r.parsed) : r.payload;
  return JSON.stringify({ slot: r.slot, signature: r.signature, write_version: r.write_version, kind: r.kind, mint: r.mint, payload, ts_ms: r.ts_ms });
}

/** Write rows to `path` with backpressure; resolves with the count once the file is flushed. */
export async function writeRows(path: string, rows: Iterable<RecordedRow> | AsyncIterable<RecordedRow>): Promise<number> {
  const out = createWriteStream(path, { encoding: "utf8" });
  let n = 0;
  let buf = "";
  try {
    for await (const r of rows) {
      buf += line(r) + "\n";
      n++;
      if (buf.length >= 1 << 20) {
        if (!out.write(buf)) await once(out, "drain");
        buf = "";
      }
    }
    if (buf.length > 0) out.write(buf);
  } finally {
    out.end();
    await once(out, "finish");
  }
  return n;
}

/** Every page of `reader` to a JSONL file (chain order, as the reader gives it). */
export async function exportRows(reader: RowReader, path: string): Promise<number> {
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
  return writeRows(path, all());
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
