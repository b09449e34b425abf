/**
 * Parity and determinism of the streaming replay (issue 8).
 *
 * A paper-trading session runs the daemon's trading composition over the simulated market as
 * the loopback Geyser server streams it (arrival order, slot updates, curves registered up
 * front) and records what live ingest records: the raw `feed_events` rows, into a JSONL file and
 * into ClickHouse. Replaying that recording (chain order, slot updates rebuilt, curve mints from
 * the rows, virtual clock) reproduces the session's transitions and order intents exactly, from
 * the file and from ClickHouse; two replays give the same hash, whatever the page size.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { binaryReader, jsonlReader } from "../../streams/replay/file-readers.js";
import { clickHouseReader } from "../../streams/replay/readers.js";
import type { FeedEventRow } from "../../streams/sinks/rows.js";
import { runReplay, type ReplayResult } from "../../runtime/replay/driver.js";
import { runHash } from "../../runtime/replay/hash.js";
import { exportRows, writeRows } from "../../runtime/replay/jsonl.js";
import { runPaperSession } from "../../runtime/replay/paper.js";
import { testConfig, testSim, testStrategy, testUsd } from "../../runtime/replay/testing.js";
import { openStorage } from "../../runtime/storage/clickhouse.js";
import { runMigrations } from "../../runtime/storage/migrations.js";
import type { Storage } from "../../runtime/storage/storage.js";

const dir = mkdtempSync(join(tmpdir(), "alphagpt-replay-parity-"));
const recording = join(dir, "session.jsonl");
const config = testConfig();
let paper: ReplayResult;
let rows: FeedEventRow[] = [];
let storage: Storage;

beforeAll(async () => {
  const recorded: FeedEventRow[] = [];
  paper = await runPaperSession({ config, strategy: testStrategy, usd: testUsd, sim: testSim(), record: (r) => recorded.push(r) });
  rows = recorded;
  await writeRows(recording, rows);
  storage = await openStorage({ kind: "embedded", dataDir: join(dir, "clickhouse") });
  await runMigrations(storage);
  for (let i = 0; i < rows.length; i += 20_000) await storage.insert("feed_events", rows.slice(i, i + 20_000));
  // A replayed ingest writes the same rows again: FINAL keeps one.
  await storage.insert("feed_events", rows.slice(0, 500));
});

afterAll(async () => {
  await storage?.close();
  rmSync(dir, { recursive: true, force: true });
});

const replayFile = (pageSize: number, c = config) => runReplay({ config: c, strategy: testStrategy, usd: testUsd, reader: jsonlReader(recording, { pageSize }) });

describe("replay of a recorded paper session", () => {
  it("the session traded: positions opened, took profit or stopped, closed", () => {
    expect(paper.positions.length).toBeGreaterThanOrEqual(5);
    const reasons = new Set(paper.log.transitions.map((t) => t.reason));
    expect([...reasons].some((r) => r === "stop_loss" || r === "trailing_stop")).toBe(true);
    expect(paper.log.intents.some((i) => i.side === "sell")).toBe(true);
    expect(paper.hash).toBe(runHash(paper.log));
  });

  it("from the JSONL recording reproduces every transition and order intent", async () => {
    const r = await replayFile(5_000);
    expect(r.log.transitions).toEqual(paper.log.transitions);
    expect(r.log.intents).toEqual(paper.log.intents);
    expect(r.hash).toBe(paper.hash);
    // What replay had to rebuild: slot updates and chain order.
    expect(r.counters.replay?.slotUpdates).toBeGreaterThan(1_000);
    expect(r.counters.rows).toMatchObject({ bad: 0, skipped: 0, decoded: rows.length });
  });

  it("from a binary recording of it (payloads decoded once, at export) reproduces them too, and exports back to JSONL", async () => {
    const bin = join(dir, "session.bin");
    expect(await exportRows(jsonlReader(recording), bin, "binary")).toBe(rows.length);
    const r = await runReplay({ config, strategy: testStrategy, usd: testUsd, reader: binaryReader(bin, { pageSize: 5_000 }) });
    expect(r.log.transitions).toEqual(paper.log.transitions);
    expect(r.log.intents).toEqual(paper.log.intents);
    expect(r.hash).toBe(paper.hash);
    expect(r.counters.rows).toMatchObject({ bad: 0, skipped: 0, decoded: rows.length });
    const back = join(dir, "back.jsonl");
    await exportRows(binaryReader(bin), back);
    expect((await runReplay({ config, strategy: testStrategy, usd: testUsd, reader: jsonlReader(back) })).hash).toBe(paper.hash);
  });

  it("from ClickHouse (keyset pages, duplicates read once) reproduces them too", async () => {
    const reader = clickHouseReader(storage, { pageSize: 4_000, kindPrefixes: ["geyser."] });
    const r = await runReplay({ config, strategy: testStrategy, usd: testUsd, reader });
    expect(reader.stats.rows).toBe(rows.length);
    expect(reader.stats.maxHeld).toBeLessThanOrEqual(4_000);
    expect(r.log.transitions).toEqual(paper.log.transitions);
    expect(r.log.intents).toEqual(paper.log.intents);
    expect(r.hash).toBe(paper.hash);
  });

  it("is deterministic: two runs and any page size give the same hash; another config does not", async () => {
    const a = await replayFile(997);
    const b = await replayFile(50_000);
    expect(a.hash).toBe(paper.hash);
    expect(b.hash).toBe(a.hash);
    const other = await replayFile(5_000, testConfig({ strategy: { stopLossPct: -0.2 } }));
    expect(other.hash).not.toBe(a.hash);
  });
});
