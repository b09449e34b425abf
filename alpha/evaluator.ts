/**
 * The batch API the trainer and the CLI use: text or token-id formulas in, one result per input
 * out. Invalid formulas are rejected with position and reason and never evaluated; valid ones
 * are canonicalised and deduplicated (a trainer batch repeats itself a lot), evaluated in
 * workers or in this thread, then classified and rewarded.
 */
import type { EvalContext } from "./context.js";
import { LocalEvaluator, type EngineOptions, type EvalRequest } from "./engine.js";
import { canonicalise, formulaHash, parseFormula, toInfix, toRpn, toTokens, tryParseFormula, type FormulaErrorReason } from "./formula.js";
import type { SplitMetrics } from "./metrics.js";
import { FormulaPool } from "./pool.js";
import { classify, rewardOf, type FormulaStatus, type RewardOptions } from "./reward.js";

export interface EvaluateOptions extends EvalRequest {
  readonly reward?: RewardOptions;
  /** Longest accepted formula; default 64 tokens. */
  readonly maxLength?: number;
}

export interface FormulaResult {
  readonly status: FormulaStatus;
  readonly reward: number;
  /** Canonical form; null when invalid. */
  readonly formula: {
    readonly rpn: string;
    readonly infix: string;
    readonly hash: string;
    readonly tokens: readonly number[];
  } | null;
  readonly error: {
    readonly reason: FormulaErrorReason;
    readonly position: number;
    readonly token: string | null;
    readonly message: string;
  } | null;
  /** Metrics per split (train, validation, test); empty when invalid. */
  readonly splits: readonly SplitMetrics[];
  readonly curves: readonly Float64Array[] | null;
}

export interface EvaluatorOptions extends EngineOptions {
  /** Worker threads; 0 evaluates in this thread. Default: available parallelism. */
  readonly workers?: number;
}

export class AlphaEvaluator {
  readonly #ctx: EvalContext;
  readonly #local: LocalEvaluator | null;
  readonly #pool: FormulaPool | null;

  private constructor(ctx: EvalContext, local: LocalEvaluator | null, pool: FormulaPool | null) {
    this.#ctx = ctx;
    this.#local = local;
    this.#pool = pool;
  }

  static async create(ctx: EvalContext, options: EvaluatorOptions = {}): Promise<AlphaEvaluator> {
    const { workers, ...engine } = options;
    if (workers === 0) return new AlphaEvaluator(ctx, new LocalEvaluator(ctx, engine), null);
    const pool = await FormulaPool.start(ctx, { ...engine, ...(workers === undefined ? {} : { workers }) });
    return new AlphaEvaluator(ctx, null, pool);
  }

  get context(): EvalContext {
    return this.#ctx;
  }

  async evaluate(formulas: readonly (string | readonly number[])[], options: EvaluateOptions = {}): Promise<FormulaResult[]> {
    const featureSet = this.#ctx.params.featureSet;
    const parsed = formulas.map((f) => tryParseFormula(f, { featureSet, ...(options.maxLength === undefined ? {} : { maxLength: options.maxLength }) }));
    const unique = new Map<string, { tokens: number[]; rpn: string; at: number }>();
    const keyOf = parsed.map((p) => {
      if (!p.ok) return null;
      const root = canonicalise(p.formula.root, featureSet);
      const rpn = toRpn(root, featureSet);
      if (!unique.has(rpn)) unique.set(rpn, { tokens: toTokens(root, featureSet), rpn, at: -1 });
      return rpn;
    });
    // Sorted canonical forms put formulas that share leading subtrees side by side.
    const order = [...unique.values()].sort((a, b) => (a.rpn < b.rpn ? -1 : a.rpn > b.rpn ? 1 : 0));
    order.forEach((u, k) => (u.at = k));
    const tokens = order.map((u) => u.tokens);
    const request: EvalRequest = { ...options, upstream: options.upstream === true || options.reward?.kind === "upstream" };
    const evals =
      this.#pool !== null
        ? await this.#pool.evaluate(tokens, request)
        : this.#local!.evaluate(
            tokens.map((t) => parseFormula(t, { featureSet }).root),
            request,
          );
    const rewardSplit = options.reward?.split ?? "train";
    return parsed.map((p, k): FormulaResult => {
      if (!p.ok) {
        const e = p.error;
        return {
          status: "invalid",
          reward: rewardOf("invalid", null, options.reward),
          formula: null,
          error: { reason: e.reason, position: e.position, token: e.token, message: e.message },
          splits: [],
          curves: null,
        };
      }
      const u = unique.get(keyOf[k]!)!;
      const ev = evals[u.at]!;
      const m = ev.splits.find((s) => s.split === rewardSplit) ?? ev.splits[0]!;
      const status = classify(m, options.reward);
      const root = p.formula.root;
      return {
        status,
        reward: rewardOf(status, m, options.reward),
        formula: { rpn: u.rpn, infix: toInfix(root, featureSet), hash: formulaHash(root, featureSet), tokens: u.tokens },
        error: null,
        splits: ev.splits,
        curves: ev.curves,
      };
    });
  }

  async close(): Promise<void> {
    await this.#pool?.close();
  }
}
