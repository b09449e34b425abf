import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { VirtualClock } from "../../core/clock.js";
import { openStorage } from "./clickhouse.js";
import { MIGRATIONS, runMigrations, type Migration } from "./migrations.js";
import type { BarRow, Storage, TokenRow } from "./storage.js";

const dir = mkdtempSync(join(tmpdir(), "alphagpt-storage-mig-"));
let storage: Storage;
const clock = new VirtualClock(1_700_000_000_000);

beforeAll(async () => {
  storage = await openStorage({ kind: "embedded", dataDir: join(dir, "ch") });
});

afterAll(async () => {
  await storage?.close();
  rmSync(dir, { recursive: true, force: true });
});

const TABLES = [
  "bars",
  "feed_events",
  "fills",
  "order_intents",
  "position_transitions",
  "price_ticks",
  "schema_migrations",
  "strategies",
  "supervisor_transitions",
  "tokens",
  "training_metrics",
  "training_runs",
];

async function schema(): Promise<unknown[]> {
  return storage.query("SELECT name, engine, create_table_query FROM system.tables WHERE database = currentDatabase() ORDER BY name");
}

async function migrationRows(): Promise<unknown[]> {
  // No FINAL: a second run must not even add a duplicate row.
  return storage.query("SELECT version, name, checksum, applied_at_ms FROM schema_migrations ORDER BY version, applied_at_ms");
}

const VERSIONS = MIGRATIONS.map((m) => m.version);

describe("runMigrations", () => {
  it("creates every table, and a second run changes nothing", async () => {
    const first = await runMigrations(storage, { clock });
    expect(first).toEqual({ applied: VERSIONS, skipped: [] });
    const tables = await schema();
    const rows = await migrationRows();
    expect(tables.map((t) => (t as { name: string }).name)).toEqual(TABLES);
    expect(rows).toHaveLength(VERSIONS.length);

    clock.advance(60_000);
    const second = await runMigrations(storage, { clock });
    expect(second).toEqual({ applied: [], skipped: VERSIONS });
    expect(await schema()).toEqual(tables);
    expect(await migrationRows()).toEqual(rows);
  });

  it("applies only a new version, and refuses an applied migration that was edited", async () => {
    const next = VERSIONS.length + 1;
    const extra: Migration = { version: next, name: "test_extra", statements: ["CREATE TABLE IF NOT EXISTS test_extra (k UInt8) ENGINE = ReplacingMergeTree ORDER BY k"] };
    expect(await runMigrations(storage, { clock, migrations: [...MIGRATIONS, extra] })).toEqual({ applied: [next], skipped: VERSIONS });

    const edited = MIGRATIONS.map((m) => (m.version === 2 ? { ...m, statements: [...m.statements, "SELECT 1"] } : m));
    await expect(runMigrations(storage, { clock, migrations: edited })).rejects.toMatchObject({ _tag: "MigrationMismatchError", version: 2 });
    // Whitespace is not an edit.
    const reformatted = MIGRATIONS.map((m) => ({ ...m, statements: m.statements.map((s) => `  ${s.replace(/\n/g, "\n\n")}  `) }));
    await expect(runMigrations(storage, { clock, migrations: reformatted })).resolves.toEqual({ applied: [], skipped: VERSIONS });
  });

  it("stores the port's row types, and FINAL collapses a replayed write", async () => {
    const bar: BarRow = {
      interval_s: 60,
      mint: "So11111111111111111111111111111111111111112",
      ts: 1_700_000_040,
      open: 1.5e-7,
      high: 2e-7,
      low: 1e-7,
      close: 1.75e-7,
      volume: 1234.5,
      liquidity: null,
      fdv: 98765.4321,
      trades: 17,
      lowprec: 0,
      source: "birdeye",
      version: 1,
    };
    const token: TokenRow = { mint: bar.mint, symbol: "WSOL", name: "Wrapped SOL", decimals: 9, pool: "", dex: "raydium", created_ts: 0, source: "test", version: 1 };
    await storage.insert("bars", [bar]);
    await storage.insert("bars", [bar]); // the same batch replayed
    await storage.insert("bars", [{ ...bar, close: 1.8e-7, version: 2 }]); // a revision wins
    await storage.insert("tokens", [token]);
    expect(await storage.query("SELECT count() AS n FROM bars")).toEqual([{ n: 3 }]);
    expect(await storage.query("SELECT count() AS n, any(close) AS close FROM bars FINAL")).toEqual([{ n: 1, close: 1.8e-7 }]);
    expect(await storage.query<TokenRow>("SELECT * FROM tokens FINAL")).toEqual([token]);
  });
});
