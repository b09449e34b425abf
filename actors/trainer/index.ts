/** The trainer actor's public surface: `alphagpt train` and the daemon's trainer child use this. */
export { startTrainerWorker, type StartOptions, type TrainerHandle } from "./host.js";
export { runTraining, trainerConfigHash, type TrainingHooks } from "./loop.js";
export { alphaScorer, type AlphaScorerOptions } from "./alpha-scorer.js";
export { CHECKPOINT_FILE, checkpointPath, type RunState } from "./checkpoint-file.js";
export { decodeStrategyFile, STRATEGY_FILE, STRATEGY_SCHEMA, StrategyFileSchema, type StrategyFile } from "./strategy.js";
export { defaultTrainerSettings } from "./types.js";
export type {
  FormulaReport,
  FormulaScorer,
  PoolOptions,
  RewardStats,
  StepTimings,
  Tokens,
  TrainerConfig,
  TrainerEvent,
  TrainerVocab,
  TrainResult,
  Validation,
} from "./types.js";
export { alphaScorerOptions, trainerConfigFrom, type RunSpecifics } from "./from-app-config.js";
