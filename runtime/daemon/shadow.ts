/**
 * Shadow scoring: a candidate formula and the active one backtested side by side on the live
 * bars that closed after the candidate's training data ended, from the scorer's own window
 * (the bars the active formula is trading on). Neither formula saw those bars when it was
 * selected, so this is the out-of-sample check a promotion needs beside validation.
 */
import type { Scorer } from "../../actors/scorer/index.js";
import { panelOptions } from "../../actors/scorer/index.js";
import { AlphaEvaluator, buildPanel, createContext, DEFAULT_LIQUIDITY_FALLBACK, type AlphaParams, type BarInput } from "../../alpha/index.js";
import type { AppConfig } from "../../config/index.js";
import { alphaContextOptions } from "../research/alpha-options.js";

export interface ShadowResult {
  readonly candidate: number;
  readonly active: number | null;
  /** Bar slots in the shadow period. */
  readonly bars: number;
}

/** Bar slots the scorer's window holds from `sinceTs` (unix seconds) on. */
export function shadowBarsSince(scorer: Scorer, sinceTs: number): number {
  const slots = new Set<number>();
  for (const mint of scorer.window.mints()) {
    for (const b of scorer.window.bars(mint)) if (b.ts >= sinceTs) slots.add(b.ts);
  }
  return slots.size;
}

/** Rewards of both formulas on the bars from `sinceTs` on; null when the window has too few. */
export async function shadowScores(
  scorer: Scorer, config: AppConfig, params: AlphaParams, candidate: string, active: string | null, sinceTs: number,
): Promise<ShadowResult | null> {
  const bars: BarInput[] = [];
  for (const mint of scorer.window.mints()) bars.push(...scorer.window.bars(mint));
  if (bars.length === 0) return null;
  const panel = buildPanel(bars, panelOptions({ intervalS: scorer.window.intervalS, liquidityFallback: DEFAULT_LIQUIDITY_FALLBACK, fdvFallbackUsd: 1_000_000 }));
  const T = panel.nTimes;
  let k = 0;
  while (k < T && panel.times[k]! < sinceTs) k++;
  if (k === 0 || T - k < 2) return null;
  const ctx = createContext(panel, {
    ...alphaContextOptions(config),
    params,
    splits: [{ name: "warmup", start: 0, end: k }, { name: "shadow", start: k, end: T }],
  });
  const evaluator = await AlphaEvaluator.create(ctx, { workers: 0 });
  try {
    const formulas = active === null ? [candidate] : [candidate, active];
    const [c, a] = await evaluator.evaluate(formulas, { reward: { split: "shadow" }, maxLength: 64 });
    if (c === undefined) return null;
    return { candidate: c.reward, active: a === undefined ? null : a.reward, bars: T - k };
  } finally {
    await evaluator.close();
  }
}
