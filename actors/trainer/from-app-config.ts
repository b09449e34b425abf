/**
 * The trainer's settings from the app config's `training` section (config/schema.ts), plus what
 * only the caller knows: the vocabulary, the output folder, resume, the data window.
 */
import type { AppConfig } from "../../config/index.js";
import type { AlphaScorerOptions } from "./alpha-scorer.js";
import { defaultTrainerSettings, type TrainerConfig, type TrainerVocab } from "./types.js";

export interface RunSpecifics {
  readonly vocab: TrainerVocab;
  readonly outDir: string;
  readonly resume?: boolean;
  readonly dataWindow?: unknown;
  /** Overrides of anything else (pool, overlap, checkpointEvery, ...). */
  readonly overrides?: Partial<TrainerConfig>;
}

export function trainerConfigFrom(training: AppConfig["training"], run: RunSpecifics): TrainerConfig {
  // A run manifest written before a key existed lacks it (`--resume` reads the manifest): such a
  // key takes the behaviour the run had then, so the resumed run repeats the original.
  const t: Partial<AppConfig["training"]> = training;
  return {
    ...defaultTrainerSettings,
    vocab: run.vocab,
    outDir: run.outDir,
    resume: run.resume ?? false,
    ...(run.dataWindow === undefined ? {} : { dataWindow: run.dataWindow }),
    backend: training.backend,
    seed: training.seed,
    steps: training.steps,
    batchSize: training.batchSize,
    model: {
      dModel: training.dModel,
      heads: training.heads,
      ffnHidden: training.ffnHidden,
      layers: training.layers,
      loops: training.loops,
      maxLen: training.maxFormulaLen,
      ...((t.endBias ?? 0) === 0 ? {} : { endBias: t.endBias }),
    },
    optimizer: { lr: training.learningRate, weightDecay: training.weightDecay },
    lord: { rate: training.lordDecayRate, iterations: training.lordIterations },
    reinforce: { riskSeeking: t.riskSeeking ?? 0 },
    eliteSize: t.eliteSize ?? 0,
    pool: { ...defaultTrainerSettings.pool, candidatesPerStep: t.candidatesPerStep ?? defaultTrainerSettings.pool.candidatesPerStep, selectBy: t.selectBy ?? "validation" },
    ...run.overrides,
  };
}

/** The scorer's settings from the same section (a manifest without rewardReturns predates it: absolute). */
export function alphaScorerOptions(training: AppConfig["training"]): AlphaScorerOptions {
  const t: Partial<AppConfig["training"]> = training;
  return { maxLength: training.maxFormulaLen, rewardMinDays: training.rewardMinDays, rewardReturns: t.rewardReturns ?? "absolute" };
}
