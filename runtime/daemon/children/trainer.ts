/**
 * The trainer child: retraining runs on the bars stored so far, one at a time. A run loads the
 * panel from ClickHouse, builds the alpha engine's evaluator (its own worker threads), trains the
 * policy in the trainer's worker thread (actors/trainer), and scores the best formula it found
 * against the active one on the same validation split. The candidate's strategy file stays in
 * the run's folder (`<dataDir>/checkpoints/<runId>/`) until the supervisor promotes it.
 *
 * Each run leaves the same trail as `alphagpt train`: `training_runs` and `training_metrics`
 * rows, and its history file in the run's folder.
 *
 * The child is up while idle or while a run makes progress; a run that stops reporting for
 * `stallMs` makes it hung (no heartbeat), and the supervisor replaces it. Killing the child
 * terminates the worker at once: the run fails, the last checkpoint survives, positions and
 * the active formula are untouched.
 */
import { join } from "node:path";
import { alphaScorer, alphaScorerOptions, startTrainerWorker, trainerConfigFrom, type TrainerConfig, type TrainerEvent, type TrainerHandle } from "../../../actors/trainer/index.js";
import { AlphaEvaluator, createContext, HORIZON, minEmbargo, type Panel } from "../../../alpha/index.js";
import type { AppConfig } from "../../../config/index.js";
import type { Clock } from "../../../core/clock.js";
import type { FieldLogger } from "../../log.js";
import { againstActive } from "../../research/against-active.js";
import { alphaContextOptions, alphaIntervalS } from "../../research/alpha-options.js";
import { loadPanel } from "../../research/load-panel.js";
import { HISTORY_FILE, writeHistory } from "../../research/training-history.js";
import { TrainingRecord, trainingConfigHash, type RowSink } from "../../research/training-record.js";
import { dataWindowOf, MANIFEST_SCHEMA, newRunId, runDir, saveManifest, strategyDataWindow } from "../../research/training-run.js";
import type { Storage } from "../../storage/storage.js";
import { vocabularyOf } from "../strategy.js";
import type { ChildContext, ChildFactory, ChildInstance } from "./child.js";

export interface TrainingSnapshot {
  readonly running: boolean;
  readonly runId: string | null;
  readonly step: number;
  readonly totalSteps: number;
  readonly bestScore: number | null;
  readonly bestInfix: string | null;
  readonly updatedAt: number;
  readonly history: readonly { readonly step: number; readonly bestScore: number; readonly meanScore: number }[];
  readonly runs: number;
  readonly lastError: string | null;
}

/** What a finished run offers the supervisor, before shadow scoring. */
export interface TrainedCandidate {
  readonly runId: string;
  /** Canonical RPN. */
  readonly formula: string;
  readonly infix: string;
  readonly strategyPath: string;
  readonly validation: { readonly candidate: number; readonly active: number | null };
  /** End of the training panel (unix seconds, exclusive): shadow scoring uses bars from here on. */
  readonly dataEndTs: number;
}

export class NotEnoughDataError extends Error {
  override readonly name = "NotEnoughDataError";
}

export interface TrainerChildOptions {
  readonly config: AppConfig;
  readonly storage: Storage;
  /** Writers of the `training_runs` and `training_metrics` tables. */
  readonly record: { readonly runs: RowSink; readonly metrics: RowSink };
  readonly clock: Clock;
  readonly log: FieldLogger;
  /** Formula-evaluation worker threads for a run (0: this thread). */
  readonly workers: number;
  /** Trainer settings beyond the config (tests: a tiny model). */
  readonly overrides?: Partial<TrainerConfig>;
  /** A run silent for this long makes the child hung. */
  readonly stallMs: number;
  onTraining(s: TrainingSnapshot): void;
}

export interface TrainerChild {
  readonly factory: ChildFactory;
  /** One run at a time: a second call waits for the first. Rejects while the child is not up. */
  run(activeFormula: string | null): Promise<TrainedCandidate | null>;
  snapshot(): TrainingSnapshot;
  /** Distinct bar times stored for the alpha interval, and the least a run needs. */
  dataAvailable(): Promise<{ readonly bars: number; readonly needed: number }>;
}

const HISTORY_POINTS = 300;

interface Live {
  readonly ctx: ChildContext;
  killed: boolean;
  handle: TrainerHandle | null;
  lastHeard: number;
}

export function trainerChild(o: TrainerChildOptions): TrainerChild {
  const { config } = o;
  const intervalS = alphaIntervalS(config);
  let live: Live | null = null;
  let tail: Promise<unknown> = Promise.resolve();
  let snap: TrainingSnapshot = {
    running: false, runId: null, step: 0, totalSteps: config.training.steps, bestScore: null, bestInfix: null,
    updatedAt: o.clock.now(), history: [], runs: 0, lastError: null,
  };
  const update = (patch: Partial<TrainingSnapshot>): void => {
    snap = { ...snap, ...patch, updatedAt: o.clock.now() };
    o.onTraining(snap);
  };

  // Two embargoes (longest window + horizon) and three splits of a few bars each (alpha/splits.ts).
  const needed = (): number => 2 * minEmbargo(config.alpha) + 3 * (HORIZON + 2) + 1;

  /**
   * The training window: the last `universe.historyDays` of stored bars (counted back from the
   * newest bar, which is simulated time on the loopback market), the most traded tokens.
   */
  async function loadTrainingPanel(): Promise<{ panel: Panel; evaluator: AlphaEvaluator }> {
    const rows = await o.storage.query<{ last: number | string | null }>("SELECT max(ts) AS last FROM bars WHERE interval_s = {i:UInt32}", { i: intervalS });
    const last = Number(rows[0]?.last ?? 0);
    const from = Math.max(0, last + intervalS - Math.round(config.universe.historyDays * 86_400));
    const panel = await loadPanel(o.storage, { intervalS, maxTokens: config.alpha.maxTokens, from });
    if (panel.nTokens === 0) throw new NotEnoughDataError("no bars stored yet");
    let ctx;
    try {
      ctx = createContext(panel, alphaContextOptions(config));
    } catch (e) {
      if (e instanceof RangeError) throw new NotEnoughDataError(`not enough bars to train on yet: ${e.message}`);
      throw e;
    }
    return { panel, evaluator: await AlphaEvaluator.create(ctx, { workers: o.workers }) };
  }

  async function runOnce(inst: Live, activeFormula: string | null): Promise<TrainedCandidate | null> {
    const started = o.clock.now();
    const { panel, evaluator } = await loadTrainingPanel();
    try {
      if (inst.killed) throw new Error("the trainer was stopped");
      const runId = await newRunId(config, started, config.training.seed);
      const outDir = runDir(config, runId);
      const window = dataWindowOf(panel);
      const trainerConfig = trainerConfigFrom(config.training, {
        vocab: vocabularyOf(config),
        outDir,
        dataWindow: strategyDataWindow(runId, window, config),
        overrides: { strategyPath: join(outDir, "candidate_strategy.json"), ...o.overrides },
      });
      await saveManifest(config, { schema: MANIFEST_SCHEMA, runId, startedMs: started, window, training: config.training, alpha: config.alpha, workers: o.workers });
      update({ running: true, runId, step: 0, totalSteps: trainerConfig.steps, bestScore: null, bestInfix: null, history: [], lastError: null });
      o.log.info("training started", { runId, tokens: panel.nTokens, bars: panel.nTimes, steps: trainerConfig.steps });
      const record = new TrainingRecord({
        runId, startedMs: started, seed: trainerConfig.seed, steps: trainerConfig.steps, configHash: trainingConfigHash(trainerConfig, config.alpha),
        runs: o.record.runs, metrics: o.record.metrics, log: o.log, now: () => o.clock.now(),
      });
      let finished = false;
      const finish = async (status: "done" | "stopped" | "failed"): Promise<void> => {
        if (finished) return;
        finished = true;
        await writeHistory(join(outDir, HISTORY_FILE), record.finish(status)).catch((e: unknown) => o.log.warn("could not write the run history", { runId, error: String(e) }));
      };
      const onEvent = (e: TrainerEvent): void => {
        inst.lastHeard = o.clock.now();
        record.onEvent(e);
        if (e.type === "backend") o.log.info("tfjs backend", { backend: e.name, detail: e.detail });
        if (e.type !== "progress") return;
        const point = { step: e.step, bestScore: e.bestScore ?? Number.NaN, meanScore: e.reward.mean };
        update({ step: e.step, totalSteps: e.steps, bestScore: e.bestScore, bestInfix: e.bestFormula, history: [...snap.history, point].slice(-HISTORY_POINTS) });
      };
      const handle = startTrainerWorker(trainerConfig, alphaScorer(evaluator, alphaScorerOptions(config.training)), { onEvent });
      inst.handle = handle;
      inst.lastHeard = o.clock.now();
      let result;
      try {
        result = await handle.done;
      } catch (e) {
        void finish(inst.killed ? "stopped" : "failed"); // its history file need not hold up the failure
        // The worker died on its own (not a kill): the child is broken, the supervisor restarts it.
        if (!inst.killed) inst.ctx.crashed(e);
        throw e;
      } finally {
        inst.handle = null;
      }
      const status = result.stopped ? "stopped" : "done";
      if (result.best === null) {
        await finish(status);
        return null;
      }
      const { candidate: cand, active: act } = await againstActive(evaluator, result.best.tokens, activeFormula).catch(async (e: unknown) => {
        await finish("failed");
        throw e;
      });
      if (cand?.formula != null) record.setBest({ rpn: cand.formula.rpn, infix: cand.formula.infix, score: result.best.score });
      await finish(status);
      if (cand?.formula == null) return null;
      return {
        runId,
        formula: cand.formula.rpn,
        infix: cand.formula.infix,
        strategyPath: result.strategyPath,
        validation: { candidate: cand.reward, active: act === undefined ? null : act.reward },
        dataEndTs: window.to,
      };
    } finally {
      await evaluator.close().catch(() => undefined);
    }
  }

  return {
    snapshot: () => snap,
    async dataAvailable() {
      const rows = await o.storage.query<{ n: number | string }>("SELECT uniqExact(ts) AS n FROM bars WHERE interval_s = {i:UInt32}", { i: intervalS });
      return { bars: Number(rows[0]?.n ?? 0), needed: needed() };
    },
    run(activeFormula) {
      const go = async (): Promise<TrainedCandidate | null> => {
        const inst = live;
        if (inst === null || inst.killed) throw new Error("the trainer is not up");
        try {
          const out = await runOnce(inst, activeFormula);
          update({ running: false, runs: snap.runs + 1 });
          return out;
        } catch (e) {
          update({ running: false, runs: snap.runs + 1, lastError: e instanceof Error ? e.message : String(e) });
          throw e;
        }
      };
      const r = tail.then(go, go);
      tail = r.catch(() => undefined);
      return r;
    },
    factory: {
      name: "trainer",
      async start(ctx: ChildContext): Promise<ChildInstance> {
        const inst: Live = { ctx, killed: false, handle: null, lastHeard: o.clock.now() };
        live = inst;
        const end = async (graceful: boolean): Promise<void> => {
          inst.killed = true;
          if (live === inst) live = null;
          const h = inst.handle;
          if (h === null) return;
          if (graceful) h.stop();
          else await h.terminate();
        };
        return {
          alive: () => !inst.killed && (inst.handle === null || o.clock.now() - inst.lastHeard <= o.stallMs),
          stop: () => end(false),
          kill: () => void end(false),
        };
      },
    },
  };
}
