/**
 * Ingest benchmark: bar-shaped rows into embedded ClickHouse (chdb) through the BatchedWriter,
 * against a naive baseline run in the same process (one JSONEachRow insert per 1,000 rows through
 * the plain @clickhouse/client). Also compares insert formats through the client, which is how
 * TabSeparated was chosen (encode.ts), and TabSeparated through chdb's raw insert, which is how
 * the storage sends it on the embedded engine (clickhouse.ts).
 *
 *   node --import tsx bench/ingest.bench.ts [--rows 1000000] [--mints 200] [--skip-formats]
 *
 * The last line is one JSON object: {"bench":"ingest","rows_per_s":N,"ratio_vs_baseline":N}.
 * Wall-clock figures depend on what else runs on the machine; CPU µs/row is printed beside them.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { parseArgs } from "node:util";
import { ClickHouseLogLevel, createClient } from "@clickhouse/client";
import { createChdbConnection } from "chdb/connection";
import { seededRng } from "../core/random.js";
import { BatchedWriter } from "../runtime/storage/batched-writer.js";
import { openStorage } from "../runtime/storage/clickhouse.js";
import { encodeRows, INSERT_SETTINGS } from "../runtime/storage/encode.js";
import { runMigrations } from "../runtime/storage/migrations.js";
import type { BarRow } from "../runtime/storage/storage.js";

const { values: args } = parseArgs({
  options: {
    rows: { type: "string", default: "1000000" },
    mints: { type: "string", default: "200" },
    "skip-formats": { type: "boolean", default: false },
  },
});
const ROWS = Number(args.rows);
const MINTS = Number(args.mints);
const PUSH_ROWS = 5_000; // what a stream sink hands over at a time
const BATCH_ROWS = 200_000;

function makeBars(n: number, mints: number): BarRow[] {
  const rng = seededRng(42);
  const names = Array.from({ length: mints }, (_, i) => `${String(i).padStart(4, "0")}pump${"x".repeat(36)}`);
  const price = names.map(() => 1e-6 + rng.next() * 1e-3);
  const out = new Array<BarRow>(n);
  for (let i = 0; i < n; i++) {
    const m = i % mints;
    const open = price[m] as number;
    const close = open * (1 + (rng.next() - 0.5) * 0.1);
    price[m] = close;
    out[i] = {
      interval_s: 60,
      mint: names[m] as string,
      ts: 1_700_000_000 + Math.floor(i / mints) * 60,
      open,
      high: Math.max(open, close) * (1 + rng.next() * 0.01),
      low: Math.min(open, close) * (1 - rng.next() * 0.01),
      close,
      volume: rng.next() * 50_000,
      liquidity: i % 11 === 0 ? null : 1e4 + rng.next() * 1e6,
      fdv: 1e5 + rng.next() * 1e8,
      trades: Math.floor(rng.next() * 400),
      lowprec: close < 1e-5 ? 1 : 0,
      source: "bench",
      version: 1,
    };
  }
  return out;
}

interface Timing {
  readonly rowsPerS: number;
  readonly cpuUsPerRow: number;
}

async function timed(rows: number, body: () => Promise<void>): Promise<Timing> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await body();
  const s = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { rowsPerS: rows / s, cpuUsPerRow: (cpu.user + cpu.system) / rows };
}

const fmt = (n: number): string => Math.round(n).toLocaleString("en-US");
const line = (label: string, t: Timing): string =>
  `${label.padEnd(44)} ${fmt(t.rowsPerS).padStart(10)} rows/s   ${t.cpuUsPerRow.toFixed(2)} CPU µs/row`;

const dir = mkdtempSync(join(tmpdir(), "alphagpt-bench-ingest-"));
try {
  console.log(`ingest bench: ${fmt(ROWS)} bars of ${MINTS} mints, embedded ClickHouse in ${dir}`);
  console.log(`load average at start: ${loadavg().map((x) => x.toFixed(2)).join(" ")} (cores are shared; wall figures move with it)`);
  const bars = makeBars(ROWS, MINTS);

  const storage = await openStorage({ kind: "embedded", dataDir: join(dir, "ch") });
  await runMigrations(storage);
  // The plain client on the same data directory (chdb lets connections to one path coexist).
  // (chdb types its connection against @clickhouse/client-common, the client against its bundled copy.)
  type Connection = NonNullable<NonNullable<Parameters<typeof createClient>[0]>["connection"]>;
  const connection = createChdbConnection({ path: join(dir, "ch") }) as unknown as Connection;
  const client = createClient({ connection, log: { level: ClickHouseLogLevel.OFF } });
  const columns = Object.keys(bars[0] as BarRow) as [string, ...string[]];
  const countFinal = async (table: string): Promise<number> =>
    ((await storage.query<{ n: number }>(`SELECT count() AS n FROM ${table} FINAL`))[0] as { n: number }).n;

  if (!args["skip-formats"]) {
    const sample = bars.slice(0, Math.min(200_000, ROWS));
    console.log(`\ninsert formats, ${fmt(sample.length)} rows in batches of 50,000 (encode + insert):`);
    await storage.exec("CREATE TABLE IF NOT EXISTS bars_formats AS bars");
    const formats: Array<[string, (b: BarRow[]) => Promise<unknown>]> = [
      ["JSONEachRow (client encodes objects)", (b) => client.insert({ table: "bars_formats", values: b, format: "JSONEachRow", clickhouse_settings: INSERT_SETTINGS })],
      [
        "JSONCompactEachRow (client encodes arrays)",
        (b) => client.insert({ table: "bars_formats", columns, values: b.map((r) => columns.map((c) => r[c as keyof BarRow])), format: "JSONCompactEachRow", clickhouse_settings: INSERT_SETTINGS }),
      ],
      [
        "TabSeparated (encodeRows, chosen)",
        (b) => {
          const body = encodeRows("bars_formats", b, columns).body;
          const values = new Readable({ encoding: "utf8", read() { this.push(body, "utf8"); this.push(null); } });
          return client.insert({ table: "bars_formats", columns, values, format: "TabSeparated", clickhouse_settings: INSERT_SETTINGS });
        },
      ],
      ["TabSeparated, chdb raw insert (writer's path)", (b) => storage.insertEncoded(encodeRows("bars_formats", b, columns))],
    ];
    for (const [label, insert] of formats) {
      await storage.exec("TRUNCATE TABLE bars_formats");
      const t = await timed(sample.length, async () => {
        for (let i = 0; i < sample.length; i += 50_000) await insert(sample.slice(i, i + 50_000));
      });
      console.log(line(`  ${label}`, t));
    }
    await storage.exec("DROP TABLE bars_formats");
  }

  console.log("");
  const baseline = await timed(ROWS, async () => {
    for (let i = 0; i < ROWS; i += 1_000) await client.insert({ table: "bars", values: bars.slice(i, i + 1_000), format: "JSONEachRow" });
  });
  console.log(line("baseline: JSONEachRow, one insert per 1,000 rows", baseline));
  if ((await countFinal("bars")) !== ROWS) throw new Error("baseline lost rows");
  await storage.exec("TRUNCATE TABLE bars");

  const writer = await BatchedWriter.open({ storage, table: "bars", spoolDir: join(dir, "spool"), maxBatchRows: BATCH_ROWS, maxBufferRows: 2 * BATCH_ROWS });
  const batched = await timed(ROWS, async () => {
    for (let i = 0; i < ROWS; i += PUSH_ROWS) await writer.push(bars.slice(i, i + PUSH_ROWS));
    await writer.close();
  });
  console.log(line(`BatchedWriter: TabSeparated, ${fmt(BATCH_ROWS)}-row batches`, batched));
  const stored = await countFinal("bars");
  const s = writer.stats();
  if (stored !== ROWS || s.rowsWritten !== ROWS || s.spoolFiles !== 0) throw new Error(`writer: ${stored} rows stored, stats ${JSON.stringify(s)}`);
  console.log(`  stored ${fmt(stored)} rows (count FINAL), ${s.batchesWritten} inserts, ${s.retries} retries, ${s.rowsSpooled} spooled`);

  await client.close();
  await storage.close();
  const ratio = batched.rowsPerS / baseline.rowsPerS;
  console.log(`\nBatchedWriter ${fmt(batched.rowsPerS)} rows/s = ${ratio.toFixed(2)}x the baseline (target >= 300,000 rows/s)`);
  console.log(JSON.stringify({ bench: "ingest", rows_per_s: Math.round(batched.rowsPerS), ratio_vs_baseline: Number(ratio.toFixed(2)) }));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
