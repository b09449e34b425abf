/**
 * The scorer: fed closed bars one by one, it evaluates the active formula on each bar close
 * across the universe, causally (a token's score at a close reads its bars up to that close
 * only), and turns the scores into ranked signals, entries and exits. No clock, no I/O: the
 * runtime calls `push` for every bar and `close(ts, book)` when a bar interval has closed.
 *
 * Each token's value is streamed (alpha `SignalStream`): a new bar advances the token's state by
 * the slots it spans, so a close costs O(formula) per token, not O(window). The state starts at
 * the token's first held bar, as the batch panel of the window (evaluate.ts) does; a correction of
 * a held bar or a new formula rebuilds it from the window's bars.
 */
import {
  canonicalise, DEFAULT_ALPHA_PARAMS, DEFAULT_LIQUIDITY_FALLBACK, parseFormula, SignalStream, toRpn,
  type AlphaParams, type Expr, type LiquidityFallback,
} from "../../alpha/index.js";
import type { BarInput } from "../../alpha/index.js";
import { BarWindow, type PushResult } from "./bar-window.js";
import type { EvalSpec } from "./evaluate.js";
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
  /** The held bars; read it, but push through the scorer, which keeps the streams in step. */
  readonly window: BarWindow;
  readonly #options: ScorerOptions;
  #active: Active;
  /** Each token's streamed signal, up to its latest held bar; absent until (re)built. */
  readonly #streams = new Map<string, SignalStream>();

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
    this.#streams.clear();
  }

  /**
   * Builds, for up to `max` tokens, the streams a formula swap or a correction dropped; returns
   * how many tokens still lack one. A swap drops every token's stream, and rebuilding one reads
   * all its held bars: a runtime calls this a chunk per turn of its event loop after a swap, so
   * the rebuild never stalls a tick or a close. Whatever is left is rebuilt when first needed.
   */
  rebuildStale(max: number): number {
    let left = 0;
    for (const mint of this.window.mints()) {
      const s = this.#streams.get(mint);
      if (s !== undefined && s.slot === this.window.latestTs(mint)) continue;
      if (max > 0) {
        this.#streams.set(mint, this.#rebuild(mint));
        max--;
      } else left++;
    }
    return left;
  }

  push(bar: BarInput): PushResult {
    const result = this.window.push(bar);
    if (result === "added") {
      // A first bar (new token, or one pruned and back) starts a new history.
      const fresh = this.window.size(bar.mint) === 1 && !this.window.truncated(bar.mint);
      const s = fresh ? undefined : this.#streams.get(bar.mint);
      if (s === undefined) this.#streams.set(bar.mint, this.#rebuild(bar.mint));
      else s.push(bar);
    } else if (result === "replaced") this.#streams.delete(bar.mint);
    return result;
  }

  /** Forget tokens whose newest bar is older than `ts` (tokens that left the universe). */
  prune(ts: number): number {
    const removed = this.window.prune(ts);
    for (const mint of this.#streams.keys()) if (this.window.latestTs(mint) === null) this.#streams.delete(mint);
    return removed;
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
      const raw = this.#stream(mint).value;
      if (Number.isFinite(raw)) out.push([mint, raw]);
    }
    return out;
  }

  /** Scores, then entries and exits for the book. */
  close(ts: number, book: Book): Decisions {
    return decide(this.window.slotOf(ts), this.score(ts), book.held, book.risk, this.#options.rule);
  }

  /** The token's stream at its latest held bar, rebuilt from the window after a correction or a new formula. */
  #stream(mint: string): SignalStream {
    let s = this.#streams.get(mint);
    if (s === undefined || s.slot !== this.window.latestTs(mint)) this.#streams.set(mint, (s = this.#rebuild(mint)));
    return s;
  }

  #rebuild(mint: string): SignalStream {
    const s = new SignalStream(this.#active.spec);
    for (const b of this.window.bars(mint)) s.push(b);
    return s;
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
