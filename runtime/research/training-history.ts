/**
 * A training run's history: one point per optimiser step from the trainer's progress events,
 * kept in memory, saved as `training_history.json` (and beside the run's checkpoint at each
 * checkpoint, so `--resume` continues the curve), and mapped to `training_metrics` rows.
 */
import { readTextIfExists, writeFileAtomic } from "../../core/files.js";
import type { TrainerEvent } from "../../actors/trainer/index.js";

export const HISTORY_SCHEMA = "alphagpt/training-history@1";
export const HISTORY_FILE = "training_history.json";
export const PLOT_FILE = "training.html";

type Progress = Extract<TrainerEvent, { type: "progress" }>;

export interface HistoryPoint {
  readonly step: number;
  readonly tsMs: number;
  readonly reward: { readonly mean: number; readonly std: number; readonly min: number; readonly max: number };
  readonly bestScore: number | null;
  readonly bestFormula: string | null;
  readonly entropy: number;
  readonly loss: number;
  readonly gradNorm: number;
  /** Measured every `stableRankEvery` steps (and at the first and last); null in between. */
  readonly stableRank: { readonly q: number; readonly k: number; readonly mean: number } | null;
  readonly uniqueFormulas: number;
  /** Formulas sent to the evaluator this step (after dedup and the reward cache). */
  readonly evaluated: number;
  readonly nonFiniteRewards: number;
  readonly formulasPerSec: number;
  readonly timings: Progress["timings"];
}

export interface TrainingHistory {
  readonly schema: typeof HISTORY_SCHEMA;
  readonly runId: string;
  readonly startedMs: number;
  readonly seed: number;
  /** Steps the run aims for. */
  readonly steps: number;
  readonly backend: string | null;
  readonly status: RunStatus;
  readonly best: { readonly rpn: string; readonly infix: string; readonly score: number } | null;
  readonly points: readonly HistoryPoint[];
}

export type RunStatus = "running" | "done" | "stopped" | "failed";

export function historyPoint(e: Progress, tsMs: number): HistoryPoint {
  return {
    step: e.step,
    tsMs,
    reward: { ...e.reward },
    bestScore: e.bestScore,
    bestFormula: e.bestFormula,
    entropy: e.entropy,
    loss: e.loss,
    gradNorm: e.gradNorm,
    stableRank: e.stableRank === null ? null : { ...e.stableRank },
    uniqueFormulas: e.uniqueFormulas,
    evaluated: e.evaluated,
    nonFiniteRewards: e.nonFiniteRewards,
    formulasPerSec: e.formulasPerSec,
    timings: { ...e.timings },
  };
}

/** The points of a run up to `step` (a resumed run redoes the steps after its checkpoint). */
export function pointsUpTo(points: readonly HistoryPoint[], step: number): HistoryPoint[] {
  return points.filter((p) => p.step <= step);
}

/** Formulas evaluated over the whole run: the budget a random-search baseline gets. */
export function formulasEvaluated(h: Pick<TrainingHistory, "points">): number {
  return h.points.reduce((n, p) => n + p.evaluated, 0);
}

/** The last stable rank measured, or null. */
export function lastStableRank(points: readonly HistoryPoint[]): HistoryPoint["stableRank"] {
  for (let i = points.length - 1; i >= 0; i--) {
    const sr = points[i]!.stableRank;
    if (sr !== null) return sr;
  }
  return null;
}

/** A `training_metrics` row (migrations/003_research.ts). */
export function metricsRow(runId: string, p: HistoryPoint): Record<string, string | number> {
  return {
    run_id: runId,
    step: p.step,
    ts_ms: p.tsMs,
    loss: p.loss,
    reward_mean: p.reward.mean,
    reward_max: p.reward.max,
    entropy: p.entropy,
    // Sampling is grammar-masked: every sampled formula compiles.
    valid_ratio: 1,
    best_score: p.bestScore ?? Number.NaN,
    extra: JSON.stringify({
      rewardStd: p.reward.std,
      rewardMin: p.reward.min,
      bestFormula: p.bestFormula,
      gradNorm: p.gradNorm,
      stableRank: p.stableRank,
      uniqueFormulas: p.uniqueFormulas,
      evaluated: p.evaluated,
      nonFiniteRewards: p.nonFiniteRewards,
      formulasPerSec: p.formulasPerSec,
      timings: p.timings,
    }),
  };
}

/** A `training_runs` row; `version` orders the run's successive states. */
export function runRow(h: TrainingHistory, configHash: string, versionMs: number): Record<string, string | number | null> {
  const best = h.best?.score ?? null;
  return {
    run_id: h.runId,
    started_ts: Math.floor(h.startedMs / 1000),
    config_hash: configHash,
    seed: h.seed,
    status: h.status,
    best_score: best !== null && Number.isFinite(best) ? best : null,
    version: versionMs,
  };
}

export async function writeHistory(path: string, h: TrainingHistory): Promise<void> {
  await writeFileAtomic(path, JSON.stringify(h) + "\n");
}

/** A saved history, or undefined when there is none (or it is not one). */
export async function readHistory(path: string): Promise<TrainingHistory | undefined> {
  const text = await readTextIfExists(path);
  if (text === undefined) return undefined;
  const json = JSON.parse(text) as Partial<TrainingHistory>;
  if (json.schema !== HISTORY_SCHEMA || !Array.isArray(json.points)) return undefined;
  return json as TrainingHistory;
}
