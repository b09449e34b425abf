/**
 * Out-of-sample selection: each step the best-rewarded formulas not seen before go to the
 * validation split; the pool keeps the best by validation score (or, with `selectBy: "worst"`,
 * by the worse of train reward and validation score: a formula is only as good as its worse
 * period, which discounts both a lucky validation draw among many candidates and a formula the
 * policy overfitted to the train split); whenever the pool's best changes, the strategy file is
 * rewritten atomically.
 */
import { FormulaPool, type PoolEntry } from "./pool.js";
import { formulaKey } from "./rewards.js";
import { buildStrategyFile, rpnText } from "./strategy.js";
import { writeFileAtomic } from "../../core/files.js";
import type { FormulaScorer, TrainerConfig, TrainerEvent, Tokens } from "./types.js";

/** Validated keys are remembered up to this many, then forgotten (re-validation is harmless). */
const SEEN_LIMIT = 200_000;

export interface SelectorDeps {
  readonly config: TrainerConfig;
  readonly scorer: FormulaScorer;
  readonly configHash: string;
  readonly strategyPath: string;
  readonly now: () => number;
  readonly emit: (e: TrainerEvent) => void;
}

export class Selector {
  readonly #d: SelectorDeps;
  readonly #seen = new Set<string>();
  #pool: FormulaPool;
  #writtenKey: string | undefined;

  constructor(deps: SelectorDeps, pool: FormulaPool) {
    this.#d = deps;
    this.#pool = pool;
    this.#writtenKey = pool.best()?.key;
    for (const e of pool.entries()) this.#seen.add(e.key);
  }

  get pool(): FormulaPool {
    return this.#pool;
  }

  /** Validate this step's best new formulas and update the pool (and the strategy file). */
  async consider(formulas: readonly Tokens[], rewards: ArrayLike<number>, step: number): Promise<void> {
    const byKey = new Map<string, { f: Tokens; r: number }>();
    formulas.forEach((f, i) => {
      const key = formulaKey(f);
      if (!this.#seen.has(key)) byKey.set(key, { f, r: rewards[i]! });
    });
    const picked = [...byKey.entries()].sort((a, b) => b[1].r - a[1].r).slice(0, this.#d.config.pool.candidatesPerStep);
    if (picked.length === 0) return;
    if (this.#seen.size > SEEN_LIMIT) this.#seen.clear();
    for (const [key] of picked) this.#seen.add(key);
    const results = await this.#d.scorer.validate(picked.map(([, x]) => x.f));
    if (results.length !== picked.length) throw new Error(`validation returned ${results.length} results for ${picked.length} formulas`);
    picked.forEach(([key, { f, r }], i) => {
      const v = results[i]!;
      const rank = this.#d.config.pool.selectBy === "worst" ? { rank: Math.min(v.score, r) } : {};
      this.#pool.offer({ tokens: [...f], key, score: v.score, ...rank, trainReward: r, step, series: Float64Array.from(v.series) });
    });
    const best = this.#pool.best();
    if (best !== undefined && best.key !== this.#writtenKey) await this.#write(best, step);
  }

  async #write(best: PoolEntry, step: number): Promise<void> {
    const { config, scorer } = this.#d;
    const report = scorer.report === undefined ? undefined : await scorer.report(best.tokens);
    const file = buildStrategyFile({
      best,
      alternates: this.#pool.entries().slice(1),
      report,
      vocab: config.vocab,
      dataWindow: config.dataWindow,
      seed: config.seed,
      configHash: this.#d.configHash,
      nowMs: this.#d.now(),
    });
    await writeFileAtomic(this.#d.strategyPath, JSON.stringify(file, null, 2) + "\n");
    this.#writtenKey = best.key;
    this.#d.emit({ type: "strategy", step, path: this.#d.strategyPath, score: best.score, formula: rpnText(best.tokens, config.vocab) });
  }
}
