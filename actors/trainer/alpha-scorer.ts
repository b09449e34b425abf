/**
 * The scoring port on the alpha engine's batch evaluator: rewards on the train split (the
 * engine's monotone ladder), selection on the validation split, and the validation split's
 * per-bar portfolio returns as the series the pool's correlation filter compares.
 */
import type { AlphaEvaluator, FormulaResult } from "../../alpha/index.js";
import type { FormulaReport, FormulaScorer, Tokens, Validation } from "./types.js";

export interface AlphaScorerOptions {
  readonly trainSplit?: string;
  readonly validationSplit?: string;
  /** Longest formula the evaluator accepts (the policy's maxLen). */
  readonly maxLength?: number;
  /**
   * Fewest days a split must span for its reward to be the daily Sharpe (else the hourly one),
   * for rewards and validation alike; default the engine's (5). A daily Sharpe of a handful of
   * days ranks "hold everything" formulas on the split's drift above real signals.
   */
  readonly rewardMinDays?: number;
  /**
   * Returns of the train reward (default absolute). `excess` needs a context built with
   * `excessReturns`; validation stays on absolute returns, which is what trading earns.
   */
  readonly rewardReturns?: "absolute" | "excess";
}

/** Per-bar returns from a cumulative log-return curve. */
function increments(curve: Float64Array | undefined): Float64Array {
  if (curve === undefined || curve.length === 0) return new Float64Array();
  const out = new Float64Array(curve.length);
  out[0] = curve[0]!;
  for (let t = 1; t < curve.length; t++) out[t] = curve[t]! - curve[t - 1]!;
  return out;
}

function metricsOf(r: FormulaResult): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = {};
  for (const s of r.splits) {
    const m: Record<string, number> = {};
    for (const [k, v] of Object.entries(s)) if (typeof v === "number" && Number.isFinite(v)) m[k] = v;
    out[s.split] = m;
  }
  return out;
}

/**
 * Runs calls one at a time: the engine's worker pool keeps one pending reply per worker, so two
 * overlapping batches would lose replies. The training loop never overlaps calls; this makes
 * the adapter safe for any other caller too.
 */
function serialised(): <T>(f: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(f: () => Promise<T>): Promise<T> => {
    const run = tail.then(f, f);
    tail = run.catch(() => undefined);
    return run;
  };
}

export function alphaScorer(evaluator: AlphaEvaluator, options: AlphaScorerOptions = {}): FormulaScorer {
  const one = serialised();
  const evaluate: AlphaEvaluator["evaluate"] = (f, o) => one(() => evaluator.evaluate(f, o));
  const train = options.trainSplit ?? "train";
  const validation = options.validationSplit ?? "validation";
  const maxLength = options.maxLength === undefined ? {} : { maxLength: options.maxLength };
  const minDays = options.rewardMinDays === undefined ? {} : { minDays: options.rewardMinDays };
  return {
    async evaluate(formulas: readonly Tokens[]) {
      const results = await evaluate(formulas, { reward: { split: train, ...minDays }, splits: [train], returns: options.rewardReturns ?? "absolute", ...maxLength });
      return results.map((r) => r.reward);
    },
    async validate(formulas: readonly Tokens[]): Promise<Validation[]> {
      const results = await evaluate(formulas, { reward: { split: validation, ...minDays }, curves: true, ...maxLength });
      return results.map((r) => {
        const at = r.splits.findIndex((s) => s.split === validation);
        return { score: r.reward, series: increments(at < 0 ? undefined : r.curves?.[at]) };
      });
    },
    async report(formula: Tokens): Promise<FormulaReport> {
      const [r] = await evaluate([formula], { ic: true, ...maxLength });
      if (r === undefined) throw new Error("evaluator returned no result");
      return { metrics: metricsOf(r), ...(r.formula === null ? {} : { infix: r.formula.infix }) };
    },
  };
}
