/**
 * importOhlcv / importPools against a hand-written in-memory Storage: what gets written, in what
 * batches, and that a bad file writes nothing. The same against ClickHouse: import.integration.test.ts.
 */
import { access, mkdir, mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileWriteError } from "../../core/files.js";
import type { Storage } from "../storage/storage.js";
import { DATASET_DIR } from "./dataset.fixture.js";
import { CsvImportError } from "./errors.js";
import { exportBars } from "./export.js";
import { importOhlcv } from "./ohlcv-csv.js";
import { importPools } from "./pools-csv.js";

class MemoryStorage implements Storage {
  readonly target = "memory:";
  readonly inserts: Array<{ table: string; rows: readonly object[] }> = [];
  readonly queries: string[] = [];
  async exec(): Promise<void> {}
  async query<T>(sql: string): Promise<T[]> {
    this.queries.push(sql);
    return [];
  }
  async insert(table: string, rows: readonly object[]): Promise<void> {
    this.inserts.push({ table, rows });
  }
  async insertEncoded(): Promise<void> {
    throw new Error("the importers insert rows, not pre-encoded batches");
  }
  async close(): Promise<void> {}
  rows(table: string): object[] {
    return this.inserts.filter((i) => i.table === table).flatMap((i) => [...i.rows]);
  }
}

const GOOD = `ts,pool,symbol,open,high,low,close,volume,lowprec
3600,P1,AAA / SOL,1,2,0.5,1.5,100,0
7200,P1,AAA / SOL,1.5,1.6,1.4,1.45,0,1
10800,P1,,1.45,1.5,1.4,1.5,10,0
3600,P2,,2e-5,3e-5,1e-5,2.5e-5,5,1
3600,P3,BBB / SOL,1,1,1,1,1,0
`;

let dir = "";
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "alphagpt-io-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("importOhlcv", () => {
  it("writes every bar in batches, with source and version, and tokens from symbol", async () => {
    const path = join(dir, "ohlcv_1h.csv");
    await writeFile(path, GOOD);
    const storage = new MemoryStorage();
    const progress: number[] = [];
    const result = await importOhlcv(storage, path, { version: 42, batchSize: 2, onProgress: (n) => progress.push(n) });
    expect(result.written).toEqual({ bars: 5, tokens: 2 });
    expect(storage.inserts.filter((i) => i.table === "bars").map((i) => i.rows.length)).toEqual([2, 2, 1]);
    expect(progress).toEqual([2, 4, 5]);
    expect(storage.rows("bars")[1]).toEqual({
      interval_s: 3600, mint: "P1", ts: 7200, open: 1.5, high: 1.6, low: 1.4, close: 1.45, volume: 0,
      liquidity: null, fdv: null, trades: 0, lowprec: 1, source: "csv:ohlcv_1h.csv", version: 42,
    });
    expect(storage.rows("tokens")).toContainEqual({
      mint: "P1", symbol: "AAA", name: "AAA / SOL", decimals: 0, pool: "P1", dex: "", created_ts: 0, source: "csv:ohlcv_1h.csv", version: 42,
    });
  });

  it("skips token rows for keys already described by pools metadata", async () => {
    const path = join(dir, "described_1h.csv");
    await writeFile(path, GOOD);
    const storage = new MemoryStorage();
    const result = await importOhlcv(storage, path, { version: 1, describedKeys: new Set(["P1"]), source: "test" });
    expect(storage.rows("tokens").map((t) => (t as { mint: string }).mint)).toEqual(["P3"]);
    expect(result.source).toBe("test");
  });

  it("rejects a bad file with every issue located, and writes nothing", async () => {
    const path = join(dir, "bad_1h.csv");
    await writeFile(path, GOOD.replace("1.5,1.6,1.4", "1.5,oops,1.4").replace("10800,", "10801,"));
    const storage = new MemoryStorage();
    const error = await importOhlcv(storage, path, { version: 1 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CsvImportError);
    expect((error as CsvImportError).issues).toMatchObject([
      { line: 3, column: "high" },
      { line: 4, column: "ts" },
    ]);
    expect((error as CsvImportError).message).toMatch(/line 3, column high: not a number/);
    expect(storage.inserts).toEqual([]);
  });

  it("refuses a version that is not a non-negative integer", async () => {
    await expect(importOhlcv(new MemoryStorage(), join(dir, "ohlcv_1h.csv"), { version: 1.5 })).rejects.toThrow(/version/);
  });
});

describe("importPools", () => {
  it("writes one token row per pool, keyed by the base mint where known", async () => {
    const storage = new MemoryStorage();
    const result = await importPools(storage, `${DATASET_DIR}pools.csv`, { version: 7 });
    expect(result).toMatchObject({ pools: 141, withMint: 11 });
    expect(result.describedKeys.size).toBe(141);
    const tokens = storage.rows("tokens");
    expect(tokens).toHaveLength(141);
    expect(tokens).toContainEqual({
      mint: "5LKHMd2rMSRaG9y4iHwSLRtrJ3dCrJ2CytvBeak8pump", symbol: "CBRL", name: "CBRL / SOL", decimals: 0,
      pool: "7bqJG2ZdMKbEkgSmfuqNVBvqEvWavgL8UEo33ZqdL3NP", dex: "pumpswap", created_ts: Date.parse("2025-08-20T21:40:53Z") / 1000,
      source: "csv:pools.csv", version: 7,
    });
    // Unknown mint: the pool stands in for it.
    expect(tokens).toContainEqual(expect.objectContaining({ mint: "99D5oi479AxQpQcfVKkTK6E7r1Y8KJSKhaA9dUBws1vd", symbol: "XBT" }));
  });

  it("rejects a duplicate pool and a bad creation time, writing nothing", async () => {
    const path = join(dir, "pools.csv");
    await writeFile(path, "pool,symbol,pool_created_at\nA,,2025-13-01T00:00:00Z\nB,,\nA,,\n");
    const storage = new MemoryStorage();
    const error = await importPools(storage, path, { version: 1 }).catch((e: unknown) => e);
    expect((error as CsvImportError).issues).toMatchObject([
      { line: 2, column: "pool_created_at" },
      { line: 4, column: "pool" },
    ]);
    expect(storage.inserts).toEqual([]);
  });
});

describe("exportBars (stub storage)", () => {
  const EXPORT_HEADER = "ts,mint,open,high,low,close,volume,liquidity,fdv,trades,lowprec";

  it("writes the header even with no rows, and reads with FINAL", async () => {
    const storage = new MemoryStorage();
    const out = join(dir, "empty.csv");
    expect(await exportBars(storage, { interval: "5m", format: "csv" }, out)).toMatchObject({ rows: 0, format: "csv" });
    expect(await readFile(out, "utf8")).toBe(`${EXPORT_HEADER}\n`);
    expect(storage.queries[0]).toMatch(/FROM bars FINAL WHERE interval_s = \{interval_s:UInt32\}/);
  });

  it("refuses Parquet off the embedded engine and leaves no file behind", async () => {
    const out = join(dir, "server.parquet");
    await expect(exportBars(new MemoryStorage(), { interval: "1h", format: "parquet" }, out)).rejects.toThrow(/embedded engine/);
    await expect(access(out)).rejects.toThrow();
    await expect(access(`${out}.partial`)).rejects.toThrow();
  });

  it("creates the output's missing folders", async () => {
    const out = join(dir, "new", "deeper", "bars.csv");
    expect(await exportBars(new MemoryStorage(), { interval: "1h", format: "csv" }, out)).toMatchObject({ path: out, rows: 0 });
    expect(await readFile(out, "utf8")).toBe(`${EXPORT_HEADER}\n`);
    expect(await readdir(join(dir, "new", "deeper"))).toEqual(["bars.csv"]);
  });

  it("fails with the path and the reason when the output is a directory, and leaves nothing behind", async () => {
    const out = join(dir, "a-directory");
    await mkdir(out);
    const failure = exportBars(new MemoryStorage(), { interval: "1h", format: "csv" }, out);
    await expect(failure).rejects.toThrow(FileWriteError);
    await expect(failure).rejects.toThrow(`cannot write ${out}: illegal operation on a directory`);
    await expect(access(`${out}.partial`)).rejects.toThrow();
  });

  it("fails with the path and the reason when a parent is a file", async () => {
    const parent = join(dir, "plain-file");
    await writeFile(parent, "x");
    const out = join(parent, "bars.csv");
    await expect(exportBars(new MemoryStorage(), { interval: "1h", format: "csv" }, out)).rejects.toThrow(`cannot write ${out}: not a directory`);
  });

  it("refuses a bad interval", async () => {
    await expect(exportBars(new MemoryStorage(), { interval: "soon", format: "csv" }, join(dir, "x.csv"))).rejects.toThrow(/invalid interval/);
  });
});
