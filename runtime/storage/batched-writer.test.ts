import { existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { VirtualClock } from "../../core/clock.js";
import { seededRng } from "../../core/random.js";
import { BatchedWriter, type BatchedWriterOptions } from "./batched-writer.js";
import { openStorage } from "./clickhouse.js";
import { runMigrations } from "./migrations.js";
import type { BarRow, Storage } from "./storage.js";
import { FlakyNetwork, memoryLogger } from "./testing.js";

// Real chdb behind a simulated network; one engine and one temp dir for this file.
const dir = mkdtempSync(join(tmpdir(), "alphagpt-storage-writer-"));
let storage: Storage;
let net: FlakyNetwork;
let spoolN = 0;

beforeAll(async () => {
  storage = await openStorage({ kind: "embedded", dataDir: join(dir, "ch") });
  await runMigrations(storage);
});

afterAll(async () => {
  await storage?.close();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(async () => {
  await storage.exec("TRUNCATE TABLE bars");
  net = new FlakyNetwork(storage);
});

/** Fast timings (ms, not s) so outages and probes take a few ticks. */
function options(over: Partial<BatchedWriterOptions> = {}): BatchedWriterOptions {
  return {
    storage: net,
    table: "bars",
    spoolDir: join(dir, `spool-${++spoolN}`),
    maxBatchRows: 500,
    flushIntervalMs: 20,
    retry: { baseMs: 1, maxDelayMs: 4, maxRetries: 2 },
    probe: { baseMs: 5, maxDelayMs: 20 },
    logger: memoryLogger(),
    clock: new VirtualClock(1_700_000_000_000),
    rng: seededRng(1),
    ...over,
  };
}

const MINTS = Array.from({ length: 20 }, (_, i) => `Mint${String(i).padStart(40, "x")}`);

/** Rows with distinct keys (interval_s, mint, ts) for indexes [from, from + n). */
function bars(from: number, n: number, version = 1): BarRow[] {
  const rng = seededRng(from + 1);
  return Array.from({ length: n }, (_, k) => {
    const i = from + k;
    const p = rng.next() * 1e-3;
    return {
      interval_s: 60,
      mint: MINTS[i % MINTS.length] as string,
      ts: 1_700_000_000 + Math.floor(i / MINTS.length) * 60,
      open: p,
      high: p * 1.01,
      low: p * 0.99,
      close: p * (1 + (rng.next() - 0.5) / 10),
      volume: rng.next() * 1e5,
      liquidity: i % 7 === 0 ? null : rng.next() * 1e6,
      fdv: rng.next() * 1e7,
      trades: Math.floor(rng.next() * 100),
      lowprec: 0,
      source: "test",
      version,
    };
  });
}

async function pushAll(w: BatchedWriter, rows: readonly BarRow[], chunk = 250): Promise<void> {
  for (let i = 0; i < rows.length; i += chunk) await w.push(rows.slice(i, i + chunk));
}

async function eventually(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  for (let waited = 0; !check(); waited += 5) {
    if (waited > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** What the table says once duplicates are collapsed. */
async function stored(): Promise<BarRow[]> {
  return storage.query<BarRow>("SELECT * FROM bars FINAL ORDER BY interval_s, mint, ts");
}

const byKey = (a: BarRow, b: BarRow): number => a.interval_s - b.interval_s || (a.mint < b.mint ? -1 : a.mint > b.mint ? 1 : 0) || a.ts - b.ts;

describe("BatchedWriter", () => {
  it("loses ClickHouse mid-stream, gets it back, and ends with every row exactly once", async () => {
    const w = await BatchedWriter.open(options());
    const all = bars(0, 10_000);
    await pushAll(w, all.slice(0, 3_000));
    net.lostReplies = 1; // an insert lands but its reply is lost: the retry writes it twice
    await pushAll(w, all.slice(3_000, 4_000));
    await w.flush();
    net.down = true;
    await pushAll(w, all.slice(4_000, 7_000));
    await eventually(() => w.stats().degraded && w.stats().spoolFiles >= 2, "batches in the spool");
    net.down = false;
    await pushAll(w, all.slice(7_000));
    await w.drain();
    await w.close();

    const s = w.stats();
    expect(s.rowsPushed).toBe(10_000);
    expect(s.rowsSpooled).toBeGreaterThan(0);
    expect(s.rowsReplayed).toBe(s.rowsSpooled);
    expect(s.retries).toBeGreaterThan(0);
    expect([s.spoolFiles, s.bufferRows, s.degraded]).toEqual([0, 0, false]);
    expect((await storage.query<{ n: number }>("SELECT count() AS n FROM bars"))[0]!.n).toBeGreaterThanOrEqual(10_000);
    expect(await stored()).toEqual([...all].sort(byKey));
  });

  it("does not double count a batch written twice when read with FINAL", async () => {
    const w = await BatchedWriter.open(options());
    const rows = bars(0, 1_000);
    await pushAll(w, rows);
    await w.flush();
    await pushAll(w, rows); // the same batch replayed
    await w.close();
    expect(w.stats().rowsWritten).toBe(2_000);
    expect(await stored()).toEqual([...rows].sort(byKey));
    await storage.exec("OPTIMIZE TABLE bars FINAL");
    expect(await storage.query("SELECT count() AS n FROM bars")).toEqual([{ n: 1_000 }]);
  });

  it("leaves a spool when closed during an outage, and a new writer replays it", async () => {
    const opts = options();
    net.down = true;
    const first = await BatchedWriter.open(opts);
    const rows = bars(0, 2_000);
    await pushAll(first, rows);
    await first.close();
    expect(first.stats()).toMatchObject({ rowsWritten: 0, spoolRows: 2_000, bufferRows: 0 });

    // A crash mid-write leaves a .tmp: it was never acknowledged as durable, so it is dropped.
    const tableDir = join(opts.spoolDir, "bars");
    writeFileSync(join(tableDir, "000000000999-5.spool.tmp"), "garbage");
    // A damaged complete file is moved aside (rejected/), loudly, and the rest still replays.
    writeFileSync(join(tableDir, "000000000998-3.spool"), '{"v":1,"table":"bars","rows":3,"bodyBytes":999}\ntruncated');
    net.down = false;
    const second = await BatchedWriter.open({ ...opts, storage });
    expect(second.stats().spoolRows).toBe(2_003);
    await second.drain();
    await second.close();
    expect(second.stats()).toMatchObject({ rowsReplayed: 2_000, rowsRejected: 3, spoolFiles: 0 });
    expect(readdirSync(tableDir).filter((f) => f !== "rejected")).toEqual([]);
    expect(readdirSync(join(tableDir, "rejected"))).toEqual(["000000000998-3.spool"]);
    expect(await stored()).toEqual([...rows].sort(byKey));
  });

  it("spool full, policy reject: rejects pushes it cannot keep, and loses no acknowledged row", async () => {
    net.down = true;
    const w = await BatchedWriter.open(options({ maxBatchRows: 100, maxBufferRows: 200, maxSpoolBytes: 40_000, onSpoolFull: "reject" }));
    const acknowledged: BarRow[] = [];
    let rejection: unknown;
    for (let i = 0; i < 200 && rejection === undefined; i++) {
      const rows = bars(i * 100, 100);
      try {
        await w.push(rows);
        acknowledged.push(...rows);
      } catch (err) {
        rejection = err;
      }
      expect(w.stats().bufferRows).toBeLessThanOrEqual(300); // buffer + the batch in hand
    }
    expect(rejection).toMatchObject({ _tag: "SpoolFullError", table: "bars" });
    expect(w.stats()).toMatchObject({ spoolFull: true, degraded: true });
    expect(w.stats().spoolBytes).toBeLessThanOrEqual(40_000);

    net.down = false;
    await w.drain();
    await w.close();
    expect(w.stats().spoolFull).toBe(false);
    expect(await stored()).toEqual(acknowledged.sort(byKey));
  });

  it("spool full, policy block: push waits for ClickHouse, or rejects after blockTimeoutMs", async () => {
    net.down = true;
    const w = await BatchedWriter.open(options({ maxBatchRows: 100, maxBufferRows: 200, maxSpoolBytes: 40_000, onSpoolFull: "block" }));
    const pushed: BarRow[] = [];
    const isBlocked = (): boolean => w.stats().spoolFull && w.stats().waitingPushes > 0;
    let blocked: Promise<void> | undefined;
    for (let i = 0; i < 200 && blocked === undefined; i++) {
      const rows = bars(i * 100, 100);
      pushed.push(...rows);
      const p = w.push(rows);
      const done = await Promise.race([p.then(() => true), eventually(isBlocked, "a blocked push").then(() => false)]);
      if (!done) blocked = p;
    }
    expect(blocked).toBeDefined();
    expect(w.stats().waitingPushes).toBe(1);
    net.down = false;
    await blocked;
    await w.drain();
    await w.close();
    expect(await stored()).toEqual(pushed.sort(byKey));

    await storage.exec("TRUNCATE TABLE bars");
    net.down = true;
    const t = await BatchedWriter.open(options({ maxBatchRows: 100, maxBufferRows: 100, maxSpoolBytes: 1, blockTimeoutMs: 30 }));
    const accepted = [...bars(0, 100), ...bars(100, 100)];
    await t.push(accepted.slice(0, 100));
    await eventually(() => t.stats().spoolFull, "the first batch to be held in memory");
    await t.push(accepted.slice(100)); // the buffer is empty: accepted
    await expect(t.push(bars(200, 100))).rejects.toMatchObject({ _tag: "SpoolFullError", table: "bars" });
    expect(t.stats().rowsPushed).toBe(200);
    net.down = false;
    await t.drain();
    await t.close();
    expect(await stored()).toEqual(accepted.sort(byKey));
  });

  it("durable ack resolves only once rows are in ClickHouse or on disk, and rejects invalid rows", async () => {
    net.down = true;
    const opts = options({ ack: "durable", flushIntervalMs: 5 });
    const w = await BatchedWriter.open(opts);
    await w.push(bars(0, 10));
    expect(w.stats().spoolRows).toBe(10);
    net.down = false;
    await eventually(() => !w.stats().degraded, "the probe to find ClickHouse again");

    const bad = w.push([{ ...bars(10, 1)[0]!, open: "not a number" }]);
    await expect(bad).rejects.toMatchObject({ _tag: "StorageQueryError", kind: "bad-data" });
    await w.drain();
    await w.close();
    expect(w.stats()).toMatchObject({ rowsRejected: 1, rowsReplayed: 10 });
    expect(readdirSync(join(opts.spoolDir, "bars", "rejected"))).toHaveLength(1);
    expect((await stored()).length).toBe(10);
  });

  it("flushes by age, rejects malformed rows at push, and refuses pushes after close", async () => {
    const opts = options({ flushIntervalMs: 10 });
    const w = await BatchedWriter.open(opts);
    await w.push(bars(0, 7));
    await eventually(() => w.stats().rowsWritten === 7, "the age flush");
    await expect(w.push([{ nope: 1 }])).rejects.toMatchObject({ _tag: "StorageEncodeError" });
    expect(w.stats().rowsPushed).toBe(7);
    await expect(BatchedWriter.open(opts)).rejects.toThrow(/already owns spool directory/);
    await w.close();
    await expect(w.push(bars(7, 1))).rejects.toMatchObject({ _tag: "StorageClosedError" });
    expect(existsSync(join(opts.spoolDir, "bars", "rejected"))).toBe(true);
  });
});
