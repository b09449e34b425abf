/**
 * A training run's trail, fed the trainer's events: its history (training-history.ts), a
 * `training_metrics` row per step and a `training_runs` row per state (running, then done,
 * stopped or failed). `alphagpt train` and the daemon's retraining both keep one, so every run
 * leaves the same record whoever started it. Rows are queued on batched writers: training never
 * waits on ClickHouse, and a row that cannot be queued is logged, not thrown at the trainer.
 */
import type { TrainerConfig, TrainerEvent } from "../../actors/trainer/index.js";
import { stableHash } from "../../alpha/model/index.js";
import type { AppConfig } from "../../config/index.js";
import type { FieldLogger } from "../log.js";
import {
  HISTORY_SCHEMA, historyPoint, metricsRow, runRow, type HistoryPoint, type RunStatus, type TrainingHistory,
} from "./training-history.js";

/** Where the rows go: a batched writer per table. */
export interface RowSink {
  push(rows: readonly object[]): Promise<void>;
}

export interface TrainingRecordOptions {
  readonly runId: string;
  readonly startedMs: number;
  readonly seed: number;
  /** Steps the run aims for. */
  readonly steps: number;
  readonly configHash: string;
  readonly runs: RowSink;
  readonly metrics: RowSink;
  readonly log: FieldLogger;
  /** Stamps points and orders the run's rows (`version`). */
  readonly now: () => number;
  /** The history saved by the run being resumed. */
  readonly previous?: TrainingHistory;
}

/** What identifies a run's settings: the trainer's own (paths and resume excluded) and the alpha engine's. */
export function trainingConfigHash(trainer: TrainerConfig, alpha: AppConfig["alpha"]): string {
  const { outDir: _o, resume: _r, dataWindow: _d, strategyPath: _s, ...hashed } = trainer;
  return stableHash({ trainer: hashed, alpha });
}

export class TrainingRecord {
  readonly #o: TrainingRecordOptions;
  #points: HistoryPoint[];
  #backend: string | null;
  #best: TrainingHistory["best"];

  /** Queues the run's "running" row. */
  constructor(o: TrainingRecordOptions) {
    this.#o = o;
    this.#points = o.previous === undefined ? [] : [...o.previous.points];
    this.#backend = o.previous?.backend ?? null;
    this.#best = o.previous?.best ?? null;
    this.#pushRun("running");
  }

  get points(): readonly HistoryPoint[] {
    return this.#points;
  }

  /** Folds a trainer event in; a progress event returns its point (its metrics row is queued). */
  onEvent(e: TrainerEvent): HistoryPoint | undefined {
    switch (e.type) {
      case "backend":
        this.#backend = e.name;
        return undefined;
      case "resumed":
        // The steps after the checkpoint are done again: their old points go.
        this.#points = this.#points.filter((x) => x.step <= e.step);
        return undefined;
      case "progress": {
        const point = historyPoint(e, this.#o.now());
        this.#points = this.#points.filter((x) => x.step < e.step);
        this.#points.push(point);
        this.#queue(this.#o.metrics, [metricsRow(this.#o.runId, point)], "training_metrics");
        return point;
      }
      default:
        return undefined;
    }
  }

  /** The best formula, once the run's end has evaluated it. */
  setBest(best: NonNullable<TrainingHistory["best"]>): void {
    this.#best = best;
  }

  history(status: RunStatus): TrainingHistory {
    const o = this.#o;
    return {
      schema: HISTORY_SCHEMA, runId: o.runId, startedMs: o.startedMs, seed: o.seed, steps: o.steps,
      backend: this.#backend, status, best: this.#best, points: this.#points,
    };
  }

  /** The run's final state: queues its row and returns its history. */
  finish(status: Exclude<RunStatus, "running">): TrainingHistory {
    this.#pushRun(status);
    return this.history(status);
  }

  #pushRun(status: RunStatus): void {
    this.#queue(this.#o.runs, [runRow(this.history(status), this.#o.configHash, this.#o.now())], "training_runs");
  }

  #queue(sink: RowSink, rows: object[], table: string): void {
    sink.push(rows).catch((e: unknown) => this.#o.log.error(`could not queue ${table} rows`, { error: String(e) }));
  }
}
