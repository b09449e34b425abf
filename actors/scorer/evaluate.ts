/**
 * The batch path: the formula's raw value at a token's latest bar, by the alpha engine's own
 * evaluator on a panel of that token's held bars. The scorer streams instead (alpha/stream,
 * O(formula) per bar); this is the reference it is tested against (scorer.stream.test.ts). One
 * panel per token, because every feature and operator works along a token's own row (nothing is
 * cross-sectional) and a shared grid would stretch every row to the span of the sparsest token.
 * The grid is regular (every interval slot): a union grid would depend on which other tokens'
 * old bars are still held, so it cannot be rebuilt from a window.
 */
import {
  buildPanel, createContext, LocalEvaluator, type BarInput, type SignalSpec,
} from "../../alpha/index.js";

/** What a token's value depends on besides its bars (alpha's `SignalSpec`). */
export type EvalSpec = SignalSpec;

/** Panel options the scorer evaluates with; a whole-history panel built with these agrees at its last bar. */
export const panelOptions = (spec: Pick<EvalSpec, "intervalS" | "liquidityFallback" | "fdvFallbackUsd">) => ({
  intervalS: spec.intervalS,
  grid: "regular" as const,
  liquidityFallback: spec.liquidityFallback,
  fdvFallbackUsd: spec.fdvFallbackUsd,
});

/**
 * Raw signal of the formula at the last bar of `bars` (one token, oldest first, the last one
 * at the slot being scored); null when there is no bar or the value is not finite.
 */
export function rawAtLastBar(bars: readonly BarInput[], spec: EvalSpec): number | null {
  if (bars.length === 0) return null;
  const panel = buildPanel(bars, panelOptions(spec));
  const T = panel.nTimes;
  if (panel.nTokens !== 1 || panel.valid[T - 1] !== 1) return null;
  // One split over the whole panel: the backtest parts of the context are built but unused.
  const ctx = createContext(panel, { params: spec.params, splits: [{ name: "live", start: 0, end: T }] });
  const signal = new LocalEvaluator(ctx, { engine: "interpreter" }).signal(spec.root);
  const raw = signal[T - 1]!;
  return Number.isFinite(raw) ? raw : null;
}
