/**
 * The in-thread fast evaluator: token by token, compute a group of formulas' signal rows (row
 * interpreter or generated code) and feed each straight to the backtest kernel, so no full-size
 * intermediate exists; subtrees shared across the batch are computed once. Workers run one of
 * these each (pool.ts); tests and small jobs use it directly.
 */
import { ACC, backtestRow, F_ACTIVE, F_COST, F_ENTRIES, F_EXITS, F_VALID, F_WINS, signalStd, upstreamRow, type KernelInputs } from "./backtest-kernel.js";
import { CompiledCache } from "./codegen.js";
import type { EvalContext } from "./context.js";
import type { Expr } from "./formula.js";
import { crossSectionalIC, equityCurve, finaliseSplit, lowerMedian, type SplitMetrics } from "./metrics.js";
import { logit } from "./params.js";
import { generatedSignals, interpretedSignal, Scratch, type CacheRows, type SignalGroup } from "./signals.js";
import { canonicalKeys, sharedSubtrees, SubexprCache, type ExprKeys } from "./subexpr.js";

export type EngineKind = "auto" | "interpreter" | "codegen";

export interface EvalRequest {
  /** Per-bar cross-sectional IC, RankIC and ICIR (keeps one full signal matrix). Default false. */
  readonly ic?: boolean;
  /** Upstream's §7 fitness per split. Default false. */
  readonly upstream?: boolean;
  /** Equity curve (cumulative portfolio log return per bar) per split. Default false. */
  readonly curves?: boolean;
  /**
   * Splits to evaluate and report, by name; default all. The trainer asks for "train" only:
   * nothing after its end is computed.
   */
  readonly splits?: readonly string[];
  /**
   * `excess`: every held bar earns its return less the market's (the equal-weight mean of the
   * tokens trading that bar); the context must be built with `excessReturns`. Default
   * `absolute`.
   */
  readonly returns?: "absolute" | "excess";
}

export interface FormulaEval {
  readonly splits: SplitMetrics[];
  readonly curves: Float64Array[] | null;
}

export interface EngineOptions {
  /**
   * `codegen`: formulas compiled in groups of `groupSize` (a group shares subexpressions bar by
   * bar). `interpreter`: shared kernels, no compilation. `auto` (default): generated code from
   * `codegenMinCells` tokens x bars up, where it pays for V8's compilation and warm-up (a few
   * ms per formula, partly on a background thread); the interpreter below. Measured on 2 cores:
   * equal CPU per formula at 400k cells (P-mid, where the interpreter leaves the other core
   * free), 9 vs 13 ns per cell at 5M cells (P-big).
   */
  readonly engine?: EngineKind;
  readonly codegenMinCells?: number;
  readonly groupSize?: number;
  /** Memory for cached shared subexpressions, in bytes; default 192 MiB. */
  readonly cacheBytes?: number;
}

export const DEFAULT_CODEGEN_MIN_CELLS = 1_000_000;
export const DEFAULT_GROUP_SIZE = 16;

const EMPTY_CACHE: CacheRows = { slots: new Map(), rows: [] };

export class LocalEvaluator {
  readonly #ctx: EvalContext;
  readonly #k: KernelInputs;
  readonly #kSel = new Map<string, { readonly k: KernelInputs; readonly splits: readonly number[]; readonly until: number }>();
  readonly #kind: EngineKind;
  readonly #minCells: number;
  readonly #groupSize: number;
  readonly #cache: SubexprCache;
  readonly #scratch: { readonly regs: Scratch; readonly out: Scratch; readonly stage: Scratch; readonly compiled: CompiledCache };
  #signals: Float64Array | null = null;

  constructor(ctx: EvalContext, options: EngineOptions = {}) {
    this.#ctx = ctx;
    const { panel, market, plan, rule } = ctx;
    this.#kind = options.engine ?? "auto";
    this.#minCells = options.codegenMinCells ?? DEFAULT_CODEGEN_MIN_CELLS;
    this.#groupSize = options.groupSize ?? DEFAULT_GROUP_SIZE;
    this.#cache = new SubexprCache(options.cacheBytes ?? 192 * 2 ** 20);
    const T = panel.nTimes;
    this.#scratch = { regs: new Scratch(T), out: new Scratch(T), stage: new Scratch(T), compiled: new CompiledCache() };
    this.#k = {
      nTokens: panel.nTokens,
      nTimes: T,
      valid: panel.valid,
      gapRet: market.gapRet,
      barRet: market.barRet,
      costLog: market.costLog,
      starts: Int32Array.from(plan.splits, (s) => s.start),
      ends: Int32Array.from(plan.splits, (s) => s.end),
      lastInSplit: plan.lastInSplit,
      buyLogit: logit(rule.buyThreshold),
      sellLogit: logit(rule.sellThreshold),
      liquidity: panel.liquidity,
      fwdRet: market.fwdRet,
      fwdValid: market.fwdValid,
      upstreamCost: market.upstreamCost,
      minLiquidityUsd: market.upstream.minLiquidityUsd,
      upstreamBuyLogit: logit(0.85),
    };
  }

  get engine(): "interpreter" | "codegen" {
    if (this.#kind !== "auto") return this.#kind;
    return this.#ctx.panel.nTokens * this.#ctx.panel.nTimes >= this.#minCells ? "codegen" : "interpreter";
  }

  /** Evaluate canonical formula trees (see `canonicalise`). */
  evaluate(roots: readonly Expr[], request: EvalRequest = {}): FormulaEval[] {
    const keys = new Map(roots.map((r) => [r, canonicalKeys(r)]));
    const keysOf = (r: Expr): ExprKeys => keys.get(r) ?? canonicalKeys(r);
    const cache = roots.length > 1 ? this.#prepareCache(roots, keysOf) : EMPTY_CACHE;
    // IC needs a full signal matrix per formula, and the interpreter runs one formula: one at a time then.
    const size = request.ic === true || this.engine === "interpreter" ? 1 : this.#groupSize;
    const out: FormulaEval[] = [];
    for (let g = 0; g < roots.length; g += size) {
      const group = roots.slice(g, g + size);
      out.push(...this.#evaluateGroup(this.#signalsOf(group, keysOf, cache), request));
    }
    return out;
  }

  /**
   * The full signal matrix of one canonical formula, `out[i * nTimes + t]`: 0 where the token
   * has no bar (before its first, in gaps, after its last), since nothing trades there.
   */
  signal(root: Expr, out: Float64Array = new Float64Array(this.#ctx.panel.nTokens * this.#ctx.panel.nTimes)): Float64Array {
    const { panel } = this.#ctx;
    const T = panel.nTimes;
    out.fill(0);
    const s = this.#signalsOf([root], canonicalKeys, EMPTY_CACHE);
    for (let i = 0; i < panel.nTokens; i++) {
      const from = panel.firstValid[i]!;
      if (from < 0) continue;
      const to = panel.lastValid[i]!;
      s.run(i, from, to - from + 1);
      const row = s.rows[0]!;
      const o = s.offsets[0]!;
      for (let t = from; t <= to; t++) if (panel.valid[i * T + t] === 1) out[i * T + t] = row[o + t]!;
    }
    return out;
  }

  /** Backtest inputs restricted to the requested splits and returns, and the bar after the last split. */
  #selection(names: readonly string[] | undefined, returns: EvalRequest["returns"] = "absolute"): { readonly k: KernelInputs; readonly splits: readonly number[]; readonly until: number } {
    const key = `${returns}\u0000${names === undefined ? "" : names.join("\u0000")}`;
    let sel = this.#kSel.get(key);
    if (sel === undefined) {
      const { plan, panel, market } = this.#ctx;
      if (returns === "excess" && market.excess === undefined) throw new Error("excess returns were asked for, but the context was built without excessReturns");
      const splits = plan.splits.flatMap((sp, si) => (names === undefined || names.includes(sp.name) ? [si] : []));
      if (splits.length === 0) throw new Error(`no split named ${names?.join(", ")}`);
      const N = panel.nTokens;
      const lastInSplit = new Int32Array(splits.length * N);
      splits.forEach((si, j) => lastInSplit.set(plan.lastInSplit.subarray(si * N, (si + 1) * N), j * N));
      const k: KernelInputs = {
        ...this.#k,
        ...(returns === "excess" ? { gapRet: market.excess!.gapRet, barRet: market.excess!.barRet } : {}),
        starts: Int32Array.from(splits, (si) => plan.splits[si]!.start),
        ends: Int32Array.from(splits, (si) => plan.splits[si]!.end),
        lastInSplit,
      };
      sel = { k, splits, until: Math.max(...splits.map((si) => plan.splits[si]!.end)) };
      this.#kSel.set(key, sel);
    }
    return sel;
  }

  #signalsOf(group: readonly Expr[], keysOf: (r: Expr) => ExprKeys, cache: CacheRows): SignalGroup {
    const { features, params } = this.#ctx;
    if (this.engine === "codegen") {
      return generatedSignals(group, keysOf, features, params.jumpWindow, cache, this.#scratch);
    }
    if (group.length !== 1) throw new Error("the interpreter evaluates one formula at a time");
    return interpretedSignal(group[0]!, keysOf(group[0]!), features, params.jumpWindow, cache, this.#scratch.regs);
  }

  #evaluateGroup(s: SignalGroup, request: EvalRequest): FormulaEval[] {
    const { panel, plan, market } = this.#ctx;
    const N = panel.nTokens;
    const T = panel.nTimes;
    const sel = this.#selection(request.splits, request.returns);
    const nSplits = sel.splits.length;
    const accs = Array.from({ length: s.size }, () => new Float64Array(nSplits * ACC));
    const pnls = Array.from({ length: s.size }, () => new Float64Array(T));
    const scores = request.upstream === true ? Array.from({ length: s.size }, () => new Float64Array(nSplits * N)) : null;
    scores?.forEach((sc) => sc.fill(Number.NaN));
    const S = request.ic === true ? (this.#signals ??= new Float64Array(N * T)) : null;
    const backtest = (i: number, from: number, to: number): void => {
      for (let k = 0; k < s.size; k++) {
        const row = s.rows[k]!;
        const so = s.offsets[k]!;
        backtestRow(row, so, i, sel.k, accs[k]!, pnls[k]!, from, to);
        if (scores !== null) upstreamRow(row, so, i, sel.k, scores[k]!, from, to);
      }
    };
    for (let i = 0; i < N; i++) {
      const first = panel.firstValid[i]!;
      if (first < 0) continue;
      if (S === null) {
        // Split by split, from just far enough back for every value in the split to be exact
        // (the formula's look-back): embargoes and the time after the last split cost nothing.
        for (let j = 0; j < nSplits; j++) {
          const last = sel.k.lastInSplit[j * N + i]!;
          if (last < 0) continue;
          const from = Math.max(first, sel.k.starts[j]! - s.lookback);
          s.run(i, from, last - from + 1);
          backtest(i, j, j + 1);
        }
        continue;
      }
      // IC reads every labelled cell: whole rows then (labels all lie within [first, to]).
      const to = Math.min(panel.lastValid[i]!, sel.until - 1);
      if (to < first) continue;
      s.run(i, first, to - first + 1);
      backtest(i, 0, nSplits);
      for (let k = 0; k < s.size; k++) {
        const row = s.rows[k]!;
        const so = s.offsets[k]!;
        for (let t = first; t <= to; t++) S[i * T + t] = row[so + t]!;
      }
    }
    return accs.map((acc, k) => {
      const barPnl = pnls[k]!;
      const splits = sel.splits.map((si, j) => {
        const o = j * ACC;
        const counts = {
          entries: acc[o + F_ENTRIES]!,
          exits: acc[o + F_EXITS]!,
          wins: acc[o + F_WINS]!,
          activeBars: acc[o + F_ACTIVE]!,
          validBars: acc[o + F_VALID]!,
          costPaid: acc[o + F_COST]!,
          signalStd: signalStd(acc, j),
        };
        const ic = S === null ? null : crossSectionalIC(S, market.fwdRet, market.fwdValid, N, T, plan.splits[si]!);
        const sc = scores?.[k];
        const up = sc === undefined ? null : lowerMedian([...sc.subarray(j * N, (j + 1) * N)].filter((x) => !Number.isNaN(x)));
        return finaliseSplit(si, plan, counts, barPnl, ic, up);
      });
      const curves = request.curves === true ? sel.splits.map((si) => equityCurve(barPnl, plan.splits[si]!, plan.alive[si]!)) : null;
      return { splits, curves };
    });
  }

  /** Evaluate subtrees shared by this batch's formulas into cache rows. */
  #prepareCache(roots: readonly Expr[], keysOf: (r: Expr) => ExprKeys): CacheRows {
    const { nTokens: N, nTimes: T } = this.#ctx.panel;
    const slots = new Map<string, number>();
    const rows: Float64Array[] = [];
    const pinned = new Set<string>();
    const candidates = sharedSubtrees(roots, keysOf, (key) => this.#cache.has(key)).slice(0, 64);
    // Smaller subtrees first, so a bigger one can read a smaller cached one.
    for (const c of candidates.sort((a, b) => a.cost - b.cost)) {
      let row = this.#cache.get(c.key);
      if (row === undefined) {
        if (!this.#cache.reserve(N * T * 8, pinned)) continue;
        row = new Float64Array(N * T);
        const s = this.#signalsOf([c.expr], canonicalKeys, { slots, rows });
        const { firstValid, lastValid } = this.#ctx.panel;
        for (let i = 0; i < N; i++) {
          const from = firstValid[i]!;
          if (from < 0) continue;
          const len = lastValid[i]! - from + 1;
          s.run(i, from, len);
          const o = s.offsets[0]! + from;
          row.set(s.rows[0]!.subarray(o, o + len), i * T + from);
        }
        this.#cache.set(c.key, row);
      }
      pinned.add(c.key);
      slots.set(c.key, rows.length);
      rows.push(row);
    }
    return { slots, rows };
  }
}
