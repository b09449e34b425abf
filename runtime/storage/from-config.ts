/** Storage and writers built from the config: the one place that maps config keys to storage options. */
import { isAbsolute, join } from "node:path";
import type { AppConfig } from "../../config/index.js";
import { BatchedWriter } from "./batched-writer.js";
import { openStorage, type StorageOptions } from "./clickhouse.js";
import { runMigrations } from "./migrations.js";
import type { Storage, StorageLogger } from "./storage.js";

/** `dataDir`-relative paths for everything the daemon keeps on disk. */
export function statePath(config: AppConfig, ...parts: string[]): string {
  const [first, ...rest] = parts;
  if (first !== undefined && isAbsolute(first)) return join(first, ...rest);
  return join(config.dataDir, ...parts);
}

export function storageOptions(config: AppConfig): StorageOptions {
  const { url, username, password, database } = config.clickhouse;
  if (url === "") return { kind: "embedded", dataDir: statePath(config, "clickhouse") };
  return { kind: "server", url, username, password, database };
}

/** Open the configured ClickHouse and bring its schema up to date. */
export async function openMigratedStorage(config: AppConfig): Promise<Storage> {
  const storage = await openStorage(storageOptions(config));
  try {
    await runMigrations(storage);
  } catch (e) {
    await storage.close();
    throw e;
  }
  return storage;
}

export function openWriter(config: AppConfig, storage: Storage, table: string, logger: StorageLogger): Promise<BatchedWriter> {
  const w = config.writer;
  return BatchedWriter.open({
    storage,
    table,
    spoolDir: statePath(config, "spool"),
    maxBatchRows: w.maxBatchRows,
    maxBufferRows: w.maxBufferRows,
    flushIntervalMs: w.maxBatchAgeMs,
    maxSpoolBytes: w.spoolMaxBytes,
    onSpoolFull: w.spoolFullPolicy,
    logger,
  });
}
