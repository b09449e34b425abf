/**
 * `alphagpt train`: trains the formula generator on stored bars. The policy trains in a
 * worker_thread (actors/trainer); this thread serves its reward and validation calls from the
 * alpha engine's evaluator, shows a progress bar, streams per-step metrics to ClickHouse through
 * a batched writer (training never waits on it), and at the end writes the history, a plot and
 * the strategy's row, and prints the best formula with its metrics per split.
 *
 * SIGINT/SIGTERM stop gracefully: the current step finishes, the trainer checkpoints (the
 * strategy file is already current), everything is written, and the exit code is 130. A second
 * signal aborts at once; the last checkpoint survives. `--resume` continues the last run.
 */
import { mkdir, readFile } from "node:fs/promises";
import { availableParallelism } from "node:os";
import { join } from "node:path";
import type { Command } from "commander";
import {
  alphaScorer,
  alphaScorerOptions,
  decodeStrategyFile,
  STRATEGY_FILE,
  startTrainerWorker,
  trainerConfigFrom,
  type FormulaScorer,
  type TrainerConfig,
  type TrainerEvent,
  type TrainResult,
} from "../../../actors/trainer/index.js";
import { writeFileAtomic } from "../../../core/files.js";
import { AlphaEvaluator, createContext, vocabulary, type Panel } from "../../../alpha/index.js";
import type { BackendChoice } from "../../../alpha/model/index.js";
import type { AppConfig } from "../../../config/index.js";
import { systemClock } from "../../../core/clock.js";
import { installStrategyFile, readStrategyAt, strategyFilePath, type ActiveStrategy } from "../../daemon/strategy.js";
import { parseInterval } from "../../io/index.js";
import { fieldLogger, type FieldLogger } from "../../log.js";
import { againstActive } from "../../research/against-active.js";
import { alphaContextOptions, alphaIntervalS } from "../../research/alpha-options.js";
import { loadPanel, type PanelQuery } from "../../research/load-panel.js";
import { strategyRow } from "../../research/strategy-file.js";
import { HISTORY_FILE, lastStableRank, PLOT_FILE, readHistory, writeHistory, type HistoryPoint } from "../../research/training-history.js";
import { TrainingRecord, trainingConfigHash } from "../../research/training-record.js";
import { trainingPlotHtml } from "../../research/training-plot.js";
import {
  dataWindowOf,
  latestManifest,
  MANIFEST_SCHEMA,
  newRunId,
  runDir,
  saveManifest,
  strategyDataWindow,
  windowQuery,
  type RunManifest,
} from "../../research/training-run.js";
import type { BatchedWriter } from "../../storage/batched-writer.js";
import { openMigratedStorage, openWriter, statePath } from "../../storage/from-config.js";
import type { Storage } from "../../storage/storage.js";
import { contextFrom, type CliContext, type CliIo } from "../context.js";
import { CliError, ExitCode } from "../exit-codes.js";
import { nonNegativeInt, positiveInt } from "../options.js";
import { progressBar, type Progress } from "../progress.js";
import { formatEval } from "./alpha.js";

export interface TrainCommandOptions {
  readonly steps?: number;
  readonly batch?: number;
  readonly backend?: BackendChoice;
  readonly resume?: boolean;
  readonly interval?: string;
  readonly tokens?: number;
  readonly from?: number;
  readonly to?: number;
  readonly seed?: number;
  readonly workers?: number;
  readonly force?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Option parsers and helpers shared with `alphagpt experiment`.

export const BACKENDS: readonly BackendChoice[] = ["auto", "wasm", "cpu", "tensorflow", "webgpu"];
export const backendOption = (raw: string): BackendChoice => {
  if (!(BACKENDS as readonly string[]).includes(raw)) throw new CliError(`--backend must be one of ${BACKENDS.join(", ")}, got "${raw}"`, ExitCode.usage);
  return raw as BackendChoice;
};

/** Evaluator threads by default: one core is the trainer's. */
export const defaultWorkers = (): number => Math.max(0, availableParallelism() - 1);

/** The panel query from the data flags (interval, tokens, from, to) and the config. */
export function panelQueryFrom(config: AppConfig, opts: Pick<TrainCommandOptions, "interval" | "tokens" | "from" | "to">): PanelQuery {
  const intervalS = opts.interval !== undefined ? parseInterval(opts.interval) : alphaIntervalS(config);
  if (intervalS === undefined) throw new CliError(`--interval: "${opts.interval}" is not an interval`, ExitCode.usage);
  return {
    intervalS,
    maxTokens: opts.tokens ?? config.alpha.maxTokens,
    ...(opts.from !== undefined ? { from: opts.from } : {}),
    ...(opts.to !== undefined ? { to: opts.to } : {}),
  };
}

export async function loadTrainingPanel(storage: Storage, q: PanelQuery): Promise<Panel> {
  const panel = await loadPanel(storage, q);
  if (panel.nTokens === 0) throw new CliError(`no ${q.intervalS}s bars stored in that window: run \`alphagpt sim\` or \`alphagpt import ohlcv\` first`, ExitCode.failure);
  return panel;
}

export async function evaluatorFor(config: AppConfig, panel: Panel, workers: number): Promise<AlphaEvaluator> {
  let ctx;
  try {
    ctx = createContext(panel, alphaContextOptions(config));
  } catch (e) {
    if (e instanceof RangeError) throw new CliError(`cannot split ${panel.nTimes} bars into train/validation/test: ${e.message}`, ExitCode.badInput);
    throw e;
  }
  return AlphaEvaluator.create(ctx, { workers });
}

const fmt = (x: number | null | undefined, d: number): string => (x === null || x === undefined || !Number.isFinite(x) ? "-" : x.toFixed(d));

/** The bar's detail: mean reward, best validation score, entropy, stable rank of Q/K, formulas/s. */
export function progressDetail(p: HistoryPoint, sr: HistoryPoint["stableRank"]): string {
  return `reward ${fmt(p.reward.mean, 3)} | best ${fmt(p.bestScore, 3)} | entropy ${fmt(p.entropy, 2)} | srank Q ${fmt(sr?.q, 2)} K ${fmt(sr?.k, 2)} | ${Math.round(p.formulasPerSec)} f/s`;
}

export interface SignalWatch {
  /** The first signal received, if any. */
  readonly signal: () => NodeJS.Signals | undefined;
  /** A second signal arrived: the caller aborted. */
  readonly aborted: () => boolean;
  dispose(): void;
}

/** First SIGINT/SIGTERM: `onStop` (graceful); second: `onAbort`. */
export function watchSignals(io: CliIo, onStop: () => void, onAbort: () => void): SignalWatch {
  let first: NodeJS.Signals | undefined;
  let aborted = false;
  const handler = (sig: NodeJS.Signals): void => {
    if (first === undefined) {
      first = sig;
      io.stderr(`\n${sig}: stopping after this step (checkpoint, strategy file); send it again to abort now\n`);
      onStop();
    } else if (!aborted) {
      aborted = true;
      io.stderr(`\n${sig} again: aborting; the last checkpoint is kept\n`);
      onAbort();
    }
  };
  const onInt = (): void => handler("SIGINT");
  const onTerm = (): void => handler("SIGTERM");
  process.on("SIGINT", onInt);
  process.on("SIGTERM", onTerm);
  return {
    signal: () => first,
    aborted: () => aborted,
    dispose() {
      process.removeListener("SIGINT", onInt);
      process.removeListener("SIGTERM", onTerm);
    },
  };
}

/** The worker's error without its stack trace (the trainer reports `stack ?? message`). */
export function errorText(e: Error | undefined): string {
  if (e === undefined) return "unknown error";
  return e.message.split(/\n\s+at /)[0]!.replace(/^trainer failed: Error: /, "trainer failed: ");
}

export interface WorkerRunHooks {
  readonly onEvent?: (e: TrainerEvent) => void;
  readonly signals?: { readonly io: CliIo };
}

export interface WorkerRunOutcome {
  /** Undefined when aborted or failed. */
  readonly result?: TrainResult;
  readonly error?: Error;
  readonly signal?: NodeJS.Signals;
  readonly aborted: boolean;
}

/** One training run in the worker, stoppable by SIGINT/SIGTERM. Never rejects. */
export async function runTrainerWorker(config: TrainerConfig, scorer: FormulaScorer, hooks: WorkerRunHooks = {}): Promise<WorkerRunOutcome> {
  const handle = startTrainerWorker(config, scorer, hooks.onEvent === undefined ? {} : { onEvent: hooks.onEvent });
  const watch =
    hooks.signals === undefined
      ? undefined
      : watchSignals(
          hooks.signals.io,
          () => handle.stop(),
          () => void handle.terminate(),
        );
  try {
    const result = await handle.done;
    const signal = watch?.signal();
    return { result, aborted: false, ...(signal === undefined ? {} : { signal }) };
  } catch (e) {
    await handle.terminate().catch(() => undefined);
    const signal = watch?.signal();
    return { error: e instanceof Error ? e : new Error(String(e)), aborted: watch?.aborted() ?? false, ...(signal === undefined ? {} : { signal }) };
  } finally {
    watch?.dispose();
  }
}

// ---------------------------------------------------------------------------------------------

export function registerTrain(program: Command, io: CliIo): void {
  program
    .command("train")
    .description(
      "train the formula generator on stored bars (policy in a worker thread, rewards from the alpha engine): " +
        "progress bar, per-step metrics in ClickHouse (training_runs, training_metrics), the strategy file and a strategies row, " +
        "training_history.json and training.html (reward and stable-rank plot) under the data dir, and the best formula's metrics per split. " +
        "SIGINT stops after the current step with a checkpoint (exit 130); --resume continues the last run.",
    )
    .option("--steps <n>", "policy steps (default: training.steps); with --resume, the new total", positiveInt("steps"))
    .option("--batch <n>", "formulas per step (default: training.batchSize)", positiveInt("batch"))
    .option("--backend <name>", `tfjs backend: ${BACKENDS.join(", ")} (default: training.backend)`, backendOption)
    .option("--resume", "continue the last run from its checkpoint, on the same data and settings")
    .option("--interval <interval>", "bar interval (default: alpha.interval)")
    .option("--tokens <n>", "most tokens, by volume (default: alpha.maxTokens)", positiveInt("tokens"))
    .option("--from <unix-seconds>", "first bar (inclusive)", nonNegativeInt("from"))
    .option("--to <unix-seconds>", "end (exclusive)", nonNegativeInt("to"))
    .option("--seed <n>", "seed for sampling and initialisation (default: training.seed)", nonNegativeInt("seed"))
    .option("--workers <n>", "formula-evaluation worker threads (0: this thread; default: cores - 1)", nonNegativeInt("workers"))
    .option("--force", "install the trained strategy even when the active one scores higher on this run's validation split")
    .action(async (opts: TrainCommandOptions, cmd: Command) => {
      await train(contextFrom(cmd, io), opts);
    });
}

interface Plan {
  readonly config: AppConfig;
  readonly runId: string;
  readonly startedMs: number;
  readonly query: PanelQuery;
  readonly resume: RunManifest | undefined;
  readonly workers: number;
}

/** The run to do: a new one from flags and config, or the last one with its own settings. */
async function plan(ctx: CliContext, opts: TrainCommandOptions): Promise<Plan> {
  const now = systemClock.now();
  if (opts.resume === true) {
    const fixed = (["batch", "seed", "interval", "tokens", "from", "to"] as const).filter((k) => opts[k] !== undefined);
    if (fixed.length > 0) throw new CliError(`--resume continues the last run on its own data and settings: drop ${fixed.map((k) => `--${k}`).join(", ")}`, ExitCode.usage);
    let m: RunManifest | undefined;
    try {
      m = await latestManifest(ctx.config);
    } catch (e) {
      throw new CliError(`cannot read the last run's manifest: ${(e as Error).message}`, ExitCode.failure);
    }
    if (m === undefined || m.schema !== MANIFEST_SCHEMA) throw new CliError(`no training run to resume under ${statePath(ctx.config, "checkpoints")}: run \`alphagpt train\` first`, ExitCode.usage);
    const training = { ...m.training, ...(opts.steps !== undefined ? { steps: opts.steps } : {}), ...(opts.backend !== undefined ? { backend: opts.backend } : {}) };
    return {
      config: { ...ctx.config, training, alpha: m.alpha },
      runId: m.runId,
      startedMs: m.startedMs,
      query: windowQuery(m.window),
      resume: m,
      workers: opts.workers ?? m.workers ?? defaultWorkers(),
    };
  }
  const t = ctx.config.training;
  const training = {
    ...t,
    ...(opts.steps !== undefined ? { steps: opts.steps } : {}),
    ...(opts.batch !== undefined ? { batchSize: opts.batch } : {}),
    ...(opts.backend !== undefined ? { backend: opts.backend } : {}),
    ...(opts.seed !== undefined ? { seed: opts.seed } : {}),
  };
  const config = { ...ctx.config, training };
  return {
    config,
    runId: await newRunId(config, now, training.seed),
    startedMs: now,
    query: panelQueryFrom(config, opts),
    resume: undefined,
    workers: opts.workers ?? defaultWorkers(),
  };
}

/** Chains writes of one file so they land in order; errors are logged, never thrown at the trainer. */
function serialWrites(log: FieldLogger): (what: string, f: () => Promise<void>) => Promise<void> {
  let tail = Promise.resolve();
  return (what, f) => {
    tail = tail.then(f).catch((e: unknown) => log.warn(`could not write ${what}`, { error: String(e) }));
    return tail;
  };
}

async function train(ctx: CliContext, opts: TrainCommandOptions): Promise<void> {
  const { io } = ctx;
  const p = await plan(ctx, opts);
  const { config, runId } = p;
  const log = fieldLogger(ctx.logger, "train");
  const dir = runDir(config, runId);
  // The run writes its own strategy file; it replaces the active one only if it scores at least as well (installStrategy).
  const strategyPath = join(dir, STRATEGY_FILE);
  const writers: BatchedWriter[] = [];
  const storage = await openMigratedStorage(config);
  let evaluator: AlphaEvaluator | undefined;
  try {
    const panel = await loadTrainingPanel(storage, p.query);
    const window = dataWindowOf(panel);
    if (p.resume !== undefined && (window.bars !== p.resume.window.bars || window.tokens !== p.resume.window.tokens)) {
      throw new CliError(`the stored bars of run ${runId}'s window changed (${p.resume.window.tokens} tokens x ${p.resume.window.bars} bars then, ${window.tokens} x ${window.bars} now): start a new run`, ExitCode.failure);
    }
    evaluator = await evaluatorFor(config, panel, p.workers);
    const vocab = vocabulary(config.alpha.featureSet);
    const trainerConfig = trainerConfigFrom(config.training, {
      vocab,
      outDir: dir,
      resume: p.resume !== undefined,
      dataWindow: strategyDataWindow(runId, window, config),
      overrides: { strategyPath },
    });
    await mkdir(dir, { recursive: true });
    if (p.resume === undefined) {
      await saveManifest(config, {
        schema: MANIFEST_SCHEMA,
        runId,
        startedMs: p.startedMs,
        window,
        training: config.training,
        alpha: config.alpha,
        workers: opts.workers ?? null,
      });
    }

    const runs = await openWriter(config, storage, "training_runs", log);
    writers.push(runs);
    const metrics = await openWriter(config, storage, "training_metrics", log);
    writers.push(metrics);
    const strategies = await openWriter(config, storage, "strategies", log);
    writers.push(strategies);

    const previous = p.resume === undefined ? undefined : await readHistory(join(dir, HISTORY_FILE));
    const record = new TrainingRecord({
      runId, startedMs: p.startedMs, seed: config.training.seed, steps: config.training.steps,
      configHash: trainingConfigHash(trainerConfig, config.alpha), runs, metrics, log, now: () => systemClock.now(),
      ...(previous !== undefined ? { previous } : {}),
    });

    const saveRunHistory = serialWrites(log);
    let bar: Progress | undefined;
    const onEvent = (e: TrainerEvent): void => {
      const point = record.onEvent(e);
      switch (e.type) {
        case "backend":
          log.info("tfjs backend", { backend: e.name, detail: e.detail });
          io.stderr(`train: run ${runId} on ${panel.nTokens} tokens x ${panel.nTimes} bars of ${panel.intervalS}s; tfjs backend ${e.name} (${e.detail})\n`);
          return;
        case "resumed":
          io.stderr(`train: resumed run ${runId} from step ${e.step} (${e.path})\n`);
          return;
        case "progress":
          bar ??= progressBar(io, "training", e.steps);
          if (point !== undefined) bar.update(e.step, progressDetail(point, lastStableRank(record.points)));
          return;
        case "strategy":
          log.info("new best formula", { step: e.step, score: e.score, formula: e.formula, path: e.path });
          return;
        case "checkpoint": {
          const snapshot = record.history("running");
          void saveRunHistory("the run history", () => writeHistory(join(dir, HISTORY_FILE), snapshot));
          return;
        }
      }
    };

    const outcome = await runTrainerWorker(trainerConfig, alphaScorer(evaluator, alphaScorerOptions(config.training)), { onEvent, signals: { io } });
    bar?.stop();
    await saveRunHistory("the run history", async () => {});
    const result = outcome.result;
    if (result === undefined) {
      const status = outcome.signal !== undefined ? "stopped" : "failed";
      await writeHistory(join(dir, HISTORY_FILE), record.finish(status)).catch(() => undefined);
      if (outcome.signal !== undefined) {
        throw new CliError(`training aborted by ${outcome.signal}; the last checkpoint is in ${dir} (\`alphagpt train --resume\` continues)`, ExitCode.interrupted);
      }
      throw new CliError(`training failed: ${errorText(outcome.error)}`, ExitCode.failure);
    }

    // The best formula, evaluated on every split for the report and the strategies row.
    let report = "no formula was selected (no validation candidates yet)\n";
    let verdict = "(none)";
    if (result.best !== null) {
      verdict = await installStrategy(config, evaluator, result.best.tokens, strategyPath, opts.force === true, log);
      const [evaluated] = await evaluator.evaluate([result.best.tokens], { ic: true, curves: true, upstream: true, maxLength: config.training.maxFormulaLen });
      if (evaluated !== undefined && evaluated.formula !== null) {
        record.setBest({ rpn: evaluated.formula.rpn, infix: evaluated.formula.infix, score: result.best.score });
        report = formatEval(evaluated, panel);
        try {
          const file = decodeStrategyFile(JSON.parse(await readFile(strategyPath, "utf8")));
          await strategies.push([strategyRow(file, evaluated.formula, window, { runId, source: "train" }, systemClock.now())]);
        } catch (e) {
          log.warn("could not record the strategy in the strategies table", { path: strategyPath, error: String(e) });
        }
      }
    }
    const status = result.stopped ? "stopped" : "done";
    const final = record.finish(status);
    const plot = trainingPlotHtml(final);
    await writeHistory(join(dir, HISTORY_FILE), final);
    await writeHistory(statePath(config, HISTORY_FILE), final);
    await writeFileAtomic(join(dir, PLOT_FILE), plot);
    await writeFileAtomic(statePath(config, PLOT_FILE), plot);
    // Everything handed to the writers reaches ClickHouse (or the spool) before the summary.
    await Promise.all(writers.splice(0).map((w) => w.close()));

    const evaluatedTotal = final.points.reduce((n, x) => n + x.evaluated, 0);
    io.stdout(
      [
        `run       ${runId}: ${status}, step ${result.step} of ${config.training.steps}, ${evaluatedTotal} formulas evaluated`,
        `strategy  ${verdict}`,
        `history   ${statePath(config, HISTORY_FILE)}`,
        `plot      ${statePath(config, PLOT_FILE)}`,
        `checkpoint ${result.checkpointPath}`,
        "",
      ].join("\n") + report,
    );
    if (result.stopped && outcome.signal !== undefined) {
      throw new CliError(`interrupted by ${outcome.signal} at step ${result.step} of ${config.training.steps}: \`alphagpt train --resume\` continues`, ExitCode.interrupted);
    }
  } finally {
    await Promise.all(writers.map((w) => w.close()));
    await evaluator?.close();
    await storage.close();
  }
}

/**
 * Makes the run's strategy the active one (the file the daemon trades) when there is none, when
 * the active one is unusable, or when the run's formula scores at least as well on this run's
 * validation split (as the daemon's promotions must): a quick experiment never silently replaces
 * a better strategy. `force` installs regardless. Returns the summary line's text.
 */
async function installStrategy(config: AppConfig, evaluator: AlphaEvaluator, tokens: readonly number[], runFile: string, force: boolean, log: FieldLogger): Promise<string> {
  const activePath = strategyFilePath(config);
  let active: ActiveStrategy | undefined;
  let unusable = "";
  try {
    active = await readStrategyAt(activePath, config, systemClock.now());
  } catch (e) {
    unusable = e instanceof Error ? e.message : String(e);
  }
  const { candidate, active: current } = await againstActive(evaluator, tokens, active?.rpn ?? null);
  const score = (x: number | undefined): string => (x === undefined ? "n/a" : x.toFixed(2));
  const versus = current === undefined ? "" : `validation ${score(candidate?.reward)} vs the active formula's ${score(current.reward)}`;
  if (current !== undefined && !force && !((candidate?.reward ?? -Infinity) >= current.reward)) {
    log.info("strategy not installed: the active one scores higher", { candidate: candidate?.reward, active: current.reward, path: runFile });
    return `${runFile} (not installed: ${versus} on this run's data; --force installs it)`;
  }
  await installStrategyFile(config, runFile);
  const why = unusable !== "" ? `the active file was unusable: ${unusable}` : current === undefined ? "there was no active strategy" : force ? `--force, ${versus}` : versus;
  log.info("strategy installed", { path: activePath, from: runFile, why });
  return `${activePath} (installed: ${why})`;
}
