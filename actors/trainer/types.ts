/**
 * The trainer's contract: its (serialisable) configuration, the scoring port it calls for
 * rewards and validation, and the events it reports. Everything here crosses the worker_thread
 * boundary, so it is plain data: no functions, no class instances.
 */
import type { AdamWOptions } from "../../alpha/model/adamw.js";
import type { BackendChoice } from "../../alpha/model/backend.js";
import type { ModelConfig } from "../../alpha/model/config.js";
import type { LordOptions } from "../../alpha/model/lord.js";
import type { ReinforceOptions } from "../../alpha/model/reinforce.js";

/** A formula as token ids in RPN order (no BOS/END). */
export type Tokens = readonly number[];

/** The vocabulary as the trainer needs it (the alpha engine's `vocabulary()` fits). */
export interface TrainerVocab {
  readonly size: number;
  readonly arity: ArrayLike<number>;
  readonly names: readonly string[];
  readonly version: string;
  readonly featureSet?: string;
}

export type SelectBy = "validation" | "worst";

export interface PoolOptions {
  /** Formulas kept, best validation score first. */
  readonly size: number;
  /** A newcomer whose validation series correlates above this (absolute) with a member must beat it. */
  readonly maxCorrelation: number;
  /** Best-rewarded new formulas per step sent to validation. */
  readonly candidatesPerStep: number;
  /**
   * What ranks the pool: "validation", the validation score; "worst", the lower of the train
   * reward and the validation score (a formula is as good as its worse period). Default validation.
   */
  readonly selectBy?: SelectBy;
}

export interface TrainerConfig {
  readonly vocab: TrainerVocab;
  readonly model?: Partial<ModelConfig>;
  readonly optimizer?: Partial<AdamWOptions>;
  readonly lord?: Partial<LordOptions>;
  readonly reinforce?: Partial<ReinforceOptions>;
  readonly backend?: BackendChoice;
  readonly seed: number;
  /** Total optimiser steps of the run (a resumed run continues up to this). */
  readonly steps: number;
  readonly batchSize: number;
  /** Folder for the checkpoint and (by default) the strategy file. */
  readonly outDir: string;
  /** Default `<outDir>/best_meme_strategy.json`. */
  readonly strategyPath?: string;
  readonly checkpointEvery: number;
  /** Continue from `<outDir>/trainer.ckpt` when it exists. */
  readonly resume: boolean;
  readonly pool: PoolOptions;
  /**
   * Sample the next batch and have it evaluated while this one's update runs: both cores busy,
   * at the price of a policy one step stale for that batch. Off at checkpoint steps so a
   * resumed run repeats an uninterrupted one exactly.
   */
  readonly overlap: boolean;
  /** Reward cache across steps (formulas are deterministic given the data): entries kept. */
  readonly rewardCacheSize: number;
  /**
   * Elite replay: the best formulas by train reward so far, up to this many, join every update
   * beside the sampled batch (elite.ts); 0 disables.
   */
  readonly eliteSize: number;
  /** Stable rank is measured every this many steps (power iteration is cheap, not free). */
  readonly stableRankEvery: number;
  /** Recorded verbatim in the strategy file: the data the rewards came from. */
  readonly dataWindow?: unknown;
}

export const defaultTrainerSettings = {
  batchSize: 1024,
  checkpointEvery: 25,
  resume: false,
  pool: { size: 10, maxCorrelation: 0.9, candidatesPerStep: 8 },
  overlap: true,
  rewardCacheSize: 200_000,
  eliteSize: 0,
  stableRankEvery: 10,
} as const satisfies Partial<TrainerConfig>;

/** What validation returns per formula: the selection score and a series for the correlation filter. */
export interface Validation {
  readonly score: number;
  /** E.g. per-bar portfolio returns on the validation split; empty disables the filter for it. */
  readonly series: ArrayLike<number>;
}

/** Metrics per split ("train", "validation", "test") and display text, for the strategy file. */
export interface FormulaReport {
  readonly metrics: Readonly<Record<string, Readonly<Record<string, number>>>>;
  readonly infix?: string;
  readonly rpn?: string;
}

/**
 * The scoring port. `runtime/` wires the alpha engine's batch evaluator here (train split for
 * rewards, validation split for selection). Rewards must follow a monotone ladder
 * (invalid < constant < inactive < active); non-finite values are floored and counted.
 */
export interface FormulaScorer {
  evaluate(formulas: readonly Tokens[]): Promise<ArrayLike<number>>;
  validate(formulas: readonly Tokens[]): Promise<readonly Validation[]>;
  report?(formula: Tokens): Promise<FormulaReport>;
}

export interface RewardStats {
  readonly mean: number;
  readonly std: number;
  readonly min: number;
  readonly max: number;
}

export interface StepTimings {
  readonly sampleMs: number;
  /** Time spent waiting for rewards (with overlap, only what the update did not hide). */
  readonly evalWaitMs: number;
  readonly updateMs: number;
  readonly validateMs: number;
  readonly stepMs: number;
}

export type TrainerEvent =
  | { readonly type: "backend"; readonly name: string; readonly detail: string }
  | { readonly type: "resumed"; readonly step: number; readonly path: string }
  | {
      readonly type: "progress";
      readonly step: number;
      readonly steps: number;
      readonly reward: RewardStats;
      readonly uniqueFormulas: number;
      /** Formulas actually sent to the evaluator this step (after dedup and cache). */
      readonly evaluated: number;
      readonly nonFiniteRewards: number;
      readonly bestScore: number | null;
      readonly bestFormula: string | null;
      readonly entropy: number;
      readonly loss: number;
      readonly gradNorm: number;
      readonly stableRank: { readonly q: number; readonly k: number; readonly mean: number } | null;
      readonly formulasPerSec: number;
      readonly timings: StepTimings;
    }
  | { readonly type: "strategy"; readonly step: number; readonly path: string; readonly score: number; readonly formula: string }
  | { readonly type: "checkpoint"; readonly step: number; readonly path: string };

export interface TrainResult {
  /** Steps completed (equal to config.steps unless stopped early). */
  readonly step: number;
  readonly stopped: boolean;
  readonly best: { readonly tokens: number[]; readonly rpn: string; readonly score: number } | null;
  readonly strategyPath: string;
  readonly checkpointPath: string;
}
