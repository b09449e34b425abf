/**
 * One backtest: a replay (runReplay), its metrics, and optionally its report directory. The
 * CLI runs it in the main thread for a single config; sweep workers run it per config over a
 * JSONL file (they never touch ClickHouse: DESIGN.md pitfalls).
 */
import type { AppConfig } from "../../config/index.js";
import type { BarReader } from "../../streams/replay/bars.js";
import type { RowReader } from "../../streams/replay/readers.js";
import { fixedUsd } from "../ingest/sol-usd.js";
import { runBarsReplay, runReplay, type ReplayCounters, type ReplayResult, type ReplayStrategy } from "./driver.js";
import { metricsOf, type BacktestMetrics } from "./metrics.js";
import { writeReport, type ReportMeta } from "./report.js";

export interface BacktestSpec {
  readonly config: AppConfig;
  readonly strategy: ReplayStrategy & { readonly infix: string };
  /** Where the rows came from, for the report (`clickhouse feed_events`, a file path). */
  readonly source: string;
  readonly fromMs: number | null;
  readonly toMs: number | null;
  /** A fixed SOL/USD for bars; default the recording's own (simulator rows) or backtest.solUsd. */
  readonly solUsd?: number;
  readonly paperStartSol?: number;
  /** Write the report here; none when null. */
  readonly outDir: string | null;
  readonly title?: string;
  readonly onProgress?: (events: number) => void;
}

export interface BacktestOutcome {
  readonly hash: string;
  readonly metrics: BacktestMetrics;
  readonly counters: ReplayCounters;
  readonly reportDir: string | null;
  readonly result: ReplayResult;
}

/** The config keys a report records (what a sweep varies). */
export function configSummary(c: AppConfig): Record<string, unknown> {
  return { strategy: { ...c.strategy }, risk: { ...c.risk }, execution: { ...c.execution }, alpha: { ...c.alpha }, backtest: { ...c.backtest } };
}

/** Recorded feed rows (the replay proper), or stored bars (coarser: streams/replay/bars.ts). */
export type BacktestInput = RowReader | { readonly bars: BarReader };

export async function runBacktest(spec: BacktestSpec, input: BacktestInput): Promise<BacktestOutcome> {
  const common = {
    config: spec.config,
    strategy: { rpn: spec.strategy.rpn, params: spec.strategy.params },
    ...(spec.solUsd !== undefined ? { usd: fixedUsd(spec.solUsd).usd } : {}),
    ...(spec.paperStartSol !== undefined ? { paperStartSol: spec.paperStartSol } : {}),
    ...(spec.onProgress !== undefined ? { onProgress: spec.onProgress } : {}),
  };
  const result = "bars" in input
    ? await runBarsReplay({ ...common, reader: input.bars, config: spec.solUsd !== undefined ? { ...spec.config, backtest: { ...spec.config.backtest, solUsd: spec.solUsd } } : spec.config })
    : await runReplay({ ...common, reader: input });
  const metrics = metricsOf(result);
  let reportDir: string | null = null;
  if (spec.outDir !== null) {
    const meta: ReportMeta = {
      title: spec.title ?? `Backtest ${spec.strategy.rpn}`,
      source: spec.source,
      fromMs: spec.fromMs ?? result.counters.replay?.firstMs ?? null,
      toMs: spec.toMs ?? result.counters.replay?.lastMs ?? null,
      formula: spec.strategy.rpn,
      infix: spec.strategy.infix,
      seed: spec.config.training.seed,
      config: configSummary(spec.config),
    };
    reportDir = (await writeReport(spec.outDir, result, metrics, result.counters, meta)).dir;
  }
  return { hash: result.hash, metrics, counters: result.counters, reportDir, result };
}
