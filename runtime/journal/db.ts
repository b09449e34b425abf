/**
 * The journal's SQLite file: opened in WAL mode with `synchronous = FULL`, so a write is on disk
 * (fsync'd) when the call returns. That is principle 4's "durable before anything is sent":
 * better-sqlite3 is synchronous, so a journal call that returned has been committed.
 *
 * A crash mid-commit leaves a torn last WAL frame; SQLite checks frame checksums on open and
 * ignores the torn commit, so the file opens with every earlier commit intact.
 */
import Database from "better-sqlite3";

export type JournalDb = Database.Database;

/** Bump with a new entry in MIGRATIONS; the file records the version it reached. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);

   -- One order the runtime decided to place; intent_id is the idempotency key.
   CREATE TABLE intents (
     intent_id TEXT PRIMARY KEY,
     position_id TEXT NOT NULL,
     mint TEXT NOT NULL,
     side TEXT NOT NULL CHECK (side IN ('buy', 'sell')),
     kind TEXT NOT NULL,
     amount REAL NOT NULL,
     amount_raw TEXT NOT NULL,
     slippage_bps INTEGER NOT NULL,
     reason TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('created', 'signed', 'unknown', 'filled', 'expired', 'failed')),
     error TEXT,
     created_ts INTEGER NOT NULL,
     updated_ts INTEGER NOT NULL
   );
   CREATE INDEX intents_position ON intents (position_id);
   CREATE INDEX intents_open ON intents (status) WHERE status IN ('signed', 'unknown');

   -- Every transaction signed for an intent, with the bytes that may be resent until expiry.
   CREATE TABLE signatures (
     signature TEXT PRIMARY KEY,
     intent_id TEXT NOT NULL,
     signed_bytes BLOB NOT NULL,
     last_valid_block_height INTEGER NOT NULL,
     blockhash TEXT NOT NULL,
     side TEXT NOT NULL,
     mint TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('pending', 'landed', 'expired')),
     ts INTEGER NOT NULL
   );
   CREATE INDEX signatures_intent ON signatures (intent_id);
   CREATE INDEX signatures_pending ON signatures (status) WHERE status = 'pending';

   -- What landed, from balance changes: one fill per intent.
   CREATE TABLE fills (
     signature TEXT PRIMARY KEY,
     intent_id TEXT NOT NULL UNIQUE,
     position_id TEXT NOT NULL,
     mint TEXT NOT NULL,
     side TEXT NOT NULL,
     qty REAL NOT NULL,
     sol REAL NOT NULL,
     fee_sol REAL NOT NULL,
     decimals INTEGER,
     ts INTEGER NOT NULL
   );
   CREATE INDEX fills_mint ON fills (mint);
   CREATE INDEX fills_position ON fills (position_id);

   -- The latest persisted snapshot of each position machine.
   CREATE TABLE positions (
     position_id TEXT PRIMARY KEY,
     mint TEXT NOT NULL,
     input TEXT NOT NULL,
     machine_version INTEGER NOT NULL,
     snapshot TEXT,
     state TEXT NOT NULL,
     status TEXT NOT NULL CHECK (status IN ('active', 'done', 'error')),
     seq INTEGER NOT NULL,
     reason TEXT NOT NULL,
     created_ts INTEGER NOT NULL,
     updated_ts INTEGER NOT NULL,
     closed_ts INTEGER,
     pnl_sol REAL
   );
   CREATE INDEX positions_status ON positions (status);

   CREATE TABLE transitions (
     position_id TEXT NOT NULL,
     seq INTEGER NOT NULL,
     from_state TEXT NOT NULL,
     to_state TEXT NOT NULL,
     event TEXT NOT NULL,
     reason TEXT NOT NULL,
     ts INTEGER NOT NULL,
     PRIMARY KEY (position_id, seq)
   );

   -- Rows waiting to be mirrored to ClickHouse, written in the same transaction as their
   -- source row: the mirror can lag or crash, it never misses one.
   CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, tbl TEXT NOT NULL, row TEXT NOT NULL);`,

  // The supervisor's transitions; boot numbers the daemon's starts on this journal.
  `CREATE TABLE supervisor_records (
     boot INTEGER NOT NULL,
     seq INTEGER NOT NULL,
     state TEXT NOT NULL,
     reason TEXT NOT NULL,
     ts INTEGER NOT NULL,
     PRIMARY KEY (boot, seq)
   );`,

  // The operator's emergency stop (POST /stop, the stop file), in force until POST /resume: one
  // row at most, so a restart keeps entries off.
  `CREATE TABLE operator_stop (
     id INTEGER PRIMARY KEY CHECK (id = 1),
     source TEXT NOT NULL,
     reason TEXT NOT NULL,
     ts INTEGER NOT NULL
   );`,
];

export function openJournalDb(path: string): JournalDb {
  const db = new Database(path);
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = FULL");
    db.pragma("foreign_keys = ON");
    // A second process on the same file (a stale daemon) waits rather than failing at once.
    db.pragma("busy_timeout = 5000");
    migrate(db);
    return db;
  } catch (e) {
    db.close();
    throw e;
  }
}

function migrate(db: JournalDb): void {
  const version = db.pragma("user_version", { simple: true }) as number;
  if (version > MIGRATIONS.length) {
    throw new Error(`journal schema version ${version} is newer than this build knows (${MIGRATIONS.length}); refusing to open it`);
  }
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v] as string);
      db.pragma(`user_version = ${v + 1}`);
    })();
  }
}
