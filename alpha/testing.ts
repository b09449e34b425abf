/**
 * Small builders for alpha's tests: bars from compact rows, a context over hand-set feature
 * values, and the fast evaluators' signals for comparison with the reference.
 */
import { createContext, type ContextOptions, type EvalContext } from "./context.js";
import { LocalEvaluator } from "./engine.js";
import { canonicalise, parseFormula, type Expr } from "./formula.js";
import { buildPanel, type BarInput, type Panel, type PanelOptions } from "./panel.js";

/** [bar index, open, high, low, close, volume, liquidity?, fdv?] */
export type Row = readonly [number, number, number, number, number, number, (number | null)?, (number | null)?];

export function barsOf(mint: string, rows: readonly Row[], intervalS = 60, t0 = 1_735_689_600): BarInput[] {
  return rows.map(([t, open, high, low, close, volume, liquidity = 1e6, fdv = 4e6]) => ({
    mint,
    ts: t0 + t * intervalS,
    open,
    high,
    low,
    close,
    volume,
    liquidity,
    fdv,
  }));
}

/** A flat-priced panel of `n` tokens x `T` bars, all valid, for hand-set features. */
export function flatPanel(n: number, T: number, options: Partial<PanelOptions> = {}): Panel {
  const bars: BarInput[] = [];
  for (let i = 0; i < n; i++) bars.push(...barsOf(`T${i}`, Array.from({ length: T }, (_, t): Row => [t, 1, 1, 1, 1, 100])));
  return buildPanel(bars, { intervalS: 60, ...options });
}

/** A context on `panel` with one split over everything and the given feature rows set by hand. */
export function handContext(
  panel: Panel,
  rows: Readonly<Record<number, readonly (readonly number[])[]>>,
  options: ContextOptions = {},
): EvalContext {
  const ctx = createContext(panel, { splits: [{ name: "all", start: 0, end: panel.nTimes }], ...options });
  const { nTokens: N, nTimes: T, data } = ctx.features;
  for (const [f, perToken] of Object.entries(rows)) {
    perToken.forEach((row, i) => row.forEach((x, t) => (data[(Number(f) * N + i) * T + t] = x)));
  }
  return ctx;
}

export function canonical(text: string | readonly number[], ctx: EvalContext): Expr {
  return canonicalise(parseFormula(text, { featureSet: ctx.params.featureSet }).root, ctx.params.featureSet);
}

/** The interpreter's and the generated code's signal matrices for one formula. */
export function fastSignals(ctx: EvalContext, root: Expr): { interpreter: Float64Array; codegen: Float64Array } {
  return {
    interpreter: new LocalEvaluator(ctx, { engine: "interpreter" }).signal(root),
    codegen: new LocalEvaluator(ctx, { engine: "codegen" }).signal(root),
  };
}

/** Largest difference, relative above 1 in magnitude, absolute below. */
export function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let worst = 0;
  for (let k = 0; k < a.length; k++) {
    const x = a[k]!;
    const y = b[k]!;
    if (x === y) continue;
    worst = Math.max(worst, Math.abs(x - y) / Math.max(1, Math.abs(x), Math.abs(y)));
  }
  return worst;
}
