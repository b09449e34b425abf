/**
 * `alphagpt experiment lord`: the regulariser ablation of the trainer (issue 4, item 7). Three
 * variants, no regulariser, L2 (AdamW weight decay) and LoRD (Newton-Schulz low-rank decay of
 * the attention Q and K projections), each trained on the same panel with the same seeds, one
 * run after another in the trainer worker, sharing one evaluator. Reports the best formula's
 * validation and test score and the final stable rank of Q and K side by side, the mean per
 * variant, and writes the table as JSON and CSV under the data dir.
 */
import { join } from "node:path";
import type { Command } from "commander";
import { writeFileAtomic } from "../../../core/files.js";
import { alphaScorer, alphaScorerOptions, STRATEGY_FILE, trainerConfigFrom, type TrainerEvent } from "../../../actors/trainer/index.js";
import { vocabulary, type AlphaEvaluator } from "../../../alpha/index.js";
import { defaultAdamWOptions, defaultLordOptions, type BackendChoice } from "../../../alpha/model/index.js";
import type { AppConfig } from "../../../config/index.js";
import { systemClock } from "../../../core/clock.js";
import { historyPoint, lastStableRank, type HistoryPoint } from "../../research/training-history.js";
import { dataWindowOf, strategyDataWindow, type DataWindow } from "../../research/training-run.js";
import { openMigratedStorage, statePath } from "../../storage/from-config.js";
import { contextFrom, type CliContext, type CliIo } from "../context.js";
import { CliError, ExitCode } from "../exit-codes.js";
import { progressBar, type Progress } from "../progress.js";
import {
  backendOption,
  BACKENDS,
  defaultWorkers,
  errorText,
  evaluatorFor,
  loadTrainingPanel,
  panelQueryFrom,
  progressDetail,
  runTrainerWorker,
} from "./train.js";
import { nonNegativeInt, positiveInt } from "../options.js";

interface LordExperimentOptions {
  readonly steps?: number;
  readonly seeds: readonly number[];
  readonly batch?: number;
  readonly backend?: BackendChoice;
  readonly interval?: string;
  readonly tokens?: number;
  readonly from?: number;
  readonly to?: number;
  readonly workers?: number;
}

export type VariantName = "none" | "l2" | "lord";

export interface Variant {
  readonly name: VariantName;
  readonly description: string;
  readonly weightDecay: number;
  readonly lordRate: number;
  readonly lordIterations: number;
}

export interface ExperimentRow {
  readonly variant: VariantName;
  readonly seed: number;
  readonly steps: number;
  /** The pool's best formula: its reward on the validation split (what selected it). */
  readonly validationScore: number | null;
  /** The same formula's reward on the test split (never seen by training or selection). */
  readonly testScore: number | null;
  /** Stable rank of the Q and K projections (mean over layers) at the end of the run. */
  readonly stableRankQ: number | null;
  readonly stableRankK: number | null;
  readonly formula: string | null;
  readonly infix: string | null;
}

export interface VariantMean {
  readonly variant: VariantName;
  readonly runs: number;
  readonly validationScore: number | null;
  readonly testScore: number | null;
  readonly stableRankQ: number | null;
  readonly stableRankK: number | null;
}

/**
 * The three variants at the configured strengths (`training.weightDecay`, `training.lordDecayRate`);
 * a strength configured as 0 falls back to upstream's (0.01, 1e-3) so no variant repeats another.
 */
export function lordVariants(t: AppConfig["training"]): Variant[] {
  const wd = t.weightDecay > 0 ? t.weightDecay : defaultAdamWOptions.weightDecay;
  const rate = t.lordDecayRate > 0 ? t.lordDecayRate : defaultLordOptions.rate;
  const it = t.lordIterations;
  return [
    { name: "none", description: "no regulariser (weight decay 0, LoRD off)", weightDecay: 0, lordRate: 0, lordIterations: it },
    { name: "l2", description: `L2: AdamW weight decay ${wd}, LoRD off`, weightDecay: wd, lordRate: 0, lordIterations: it },
    { name: "lord", description: `LoRD on Q and K: rate ${rate}, ${it} Newton-Schulz iterations, weight decay 0`, weightDecay: 0, lordRate: rate, lordIterations: it },
  ];
}

const mean = (xs: readonly (number | null)[]): number | null => {
  const v = xs.filter((x): x is number => x !== null && Number.isFinite(x));
  return v.length === 0 ? null : v.reduce((a, b) => a + b, 0) / v.length;
};

export function variantMeans(rows: readonly ExperimentRow[], variants: readonly Variant[]): VariantMean[] {
  return variants.map((v) => {
    const rs = rows.filter((r) => r.variant === v.name);
    return {
      variant: v.name,
      runs: rs.length,
      validationScore: mean(rs.map((r) => r.validationScore)),
      testScore: mean(rs.map((r) => r.testScore)),
      stableRankQ: mean(rs.map((r) => r.stableRankQ)),
      stableRankK: mean(rs.map((r) => r.stableRankK)),
    };
  });
}

const cell = (x: number | null, d: number): string => (x === null || !Number.isFinite(x) ? "n/a" : x.toFixed(d));

export function formatExperimentTable(rows: readonly ExperimentRow[], means: readonly VariantMean[]): string {
  const header = ["variant", "seed", "validation", "test", "srank Q", "srank K", "formula"];
  const body = rows.map((r) => [r.variant, String(r.seed), cell(r.validationScore, 4), cell(r.testScore, 4), cell(r.stableRankQ, 3), cell(r.stableRankK, 3), r.formula ?? "(none)"]);
  const meanRows = means.map((m) => [m.variant, `mean/${m.runs}`, cell(m.validationScore, 4), cell(m.testScore, 4), cell(m.stableRankQ, 3), cell(m.stableRankK, 3), ""]);
  const all = [header, ...body, ...meanRows];
  const widths = header.map((_, i) => Math.max(...all.map((r) => r[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === 0 || i === cells.length - 1 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ").trimEnd();
  return [line(header), ...body.map(line), "", "mean per variant", ...meanRows.map(line)].join("\n") + "\n";
}

const csvField = (x: string | number | null): string => {
  if (x === null) return "";
  const s = String(x);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export function experimentCsv(rows: readonly ExperimentRow[]): string {
  const cols = ["variant", "seed", "steps", "validationScore", "testScore", "stableRankQ", "stableRankK", "formula", "infix"] as const;
  return [cols.join(","), ...rows.map((r) => cols.map((c) => csvField(r[c])).join(","))].join("\n") + "\n";
}

const seedList = (raw: string): number[] => {
  const parts = raw.split(",").map((s) => s.trim()).filter((s) => s !== "");
  const seeds = parts.map(Number);
  if (parts.length === 0 || seeds.some((n) => !Number.isInteger(n) || n < 0)) throw new CliError(`--seeds must be a comma-separated list of integers >= 0, got "${raw}"`, ExitCode.usage);
  return [...new Set(seeds)];
};

export function registerExperiment(program: Command, io: CliIo): void {
  const experiment = program.command("experiment").description("research experiments on the trainer");
  experiment
    .command("lord")
    .description(
      "regulariser ablation: no regulariser vs L2 (weight decay) vs LoRD (low-rank decay of Q and K), trained on the same panel and seeds; " +
        "prints validation score, test score and stable rank of Q and K per run and the mean per variant, and writes the table as JSON and CSV under the data dir",
    )
    .option("--steps <n>", "policy steps per run (default: training.steps)", positiveInt("steps"))
    .option("--seeds <list>", "seeds, comma-separated", seedList, [1, 2, 3])
    .option("--batch <n>", "formulas per step (default: training.batchSize)", positiveInt("batch"))
    .option("--backend <name>", `tfjs backend: ${BACKENDS.join(", ")} (default: training.backend)`, backendOption)
    .option("--interval <interval>", "bar interval (default: alpha.interval)")
    .option("--tokens <n>", "most tokens, by volume (default: alpha.maxTokens)", positiveInt("tokens"))
    .option("--from <unix-seconds>", "first bar (inclusive)", nonNegativeInt("from"))
    .option("--to <unix-seconds>", "end (exclusive)", nonNegativeInt("to"))
    .option("--workers <n>", "formula-evaluation worker threads (0: this thread; default: cores - 1)", nonNegativeInt("workers"))
    .action(async (opts: LordExperimentOptions, cmd: Command) => {
      await lordExperiment(contextFrom(cmd, io), opts);
    });
}

async function lordExperiment(ctx: CliContext, opts: LordExperimentOptions): Promise<void> {
  const { io } = ctx;
  const training = {
    ...ctx.config.training,
    ...(opts.steps !== undefined ? { steps: opts.steps } : {}),
    ...(opts.batch !== undefined ? { batchSize: opts.batch } : {}),
    ...(opts.backend !== undefined ? { backend: opts.backend } : {}),
  };
  const config: AppConfig = { ...ctx.config, training };
  const startedMs = systemClock.now();
  const id = `lord-${new Date(startedMs).toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z")}`;
  const outDir = statePath(config, "experiments", id);
  const variants = lordVariants(training);

  const storage = await openMigratedStorage(config);
  let window: DataWindow;
  let evaluator: AlphaEvaluator;
  try {
    const panel = await loadTrainingPanel(storage, panelQueryFrom(config, opts));
    window = dataWindowOf(panel);
    evaluator = await evaluatorFor(config, panel, opts.workers ?? defaultWorkers());
  } finally {
    await storage.close();
  }
  io.stderr(`experiment lord: ${window.tokens} tokens x ${window.bars} bars of ${window.intervalS}s; ${variants.length} variants x ${opts.seeds.length} seeds x ${training.steps} steps\n`);

  const rows: ExperimentRow[] = [];
  const maxLength = training.maxFormulaLen;
  const total = variants.length * opts.seeds.length * training.steps;
  let bar: Progress | undefined;
  let interrupted: NodeJS.Signals | undefined;
  try {
    const scorer = alphaScorer(evaluator, alphaScorerOptions(training));
    const vocab = vocabulary(config.alpha.featureSet);
    let done = 0;
    let backendShown = false;
    runs: for (const v of variants) {
      for (const seed of opts.seeds) {
        const runDir = join(outDir, `${v.name}-seed${seed}`);
        const trainerConfig = trainerConfigFrom(
          { ...training, seed },
          {
            vocab,
            outDir: runDir,
            dataWindow: { ...strategyDataWindow(id, window, config), experiment: id, variant: v.name },
            overrides: {
              strategyPath: join(runDir, STRATEGY_FILE),
              optimizer: { lr: training.learningRate, weightDecay: v.weightDecay },
              lord: { rate: v.lordRate, iterations: v.lordIterations },
            },
          },
        );
        const points: HistoryPoint[] = [];
        const offset = done;
        const onEvent = (e: TrainerEvent): void => {
          if (e.type === "backend" && !backendShown) {
            backendShown = true;
            io.stderr(`experiment lord: tfjs backend ${e.name} (${e.detail})\n`);
          } else if (e.type === "progress") {
            const p = historyPoint(e, systemClock.now());
            points.push(p);
            bar ??= progressBar(io, "experiment lord", total);
            bar.update(offset + e.step, `${v.name} seed ${seed} | ${progressDetail(p, lastStableRank(points))}`);
          }
        };
        const outcome = await runTrainerWorker(trainerConfig, scorer, { onEvent, signals: { io } });
        if (outcome.result === undefined) {
          if (outcome.signal !== undefined) {
            interrupted = outcome.signal;
            break runs;
          }
          throw new CliError(`experiment lord: ${v.name} seed ${seed} failed: ${errorText(outcome.error)}`, ExitCode.failure);
        }
        const r = outcome.result;
        done += training.steps;
        const sr = lastStableRank(points);
        let infix: string | null = null;
        let test: number | null = null;
        if (r.best !== null) {
          const [ev] = await evaluator.evaluate([r.best.tokens], { reward: { split: "test" }, maxLength });
          test = ev?.reward ?? null;
          infix = ev?.formula?.infix ?? null;
        }
        rows.push({
          variant: v.name,
          seed,
          steps: r.step,
          validationScore: r.best?.score ?? null,
          testScore: test,
          stableRankQ: sr?.q ?? null,
          stableRankK: sr?.k ?? null,
          formula: r.best?.rpn ?? null,
          infix,
        });
        if (outcome.signal !== undefined) {
          interrupted = outcome.signal;
          break runs;
        }
      }
    }
  } finally {
    bar?.stop();
    await evaluator.close();
  }

  const means = variantMeans(rows, variants);
  const { mints: _mints, ...windowSummary } = window;
  const json = {
    experiment: "lord",
    id,
    createdAt: new Date(startedMs).toISOString(),
    complete: interrupted === undefined,
    window: windowSummary,
    settings: { steps: training.steps, batchSize: training.batchSize, seeds: opts.seeds, backend: training.backend, learningRate: training.learningRate, model: { dModel: training.dModel, heads: training.heads, ffnHidden: training.ffnHidden, layers: training.layers, loops: training.loops, maxFormulaLen: training.maxFormulaLen } },
    variants,
    scores: "validation and test: the reward ladder of the alpha engine on that split (daily Sharpe, hourly below 5 days; -2 inactive, -2.5 constant, -3 invalid)",
    rows,
    means,
  };
  const jsonPath = join(outDir, "lord.json");
  const csvPath = join(outDir, "lord.csv");
  await writeFileAtomic(jsonPath, JSON.stringify(json, null, 2) + "\n");
  await writeFileAtomic(csvPath, experimentCsv(rows));
  io.stdout(`experiment ${id}: ${variants.map((v) => `${v.name} = ${v.description}`).join("; ")}\n\n`);
  io.stdout(formatExperimentTable(rows, means));
  io.stdout(`\ntable     ${jsonPath}\n          ${csvPath}\n`);
  if (interrupted !== undefined) throw new CliError(`experiment interrupted by ${interrupted} after ${rows.length} runs; the partial table is written`, ExitCode.interrupted);
}
