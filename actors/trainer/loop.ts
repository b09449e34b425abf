/**
 * The training loop: sample -> reward (deduplicated) -> REINFORCE/AdamW/LoRD update -> validate
 * candidates into the pool -> checkpoint, reporting progress each step. Runs in any thread; the
 * worker (worker.ts) runs it off the event loop and proxies the scorer to the main thread.
 *
 * Overlap: with `overlap`, batch s+1 is sampled (from the policy before update s) and sent for
 * evaluation before update s runs, so the evaluator's workers and this thread work at once.
 * Validation of step s runs before that, so at most one scorer call is ever in flight.
 * Batch s+1 is then one step stale when it is learned from; REINFORCE tolerates that at these
 * learning rates. Checkpoint steps do not overlap, so resuming repeats an uninterrupted run.
 */
import { join } from "node:path";
import type { Clock } from "../../core/clock.js";
import { seededRng, type Rng } from "../../core/random.js";
import { initBackend } from "../../alpha/model/backend.js";
import { stableHash } from "../../alpha/model/config.js";
import { Policy } from "../../alpha/model/policy.js";
import { concatBatches, formulaBatch, type SampledBatch } from "../../alpha/model/sample.js";
import { checkpointPath, loadCheckpoint, saveCheckpoint } from "./checkpoint-file.js";
import { ElitePool } from "./elite.js";
import { FormulaPool } from "./pool.js";
import { batchRewards, RewardCache, rewardStats, type BatchRewards } from "./rewards.js";
import { Selector } from "./selection.js";
import { rpnText, STRATEGY_FILE } from "./strategy.js";
import type { FormulaScorer, TrainerConfig, TrainerEvent, TrainResult } from "./types.js";

export interface TrainingHooks {
  readonly clock: Clock;
  readonly onEvent?: (e: TrainerEvent) => void;
  /** Polled once per step: true finishes the current step, checkpoints and returns. */
  readonly shouldStop?: () => boolean;
}

/** The step's own random stream: a resumed run draws exactly what an uninterrupted one would. */
export function stepRng(seed: number, step: number): Rng {
  return seededRng((seed ^ Math.imul(step + 1, 0x9e3779b9)) >>> 0);
}

/** What must match for a checkpoint to be resumed: everything that shapes the trajectory. */
export function trainerConfigHash(config: TrainerConfig, policy: Policy): string {
  const v = config.vocab;
  // Settings added later enter the hash only when on, so older checkpoints still resume.
  const { riskSeeking, ...reinforce } = policy.reinforce;
  return stableHash({
    vocab: { size: v.size, arity: Array.from(v.arity), version: v.version, featureSet: v.featureSet ?? null },
    model: policy.config,
    optimizer: policy.optimizer,
    lord: policy.lord,
    reinforce: riskSeeking > 0 ? policy.reinforce : reinforce,
    seed: config.seed,
    batchSize: config.batchSize,
    overlap: config.overlap,
    checkpointEvery: config.checkpointEvery,
    ...(config.eliteSize > 0 ? { eliteSize: config.eliteSize } : {}),
  });
}

interface Pending {
  readonly step: number;
  readonly batch: SampledBatch;
  readonly sampleMs: number;
  readonly rewards: Promise<BatchRewards>;
}

export async function runTraining(config: TrainerConfig, scorer: FormulaScorer, hooks: TrainingHooks): Promise<TrainResult> {
  const emit = hooks.onEvent ?? ((): void => {});
  const backend = await initBackend(config.backend ?? "auto");
  emit({ type: "backend", name: backend.name, detail: backend.detail });
  const policy = new Policy({
    vocab: config.vocab,
    seed: config.seed,
    ...(config.model === undefined ? {} : { model: config.model }),
    ...(config.optimizer === undefined ? {} : { optimizer: config.optimizer }),
    ...(config.lord === undefined ? {} : { lord: config.lord }),
    ...(config.reinforce === undefined ? {} : { reinforce: config.reinforce }),
  });
  try {
    const configHash = trainerConfigHash(config, policy);
    const ckptPath = checkpointPath(config.outDir);
    const strategyPath = config.strategyPath ?? join(config.outDir, STRATEGY_FILE);
    let step = 0;
    let pool = new FormulaPool(config.pool.size, config.pool.maxCorrelation);
    let elite = new ElitePool(config.eliteSize);
    if (config.resume) {
      const loaded = await loadCheckpoint(ckptPath, configHash);
      if (loaded !== undefined) {
        policy.restore(loaded.snapshot);
        step = loaded.state.step;
        pool = FormulaPool.fromJSON(loaded.state.pool, config.pool.size, config.pool.maxCorrelation);
        elite = new ElitePool(config.eliteSize, loaded.state.elite ?? []);
        emit({ type: "resumed", step, path: ckptPath });
      }
    }
    const selector = new Selector({ config, scorer, configHash, strategyPath, now: () => hooks.clock.now(), emit }, pool);
    const cache = new RewardCache(config.rewardCacheSize);
    const launch = (s: number): Pending => {
      const t0 = performance.now();
      const batch = policy.sample(config.batchSize, stepRng(config.seed, s));
      const sampleMs = performance.now() - t0;
      const rewards = batchRewards(batch.formulas, scorer, cache);
      rewards.catch(() => undefined); // observed when awaited; no unhandled rejection meanwhile
      return { step: s, batch, sampleMs, rewards };
    };

    let lastEnd = performance.now();
    let next: Pending | undefined = step < config.steps ? launch(step) : undefined;
    let stopped = false;
    let first = true;
    while (next !== undefined) {
      const cur: Pending = next;
      next = undefined;
      const s = cur.step;
      const tw = performance.now();
      const r = await cur.rewards;
      const evalWaitMs = performance.now() - tw;
      const done = s + 1;
      const last = done >= config.steps;
      const stopNow = hooks.shouldStop?.() === true;
      const ckptNow = last || stopNow || done % config.checkpointEvery === 0;
      // Validation first, while nothing else is in flight: the scorer never sees two calls at
      // once (the engine's worker pool serves one batch at a time).
      const tv = performance.now();
      await selector.consider(cur.batch.formulas, r.rewards, s);
      const validateMs = performance.now() - tv;
      // Timings are of this step's wall time: the sampling done in it is the next batch's.
      let sampleMs = first ? cur.sampleMs : 0;
      first = false;
      if (config.overlap && !ckptNow) {
        next = launch(done);
        sampleMs += next.sampleMs;
      }
      const tu = performance.now();
      elite.offer(cur.batch.formulas, r.rewards);
      const replay = elite.replay(cur.batch.formulas);
      const stats =
        replay.formulas.length === 0
          ? policy.update(cur.batch, r.rewards)
          : policy.update(concatBatches(cur.batch, formulaBatch(replay.formulas, policy.vocab, policy.grammar)), Float64Array.from([...r.rewards, ...replay.rewards]));
      const updateMs = performance.now() - tu;
      if (ckptNow) {
        const state = { step: done, configHash, seed: config.seed, pool: selector.pool.toJSON(), elite: elite.toJSON(), savedAtMs: hooks.clock.now() };
        await saveCheckpoint(ckptPath, policy.snapshot(), state);
        emit({ type: "checkpoint", step: done, path: ckptPath });
      }
      if (stopNow) stopped = true;
      else if (next === undefined && !last) {
        next = launch(done);
        sampleMs += next.sampleMs;
      }
      const now = performance.now();
      const stepMs = now - lastEnd;
      lastEnd = now;
      const best = selector.pool.best();
      const sr = done % config.stableRankEvery === 0 || done === 1 || last ? policy.stableRank() : null;
      emit({
        type: "progress",
        step: done,
        steps: config.steps,
        reward: rewardStats(r.rewards),
        uniqueFormulas: r.unique,
        evaluated: r.evaluated,
        nonFiniteRewards: r.nonFinite,
        bestScore: best?.score ?? null,
        bestFormula: best === undefined ? null : rpnText(best.tokens, config.vocab),
        entropy: stats.entropy,
        loss: stats.loss,
        gradNorm: stats.gradNorm,
        stableRank: sr === null ? null : { q: sr.q, k: sr.k, mean: sr.mean },
        formulasPerSec: (config.batchSize * 1000) / Math.max(stepMs, 1e-3),
        timings: { sampleMs, evalWaitMs, updateMs, validateMs, stepMs },
      });
      step = done;
      if (stopped) break;
    }
    const best = selector.pool.best();
    return {
      step,
      stopped,
      best: best === undefined ? null : { tokens: best.tokens, rpn: rpnText(best.tokens, config.vocab), score: best.score },
      strategyPath,
      checkpointPath: ckptPath,
    };
  } finally {
    policy.dispose();
  }
}
