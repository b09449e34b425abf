import type { Migration } from "../migrations.js";

/**
 * Trading journal tables: small, exact, and read back on restart (reconciliation), so every read
 * uses `FINAL` (or `argMax(col, version)` grouped by the key).
 */
export const trading: Migration = {
  version: 2,
  name: "trading",
  statements: [
    // Key: intent_id. One row per status change; the highest `version` is the current status.
    // Read: SELECT ... FROM order_intents FINAL WHERE position_id = {p:String}.
    `CREATE TABLE IF NOT EXISTS order_intents (
      intent_id String,
      position_id String,
      mint String,
      side LowCardinality(String) COMMENT 'buy | sell',
      amount_in UInt64 COMMENT 'raw units of the input mint (lamports for SOL)',
      slippage_bps UInt16,
      signature String COMMENT 'the idempotency key once signed; empty before',
      status LowCardinality(String),
      ts_ms Int64,
      version UInt64
    ) ENGINE = ReplacingMergeTree(version)
    ORDER BY intent_id`,

    // Key: signature (one landed swap is one fill). Amounts come from balance changes.
    // Read: SELECT ... FROM fills FINAL; sums over fills must use FINAL.
    `CREATE TABLE IF NOT EXISTS fills (
      signature String,
      position_id String,
      mint String,
      side LowCardinality(String),
      qty Float64 COMMENT 'tokens, UI units',
      cost_sol Float64,
      fee_sol Float64,
      ts_ms Int64
    ) ENGINE = ReplacingMergeTree
    ORDER BY signature`,

    // Key: (position_id, seq): seq is the position actor's transition counter.
    // Read: SELECT ... FROM position_transitions FINAL WHERE position_id = {p:String} ORDER BY seq.
    `CREATE TABLE IF NOT EXISTS position_transitions (
      position_id String,
      seq UInt32,
      from_state LowCardinality(String),
      to_state LowCardinality(String),
      event LowCardinality(String),
      reason String,
      snapshot String COMMENT 'getPersistedSnapshot() JSON',
      ts_ms Int64
    ) ENGINE = ReplacingMergeTree
    ORDER BY (position_id, seq)`,
  ],
};
