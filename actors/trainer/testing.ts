/**
 * A toy scorer for tests: rewards formulas built from one feature, validates with a length
 * penalty, and records every call so tests can check deduplication.
 */
import { vocabulary } from "../../alpha/vocab.js";
import type { FormulaScorer, Tokens, TrainerConfig, Validation } from "./types.js";

export const toyVocab = vocabulary("basic");
export const DEV = toyVocab.ids.get("DEV")!;

/** Share of feature slots filled by DEV. */
export function devShare(f: Tokens): number {
  const feats = f.filter((id) => toyVocab.arity[id] === 0);
  return feats.filter((id) => id === DEV).length / feats.length;
}

export interface RecordingScorer extends FormulaScorer {
  readonly evaluated: string[][];
  readonly validated: string[][];
}

export function toyScorer(): RecordingScorer {
  const evaluated: string[][] = [];
  const validated: string[][] = [];
  return {
    evaluated,
    validated,
    evaluate(formulas) {
      evaluated.push(formulas.map((f) => f.join(",")));
      return Promise.resolve(formulas.map(devShare));
    },
    validate(formulas) {
      validated.push(formulas.map((f) => f.join(",")));
      return Promise.resolve(
        formulas.map((f): Validation => {
          const series = new Float64Array(toyVocab.size + 1);
          for (const id of f) series[id]! += 1;
          series[toyVocab.size] = f.length;
          return { score: devShare(f) - 0.01 * f.length, series };
        }),
      );
    },
    report(formula) {
      return Promise.resolve({ metrics: { train: { reward: devShare(formula) }, validation: { score: devShare(formula) - 0.01 * formula.length }, test: { score: 0 } } });
    },
  };
}

export function toyConfig(outDir: string, over: Partial<TrainerConfig> = {}): TrainerConfig {
  return {
    vocab: toyVocab,
    model: { dModel: 16, heads: 2, ffnHidden: 16, layers: 1, loops: 2, maxLen: 8, routerHidden: 8 },
    optimizer: { lr: 5e-3 },
    backend: "wasm",
    seed: 7,
    steps: 6,
    batchSize: 48,
    outDir,
    checkpointEvery: 3,
    resume: false,
    pool: { size: 4, maxCorrelation: 0.95, candidatesPerStep: 4 },
    overlap: true,
    rewardCacheSize: 10_000,
    eliteSize: 0,
    stableRankEvery: 2,
    dataWindow: { fromMs: 0, toMs: 1, note: "toy" },
    ...over,
  };
}

/**
 * The planted-signal training run of test/e2e/cli-train.test.ts (and bench/planted-search): a
 * tiny model and budget as config env vars, formulas of at most `PLANTED_MAX_LEN` tokens on
 * 5-minute bars. Never wired in runtime.
 */
export const PLANTED_MAX_LEN = 8;
export const PLANTED_TRAINING_ENV: Readonly<Record<string, string>> = {
  ALPHAGPT_ALPHA_INTERVAL: "5m",
  ALPHAGPT_ALPHA_NORM_WINDOW: "60",
  ALPHAGPT_TRAINING_BACKEND: "wasm",
  ALPHAGPT_TRAINING_BATCH_SIZE: "64",
  ALPHAGPT_TRAINING_STEPS: "24",
  ALPHAGPT_TRAINING_D_MODEL: "16",
  ALPHAGPT_TRAINING_HEADS: "2",
  ALPHAGPT_TRAINING_FFN_HIDDEN: "16",
  ALPHAGPT_TRAINING_LAYERS: "1",
  ALPHAGPT_TRAINING_LOOPS: "2",
  ALPHAGPT_TRAINING_MAX_FORMULA_LEN: String(PLANTED_MAX_LEN),
  ALPHAGPT_TRAINING_LEARNING_RATE: "0.005",
  ALPHAGPT_TRAINING_END_BIAS: "1.5",
};
