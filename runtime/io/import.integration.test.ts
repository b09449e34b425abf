/**
 * Import and export against the embedded ClickHouse (chdb): the real dataset lands with its
 * README's row counts, a bad file leaves the tables as they were, a replay does not double count,
 * and an exported CSV (or Parquet file) reads back to the same rows.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStorage } from "../storage/clickhouse.js";
import { runMigrations } from "../storage/migrations.js";
import type { Storage } from "../storage/storage.js";
import { DATASET_DIR, README_FIGURES, TIMEFRAMES } from "./dataset.fixture.js";
import { CsvImportError } from "./errors.js";
import { exportBars } from "./export.js";
import { importOhlcv, validateOhlcvFile } from "./ohlcv-csv.js";
import { importPools } from "./pools-csv.js";

let dir = "";
let storage: Storage;
const counts = async (): Promise<{ bars: number; tokens: number }> => {
  const [row] = await storage.query<{ bars: string | number; tokens: string | number }>(
    "SELECT (SELECT count() FROM bars) AS bars, (SELECT count() FROM tokens) AS tokens",
  );
  return { bars: Number(row?.bars), tokens: Number(row?.tokens) };
};
type Summary = { interval_s: number; n: number; keys: number; lowprec: number; zero_volume: number };
const summary = async (): Promise<Summary[]> =>
  (
    await storage.query<Record<keyof Summary, string | number>>(
      "SELECT interval_s, count() AS n, uniqExact(mint) AS keys, sum(lowprec) AS lowprec, countIf(volume = 0) AS zero_volume FROM bars FINAL GROUP BY interval_s ORDER BY interval_s",
    )
  ).map((r) => ({ interval_s: Number(r.interval_s), n: Number(r.n), keys: Number(r.keys), lowprec: Number(r.lowprec), zero_volume: Number(r.zero_volume) }));
const BAR_SQL = "SELECT mint, toInt64(ts) AS ts, open, high, low, close, volume, liquidity, fdv, trades, lowprec FROM bars FINAL WHERE interval_s = 3600 ORDER BY mint, ts";
const normalise = (rows: Array<Record<string, unknown>>) => rows.map((r) => ({ ...r, ts: Number(r["ts"]), trades: Number(r["trades"]), lowprec: Number(r["lowprec"]) }));

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "alphagpt-io-ch-"));
  storage = await openStorage({ kind: "embedded", dataDir: join(dir, "clickhouse") });
  await runMigrations(storage);
});
afterAll(async () => {
  await storage?.close();
  await rm(dir, { recursive: true, force: true });
});

describe("import into ClickHouse", () => {
  it("imports pools.csv and every OHLCV file of the real dataset with its README's row counts", async () => {
    const pools = await importPools(storage, `${DATASET_DIR}pools.csv`, { version: 1 });
    for (const tf of TIMEFRAMES) {
      const result = await importOhlcv(storage, `${DATASET_DIR}ohlcv_${tf}.csv`, { version: 1, describedKeys: pools.describedKeys });
      expect(result.written.bars).toBe(README_FIGURES[tf].rows);
    }
    const byInterval = await summary();
    expect(byInterval).toEqual(
      TIMEFRAMES.map((tf) => ({ tf, s: { "1m": 60, "5m": 300, "15m": 900, "1h": 3600, "4h": 14_400, "12h": 43_200, "1d": 86_400 }[tf] }))
        .sort((a, b) => a.s - b.s)
        .map(({ tf, s }) => ({ interval_s: s, n: README_FIGURES[tf].rows, keys: README_FIGURES[tf].pools, lowprec: README_FIGURES[tf].lowprec, zero_volume: README_FIGURES[tf].zeroVolume })),
    );
    const [tokens] = await storage.query<{ n: string | number }>("SELECT count() AS n FROM tokens FINAL");
    expect(Number(tokens?.n)).toBe(141);
  });

  it("does not double count a replayed import", async () => {
    const before = await summary();
    await importOhlcv(storage, `${DATASET_DIR}ohlcv_1h.csv`, { version: 2 });
    expect(await summary()).toEqual(before);
  });

  it.each([
    ["bad number", (t: string) => t.replace(/\n(\d+,[^,]+,[^,]*,)[^,]+/, "\n$1abc"), 2, "open"],
    ["high below low", (t: string) => t.replace(/\n(\d+,[^,]+,[^,]*,[^,]+,)[^,]+/, "\n$11e-12"), 2, "high"],
    ["unaligned ts", (t: string) => t.replace(/\n(\d+)/, (_m, ts: string) => `\n${Number(ts) + 7}`), 2, "ts"],
    ["duplicate row", (t: string) => `${t}${t.split("\n")[5]}\n`, 207, "ts"],
    ["missing column", (t: string) => t.replace(",volume,", ",vol,"), 1, "vol"],
  ])("rejects a malformed file (%s) with its line and column, leaving the tables unchanged", async (_name, corrupt, line, column) => {
    const source = await readFile(`${DATASET_DIR}ohlcv_4h.csv`, "utf8");
    const path = join(dir, "ohlcv_4h.csv");
    await writeFile(path, corrupt(source));
    const before = await counts();
    const error = await importOhlcv(storage, path, { version: 9 }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CsvImportError);
    expect((error as CsvImportError).issues[0]).toMatchObject({ line, column });
    expect(await counts()).toEqual(before);
  });
});

describe("export from ClickHouse", () => {
  it("writes CSV that re-imports to the same rows", async () => {
    const before = normalise(await storage.query(BAR_SQL));
    const out = join(dir, "export_1h.csv");
    const result = await exportBars(storage, { interval: "1h", format: "csv", pageSize: 10_000 }, out);
    expect(result.rows).toBe(34_497);
    const scan = await validateOhlcvFile(out);
    if (!scan.ok) throw new Error(JSON.stringify(scan.issues));
    expect(scan.report).toMatchObject({ rows: 34_497, keys: 141, keyColumn: "mint", interval_s: 3600 });
    await importOhlcv(storage, out, { version: 3 });
    expect(normalise(await storage.query(BAR_SQL))).toEqual(before);
    // The rows read back are the re-imported ones (higher version), not the originals.
    const [fromExport] = await storage.query<{ n: string | number }>("SELECT count() AS n FROM bars FINAL WHERE source = 'csv:export_1h.csv'");
    expect(Number(fromExport?.n)).toBe(34_497);
  });

  it("filters by mints and time, half-open", async () => {
    const cbrl = "7bqJG2ZdMKbEkgSmfuqNVBvqEvWavgL8UEo33ZqdL3NP";
    const from = Date.parse("2025-08-25T00:00:00Z") / 1000;
    const to = Date.parse("2025-08-26T00:00:00Z") / 1000;
    const out = join(dir, "cbrl_1h.csv");
    const result = await exportBars(storage, { interval: 3600, mints: [cbrl], from, to, format: "csv" }, out);
    const [expected] = await storage.query<{ n: string | number }>(
      "SELECT count() AS n FROM bars FINAL WHERE interval_s = 3600 AND mint = {m:String} AND ts >= {from:Int64} AND ts < {to:Int64}",
      { m: cbrl, from, to },
    );
    expect(result.rows).toBe(Number(expected?.n));
    expect(result.rows).toBeGreaterThan(0);
    const lines = (await readFile(out, "utf8")).trim().split("\n");
    expect(lines).toHaveLength(result.rows + 1);
    expect(lines.slice(1).every((l) => l.split(",")[1] === cbrl)).toBe(true);
  });

  it("writes Parquet that ClickHouse reads back to the same rows", async () => {
    const out = join(dir, "export_1d.parquet");
    const result = await exportBars(storage, { interval: "1d", format: "parquet" }, out);
    expect(result.rows).toBe(39);
    const back = await storage.query<{ n: string | number; s: number }>(`SELECT count() AS n, sum(close) AS s FROM file('${out}', 'Parquet')`);
    const [orig] = await storage.query<{ s: number }>("SELECT sum(close) AS s FROM bars FINAL WHERE interval_s = 86400");
    expect(Number(back[0]?.n)).toBe(39);
    expect(back[0]?.s).toBe(orig?.s);
  });
});
