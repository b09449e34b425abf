import type { Migration } from "../migrations.js";

/**
 * Market data. Every table is a ReplacingMergeTree whose ORDER BY is the row's natural key, so an
 * at-least-once writer (retries, spool replays) never double counts: duplicates collapse on merge,
 * and reads that must be exact before a merge use `FINAL` (or `argMax(col, version)` by key).
 * A PARTITION BY must be a function of the key: ReplacingMergeTree only collapses within a partition.
 */
export const marketData: Migration = {
  version: 1,
  name: "market_data",
  statements: [
    // Key: mint (a pool address where the mint is unknown). Latest `version` wins.
    // Read: SELECT ... FROM tokens FINAL.
    `CREATE TABLE IF NOT EXISTS tokens (
      mint String,
      symbol String,
      name String,
      decimals UInt8,
      pool String,
      dex LowCardinality(String),
      created_ts Int64 COMMENT 'launch or pool creation, unix seconds; 0 unknown',
      source LowCardinality(String),
      version UInt64
    ) ENGINE = ReplacingMergeTree(version)
    ORDER BY mint`,

    // Key: (interval_s, mint, ts), ts = bar open time in unix seconds. Latest `version` wins, so a
    // revised bar replaces the old one and a replayed batch is a no-op.
    // Read: SELECT ... FROM bars FINAL WHERE interval_s = {i:UInt32} AND mint = {m:String} ...
    `CREATE TABLE IF NOT EXISTS bars (
      interval_s UInt32,
      mint String,
      ts Int64,
      open Float64,
      high Float64,
      low Float64,
      close Float64,
      volume Float64 COMMENT 'USD',
      liquidity Nullable(Float64) COMMENT 'USD at bar close',
      fdv Nullable(Float64) COMMENT 'USD at bar close',
      trades UInt32,
      lowprec UInt8,
      source LowCardinality(String),
      version UInt64
    ) ENGINE = ReplacingMergeTree(version)
    PARTITION BY toYYYYMM(toDateTime(ts))
    ORDER BY (interval_s, mint, ts)`,

    // Raw feed events (Geyser, PubSub, pollers) as received, for replay and audit.
    // Key: (slot, signature, write_version, kind): the brief's (slot, signature, write_version)
    // plus kind, so one transaction's tx event and its decoded events do not collapse into one.
    // Producers must keep that tuple unique per distinct event (write_version carries the account
    // write version, or the instruction index for events decoded from a transaction).
    // Replays write identical rows: any one survives. Read: SELECT ... FROM feed_events FINAL.
    `CREATE TABLE IF NOT EXISTS feed_events (
      slot UInt64,
      signature String,
      write_version UInt64,
      kind LowCardinality(String),
      mint String,
      payload String COMMENT 'raw payload, JSON or base64',
      ts_ms Int64 COMMENT 'venue event time, unix ms'
    ) ENGINE = ReplacingMergeTree
    PARTITION BY intDiv(slot, 10000000)
    ORDER BY (slot, signature, write_version, kind)`,

    // Key: (mint, ts_ms, source, seq). ts_ms must be the venue's event time (deterministic on
    // replay), seq the source's sequence number. Read with FINAL where duplicates matter (counts,
    // VWAP); last-price lookups are unaffected by duplicates.
    `CREATE TABLE IF NOT EXISTS price_ticks (
      mint String,
      slot UInt64,
      ts_ms Int64,
      price Float64,
      liquidity Nullable(Float64),
      source LowCardinality(String),
      seq UInt64
    ) ENGINE = ReplacingMergeTree
    PARTITION BY toYYYYMM(toDateTime(intDiv(ts_ms, 1000)))
    ORDER BY (mint, ts_ms, source, seq)`,
  ],
};
