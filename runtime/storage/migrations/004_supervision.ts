import type { Migration } from "../migrations.js";

/** The daemon supervisor's transitions, mirrored from the journal. */
export const supervision: Migration = {
  version: 4,
  name: "supervision",
  statements: [
    // Key: (boot, seq): boot counts the daemon's starts on its journal, seq the supervisor's records in one.
    // Read: SELECT ... FROM supervisor_transitions FINAL ORDER BY boot, seq.
    `CREATE TABLE IF NOT EXISTS supervisor_transitions (
      boot UInt32,
      seq UInt32,
      state LowCardinality(String),
      reason String,
      ts_ms Int64
    ) ENGINE = ReplacingMergeTree
    ORDER BY (boot, seq)`,
  ],
};
