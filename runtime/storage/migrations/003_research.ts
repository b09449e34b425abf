import type { Migration } from "../migrations.js";

/** Formula mining: strategies found, training runs and their per-step metrics. */
export const research: Migration = {
  version: 3,
  name: "research",
  statements: [
    // Key: strategy_id; latest `version` wins (metrics are re-evaluated on new data).
    // Read: SELECT ... FROM strategies FINAL.
    `CREATE TABLE IF NOT EXISTS strategies (
      strategy_id String,
      formula String COMMENT 'token sequence (RPN), the canonical form',
      infix String COMMENT 'human-readable form',
      vocab_version UInt32,
      feature_set LowCardinality(String),
      metrics String COMMENT 'JSON: sharpe, drawdown, turnover, ...',
      data_from Int64 COMMENT 'unix seconds',
      data_to Int64 COMMENT 'unix seconds',
      created_ts Int64 COMMENT 'unix seconds',
      version UInt64
    ) ENGINE = ReplacingMergeTree(version)
    ORDER BY strategy_id`,

    // Key: run_id; latest `version` wins (status and best_score move during the run).
    // Read: SELECT ... FROM training_runs FINAL.
    `CREATE TABLE IF NOT EXISTS training_runs (
      run_id String,
      started_ts Int64 COMMENT 'unix seconds',
      config_hash String,
      seed UInt64,
      status LowCardinality(String),
      best_score Nullable(Float64),
      version UInt64
    ) ENGINE = ReplacingMergeTree(version)
    ORDER BY run_id`,

    // Key: (run_id, step). The usual curves get columns; anything else goes in extra (JSON).
    // Read: SELECT ... FROM training_metrics FINAL WHERE run_id = {r:String} ORDER BY step.
    `CREATE TABLE IF NOT EXISTS training_metrics (
      run_id String,
      step UInt32,
      ts_ms Int64,
      loss Float64,
      reward_mean Float64,
      reward_max Float64,
      entropy Float64,
      valid_ratio Float64 COMMENT 'share of sampled formulas that compile',
      best_score Float64,
      extra String COMMENT 'JSON'
    ) ENGINE = ReplacingMergeTree
    ORDER BY (run_id, step)`,
  ],
};
