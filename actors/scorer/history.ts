/**
 * How many bars of a token's history the formula's value at its latest bar depends on: the
 * formula's own look-back, plus the features' fixed windows, plus the rolling normalisation
 * (or the liquidity proxy's trailing window, whichever reaches further). A window holding that
 * many real bars gives the whole-history value at its last bar (see scorer.test.ts).
 */
import { DEFAULT_LIQUIDITY_FALLBACK, OPERATORS, proxyWindow, type AlphaParams, type Expr, type LiquidityFallback } from "../../alpha/index.js";

/**
 * Bars a raw feature at t reads: the 20-bar mean (DEV), plus the previous bar for returns and
 * volume growth, plus the bar a gap carries its close from. The alpha engine's own constant
 * (FEATURE_LOOKBACK = 20) counts the window only.
 */
export const FEATURE_HISTORY = 21;

/** Bars beyond t a formula's value at t reads (DELAY1 1, DECAY and MAX3 2, JUMP its window - 1), along the deepest path. */
export function formulaLookback(e: Expr, jumpWindow: number): number {
  if (e.kind === "feature") return 0;
  const inner = Math.max(...e.args.map((a) => formulaLookback(a, jumpWindow)));
  const name = OPERATORS[e.op]?.name;
  const own = name === "DELAY1" ? 1 : name === "DECAY" || name === "MAX3" ? 2 : name === "JUMP" ? jumpWindow - 1 : 0;
  return inner + own;
}

/** Trailing bars of the volume proxy behind LIQ_SCORE where liquidity was never reported; 0 otherwise. */
export function liquidityWindow(f: LiquidityFallback, intervalS: number): number {
  return f.kind === "volume-proxy" ? proxyWindow(f, intervalS) : 0;
}

export interface HistoryNeeds {
  readonly lookback: number;
  /** Real bars per token for an exact score at the latest bar. */
  readonly required: number;
  /** Fewest bars before a token is scored at all: every bar the formula and the features read exists. */
  readonly warmup: number;
}

export function historyNeeds(
  root: Expr,
  params: AlphaParams,
  intervalS: number,
  liquidityFallback: LiquidityFallback = DEFAULT_LIQUIDITY_FALLBACK,
): HistoryNeeds {
  const lookback = formulaLookback(root, params.jumpWindow);
  const required = lookback + Math.max(params.normWindow + FEATURE_HISTORY, liquidityWindow(liquidityFallback, intervalS)) + 1;
  return { lookback, required, warmup: lookback + FEATURE_HISTORY };
}
