/**
 * The scorer: fed closed bars one by one, it evaluates the active formula on each bar close
 * across the universe, causally (a token's score at a close reads its bars up to that close
 * only), and turns the scores into ranked signals, entries and exits. No clock, no I/O: the
 * runtime calls `push` for every bar and `close(ts, book)` when a bar interval has closed.
 */
import {
  canonicalise, DEFAULT_ALPHA_PARAMS, DEFAULT_LIQUIDITY_FALLBACK, parseFormula, toRpn,
  type AlphaParams, type Expr, type LiquidityFallback,
} from "../../alpha/index.js";
import type { BarInput } from "../../alpha/index.js";
import { BarWindow, type PushResult } from "./bar-window.js";
import { rawAtLastBar, type EvalSpec } from "./evaluate.js";
import { historyNeeds, type HistoryNeeds } from "./history.js";
import { decide, rankSignals, type DecisionRule, type Decisions, type RiskCheck, type Signal } from "./rank.js";

export interface ScorerOptions {
  /** RPN text or token ids of the active formula. */
  readonly formula: string | readonly number[];
  readonly params?: Partial<AlphaParams>;
  /** Bar interval in seconds (the bar book's). */
  readonly intervalS: number;
  /** config `strategy.buyThreshold`, `sellThreshold`, `maxOpenPositions`. */
  readonly rule: DecisionRule;
  /** As the panels the formula was mined on; default the alpha engine's. */
  readonly liquidityFallback?: LiquidityFallback;
  readonly fdvFallbackUsd?: number;
  /** Fewest bars before a token is scored; default every bar the formula and features read exists. */
  readonly minBars?: number;
}

/** What the runtime knows at a close: tokens held or being entered, and the entry risk check. */
export interface Book {
  readonly held: ReadonlySet<string>;
  readonly risk: RiskCheck;
}

interface Active {
  readonly spec: EvalSpec;
  readonly rpn: string;
  readonly needs: HistoryNeeds;
  readonly minBars: number;
}

export class Scorer {
  readonly window: BarWindow;
  readonly #options: ScorerOptions;
  #active: Active;

  constructor(options: ScorerOptions) {
    this.#options = options;
    this.#active = this.#compile(options.formula, options.params);
    this.window = new BarWindow({ intervalS: options.intervalS, capacity: this.#active.needs.required });
  }

  /** The active formula in canonical RPN. */
  get formula(): string {
    return this.#active.rpn;
  }

  get needs(): HistoryNeeds {
    return this.#active.needs;
  }

  /**
   * Swap the active formula (a promotion). The window grows if the new one looks further back;
   * tokens whose held history is then too short are not scored until it refills.
   */
  setFormula(formula: string | readonly number[], params?: Partial<AlphaParams>): void {
    const next = this.#compile(formula, params);
    if (next.needs.required > this.window.capacity) this.window.resize(next.needs.required);
    this.#active = next;
  }

  push(bar: BarInput): PushResult {
    return this.window.push(bar);
  }

  /**
   * Scores at the close of slot `ts`: every token with a bar at `ts` and enough history, best
   * first. Never NaN: a token without a finite value is left out.
   */
  score(ts: number): Signal[] {
    return rankSignals(this.raws(ts), this.window.slotOf(ts));
  }

  /**
   * Raw values at the close of `ts` for some tokens (default all): a caller that must not block
   * its event loop for the whole universe can score it in chunks, then `rankSignals` + `decide`.
   */
  raws(ts: number, mints: Iterable<string> = this.window.mints()): [string, number][] {
    const slot = this.window.slotOf(ts);
    const out: [string, number][] = [];
    for (const mint of mints) {
      if (this.window.latestTs(mint) !== slot || !this.#enoughHistory(mint)) continue;
      const raw = rawAtLastBar(this.window.bars(mint), this.#active.spec);
      if (raw !== null) out.push([mint, raw]);
    }
    return out;
  }

  /** Scores, then entries and exits for the book. */
  close(ts: number, book: Book): Decisions {
    return decide(this.window.slotOf(ts), this.score(ts), book.held, book.risk, this.#options.rule);
  }

  /** Enough bars to be warmed up, and either the whole history or enough of it for an exact value. */
  #enoughHistory(mint: string): boolean {
    const n = this.window.size(mint);
    return n >= this.#active.minBars && (!this.window.truncated(mint) || n >= this.#active.needs.required);
  }

  #compile(formula: string | readonly number[], overrides: Partial<AlphaParams> | undefined): Active {
    const params: AlphaParams = { ...DEFAULT_ALPHA_PARAMS, ...this.#options.params, ...overrides };
    const o = this.#options;
    const root: Expr = canonicalise(parseFormula(formula, { featureSet: params.featureSet }).root, params.featureSet);
    const liquidityFallback = o.liquidityFallback ?? DEFAULT_LIQUIDITY_FALLBACK;
    const needs = historyNeeds(root, params, o.intervalS, liquidityFallback);
    return {
      spec: { root, params, intervalS: o.intervalS, liquidityFallback, fdvFallbackUsd: o.fdvFallbackUsd ?? 1_000_000 },
      rpn: toRpn(root, params.featureSet),
      needs,
      minBars: Math.max(1, o.minBars ?? needs.warmup),
    };
  }
}
