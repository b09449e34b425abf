/**
 * Versioned, idempotent schema migrations, recorded in `schema_migrations`.
 *
 * - A migration is a version, a name and DDL statements that are each safe to run twice
 *   (`IF NOT EXISTS`), so a crash between two statements is repaired by running again.
 * - A version is recorded only after all its statements succeeded; a recorded version is
 *   skipped. Running twice therefore changes nothing: no DDL effect, no new row.
 * - The recorded checksum of each statement list is compared with the code: an applied migration
 *   that was edited afterwards stops the run (write a new version instead).
 * - Two processes migrating at once is harmless: the DDL is idempotent and `schema_migrations`
 *   is a ReplacingMergeTree keyed by version, read with FINAL.
 */
import { createHash } from "node:crypto";
import { systemClock, type Clock } from "../../core/clock.js";
import { MigrationMismatchError } from "./errors.js";
import { MIGRATIONS } from "./migrations/index.js";
import type { Storage, StorageLogger } from "./storage.js";

export interface Migration {
  /** Positive, strictly increasing across the list. */
  readonly version: number;
  readonly name: string;
  /** Each statement runs on its own (no multi-statement strings). */
  readonly statements: readonly string[];
}

export interface MigrationReport {
  /** Versions applied by this run, in order. */
  readonly applied: readonly number[];
  /** Versions found already applied. */
  readonly skipped: readonly number[];
}

export interface RunMigrationsOptions {
  /** Default: the project's list (`./migrations/index.ts`). */
  readonly migrations?: readonly Migration[];
  /** Stamps `applied_at_ms`; default the system clock (this is runtime/). */
  readonly clock?: Clock;
  readonly logger?: StorageLogger;
}

export { MIGRATIONS };

/** Key: version. Bootstrapped by runMigrations itself, outside the versioned list. */
const SCHEMA_MIGRATIONS_DDL = `CREATE TABLE IF NOT EXISTS schema_migrations (
  version UInt32,
  name String,
  checksum String,
  applied_at_ms Int64
) ENGINE = ReplacingMergeTree
ORDER BY version`;

/** sha256 over the statements with whitespace runs collapsed: reformatting is not an edit. */
export function migrationChecksum(m: Migration): string {
  const h = createHash("sha256");
  for (const s of m.statements) h.update(s.replace(/\s+/g, " ").trim()).update("\n");
  return h.digest("hex");
}

export async function runMigrations(storage: Storage, options: RunMigrationsOptions = {}): Promise<MigrationReport> {
  const list = options.migrations ?? MIGRATIONS;
  const clock = options.clock ?? systemClock;
  checkOrder(list);
  await storage.exec(SCHEMA_MIGRATIONS_DDL);
  const rows = await storage.query<{ version: number; name: string; checksum: string }>(
    "SELECT version, name, checksum FROM schema_migrations FINAL ORDER BY version",
  );
  const recorded = new Map(rows.map((r) => [r.version, r]));
  const applied: number[] = [];
  const skipped: number[] = [];
  for (const m of list) {
    const checksum = migrationChecksum(m);
    const done = recorded.get(m.version);
    if (done !== undefined) {
      if (done.checksum !== checksum) {
        throw new MigrationMismatchError({
          message: `migration ${m.version} (${m.name}) was applied on ${storage.target} with checksum ${done.checksum.slice(0, 12)} but the code now has ${checksum.slice(0, 12)}; never edit an applied migration, add a new version`,
          version: m.version,
        });
      }
      skipped.push(m.version);
      continue;
    }
    for (const sql of m.statements) await storage.exec(sql);
    await storage.insert("schema_migrations", [{ version: m.version, name: m.name, checksum, applied_at_ms: clock.now() }]);
    options.logger?.info("storage migration applied", { version: m.version, name: m.name, target: storage.target });
    applied.push(m.version);
  }
  return { applied, skipped };
}

function checkOrder(list: readonly Migration[]): void {
  let last = 0;
  for (const m of list) {
    if (!Number.isInteger(m.version) || m.version <= last) {
      throw new MigrationMismatchError({
        message: `migration versions must be positive and strictly increasing: ${m.version} (${m.name}) follows ${last}`,
        version: m.version,
      });
    }
    last = m.version;
  }
}
