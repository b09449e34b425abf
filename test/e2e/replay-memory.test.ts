/**
 * Flat memory: a range of any length streams through the replay with at most one page of rows
 * held, from ClickHouse (keyset pages), from a JSONL file (chunked reads, bounded reorder
 * window) and from a binary recording (chunked reads, in chain order). The bound is asserted on the readers' instrumented counter (`maxHeld`), not on RSS:
 * the range here is a few hundred pages long, and the counter proves it was never more than one.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { lastValueFrom, count } from "rxjs";
import { afterAll, describe, expect, it } from "vitest";
import { ReplayClock } from "../../streams/replay/clock.js";
import { binaryReader, jsonlReader } from "../../streams/replay/file-readers.js";
import { clickHouseReader, type RowReader } from "../../streams/replay/readers.js";
import type { RecordedRow } from "../../streams/replay/rows.js";
import { newReplayStats, replayFeed } from "../../streams/replay/source.js";
import { runReplay } from "../../runtime/replay/driver.js";
import { exportRows, simRecordingRows, writeRows } from "../../runtime/replay/jsonl.js";
import { testConfig, testStrategy, testUsd } from "../../runtime/replay/testing.js";
import { openStorage } from "../../runtime/storage/clickhouse.js";
import { runMigrations } from "../../runtime/storage/migrations.js";

const dir = mkdtempSync(join(tmpdir(), "alphagpt-replay-memory-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const T0 = 1_735_689_600_000;
const ROWS = 240_000;
const PAGE = 1_000;

/** A long range of cheap rows: account writes of an unknown program (decoded, then ignored). */
function* longRange(): Generator<RecordedRow> {
  for (let i = 0; i < ROWS; i++) {
    const slot = 300_000_000 + Math.floor(i / 4);
    const ts = T0 + Math.floor(i / 4) * 400;
    // Within a slot the writes arrive in reverse: chain order must restore them.
    const wv = Math.floor(i / 4) * 4 + (3 - (i % 4));
    yield {
      slot, signature: `acct${i % 50}`, write_version: wv, kind: "geyser.account", mint: "",
      payload: `{"pubkey":"acct${i % 50}","owner":"Unknown1111111111111111111111111","data":"AQID","writeVersion":${wv},"tsEvent":${ts},"tsInit":${ts}}`,
      ts_ms: ts,
    };
  }
}

async function drain(reader: RowReader): Promise<{ events: number; ordered: boolean; lastMs: number | null }> {
  const stats = newReplayStats();
  let prev = -1;
  let ordered = true;
  const clock = new ReplayClock();
  const events = await lastValueFrom(
    replayFeed({
      reader, clock, stats,
      pace: () => {
        // Virtual time never runs backwards.
        if (clock.now() < prev) ordered = false;
        prev = clock.now();
        return undefined;
      },
    }).pipe(count()),
  );
  return { events, ordered, lastMs: stats.lastMs };
}

describe("a long range streams in flat memory", () => {
  it("from a JSONL file: one page held at most, every row replayed in order", async () => {
    const path = join(dir, "long.jsonl");
    await writeRows(path, longRange());
    const reader = jsonlReader(path, { pageSize: PAGE, chunkBytes: 64 * 1024 });
    const r = await drain(reader);
    expect(reader.stats.rows).toBe(ROWS);
    expect(reader.stats.pages).toBeGreaterThanOrEqual(ROWS / PAGE);
    expect(reader.stats.maxHeld).toBeLessThanOrEqual(PAGE);
    expect(reader.stats.outOfOrder).toBe(0);
    expect(r.events).toBe(ROWS + ROWS / 4); // every row, and a slot update closing each slot
    expect(r.ordered).toBe(true);
    expect(r.lastMs).toBe(T0 + (ROWS / 4 - 1) * 400);
  });

  it("from a binary recording: one page held at most, every row replayed in order", async () => {
    const jsonl = join(dir, "long-for-binary.jsonl");
    const path = join(dir, "long.bin");
    await writeRows(jsonl, longRange());
    await exportRows(jsonlReader(jsonl, { pageSize: PAGE }), path, "binary");
    const reader = binaryReader(path, { pageSize: PAGE, chunkBytes: 64 * 1024 });
    const r = await drain(reader);
    expect(reader.stats.rows).toBe(ROWS);
    expect(reader.stats.maxHeld).toBeLessThanOrEqual(PAGE);
    expect(reader.stats.outOfOrder).toBe(0);
    expect(r.events).toBe(ROWS + ROWS / 4);
    expect(r.ordered).toBe(true);
    expect(r.lastMs).toBe(T0 + (ROWS / 4 - 1) * 400);
  });

  it("from ClickHouse: keyset pages of at most one page size", async () => {
    const storage = await openStorage({ kind: "embedded", dataDir: join(dir, "clickhouse") });
    try {
      await runMigrations(storage);
      let batch: RecordedRow[] = [];
      for (const row of longRange()) {
        batch.push(row);
        if (batch.length === 60_000) {
          await storage.insert("feed_events", batch);
          batch = [];
        }
      }
      if (batch.length > 0) await storage.insert("feed_events", batch);
      const reader = clickHouseReader(storage, { pageSize: 4 * PAGE });
      const r = await drain(reader);
      expect(reader.stats.rows).toBe(ROWS);
      expect(reader.stats.total).toBe(ROWS);
      expect(reader.stats.maxHeld).toBeLessThanOrEqual(4 * PAGE);
      expect(reader.stats.pages).toBeGreaterThanOrEqual(ROWS / (4 * PAGE));
      expect(r.events).toBe(ROWS + ROWS / 4);
      expect(r.ordered).toBe(true);
    } finally {
      await storage.close();
    }
  });

  it("through the whole trading pipeline, the reader still holds one page at most", async () => {
    const path = join(dir, "market.jsonl");
    const n = await writeRows(path, simRecordingRows({ seed: 9, tokens: 10, bars: 180, barIntervalS: 60, plantedSignal: { strength: 1 }, solUsd: { start: 150, dailyVol: 0 } }));
    const reader = jsonlReader(path, { pageSize: 500 });
    const r = await runReplay({ config: testConfig(), strategy: testStrategy, usd: testUsd, reader });
    expect(reader.stats.rows).toBe(n);
    expect(reader.stats.pages).toBeGreaterThan(n / 500);
    expect(reader.stats.maxHeld).toBeLessThanOrEqual(500);
    expect(r.counters.bars).toBeGreaterThan(0);
  });
});
