/**
 * Per-bar inputs of the backtest, computed once per panel and cost setting and shared with the
 * workers: log returns split at the open (so a trade at the open earns exactly its share of the
 * bar), the one-way trading cost of each bar, and the forward return that IC and the upstream
 * reward score against.
 */
import type { Panel } from "./panel.js";
import { sharedF32, sharedU8 } from "./shared.js";

/**
 * Trading costs of one swap of `tradeSizeSol` (upstream trades 2 SOL live, §18). Fees in SOL
 * are converted to a fraction of the trade; price impact is that of a constant-product pool
 * whose quote reserve is half the bar's liquidity: a trade of notional a against reserve R loses
 * a / (R + a) on either side.
 */
export interface CostOptions {
  readonly tradeSizeSol: number;
  /** USD per SOL, to size the trade against pool liquidity quoted in USD. */
  readonly solUsd: number;
  /** DEX swap fee (PumpSwap and Raydium AMM charge 25-30 bps). */
  readonly swapFeeBps: number;
  /** Priority fee and Jito tip per transaction, in SOL. */
  readonly priorityFeeSol: number;
  readonly tipSol: number;
}

export const DEFAULT_COSTS: CostOptions = {
  tradeSizeSol: 2,
  solUsd: 150,
  swapFeeBps: 30,
  priorityFeeSol: 0.00005,
  tipSol: 0.0001,
};

/** Upstream's §7 constants, for the `upstream` reward. */
export interface UpstreamCostOptions {
  readonly tradeSizeUsd: number;
  readonly minLiquidityUsd: number;
  readonly baseFee: number;
}

export const UPSTREAM_COSTS: UpstreamCostOptions = { tradeSizeUsd: 1000, minLiquidityUsd: 500_000, baseFee: 0.006 };

/** Bars between a signal and the end of the return it is scored on (enter t+1, exit t+2). */
export const HORIZON = 2;

export interface MarketArrays {
  /** ln(open / previous valid close) on valid bars: what a position held into the bar earns at its open. */
  readonly gapRet: Float32Array;
  /** ln(close / open) on valid bars: what a position held through the bar earns after the open. */
  readonly barRet: Float32Array;
  /** -ln(1 - one-way cost fraction) of a trade on this bar. */
  readonly costLog: Float32Array;
  /** Upstream's target ln(open[t+2] / open[t+1]), 0 unless bars t, t+1, t+2 are all valid. */
  readonly fwdRet: Float32Array;
  readonly fwdValid: Uint8Array;
  /** Upstream's one-way cost 0.006 + clamp(1000 / liq, 0, 0.05); its 500k liquidity gate is applied where positions are taken. */
  readonly upstreamCost: Float32Array;
  readonly costs: CostOptions;
  readonly upstream: UpstreamCostOptions;
  /** Market-relative returns (`excessReturns`), built only for contexts that ask for them. */
  readonly excess?: ExcessReturns;
}

/** `gapRet` and `barRet` less the equal-weight mean of every token valid in the same bar. */
export interface ExcessReturns {
  readonly gapRet: Float32Array;
  readonly barRet: Float32Array;
}

/** One-way cost fraction of a trade of `notionalUsd` against a pool of `liquidityUsd`. */
export function oneWayCost(liquidityUsd: number, c: CostOptions): number {
  const notional = c.tradeSizeSol * c.solUsd;
  const reserve = liquidityUsd / 2;
  const impact = reserve > 0 ? notional / (reserve + notional) : 1;
  const fixed = (c.priorityFeeSol + c.tipSol) / c.tradeSizeSol;
  return Math.min(0.99, c.swapFeeBps / 10_000 + fixed + impact);
}

export function buildMarket(
  panel: Panel,
  costs: CostOptions = DEFAULT_COSTS,
  upstream: UpstreamCostOptions = UPSTREAM_COSTS,
): MarketArrays {
  const N = panel.nTokens;
  const T = panel.nTimes;
  const m = {
    gapRet: sharedF32(N * T),
    barRet: sharedF32(N * T),
    costLog: sharedF32(N * T),
    fwdRet: sharedF32(N * T),
    fwdValid: sharedU8(N * T),
    upstreamCost: sharedF32(N * T),
  };
  const { valid, open, close, liquidity } = panel;
  for (let i = 0; i < N; i++) {
    const base = i * T;
    let prevClose = Number.NaN;
    for (let t = 0; t < T; t++) {
      const k = base + t;
      const liq = liquidity[k]!;
      m.upstreamCost[k] = upstream.baseFee + Math.min(0.05, upstream.tradeSizeUsd / (liq + 1e-9));
      if (valid[k] !== 1) continue;
      m.gapRet[k] = Number.isNaN(prevClose) ? 0 : Math.log(open[k]! / prevClose);
      m.barRet[k] = Math.log(close[k]! / open[k]!);
      m.costLog[k] = -Math.log(1 - oneWayCost(liq, costs));
      prevClose = close[k]!;
      if (t + 2 < T && valid[k + 1] === 1 && valid[k + 2] === 1) {
        m.fwdValid[k] = 1;
        m.fwdRet[k] = Math.log(open[k + 2]! / open[k + 1]!);
      }
    }
  }
  return { ...m, costs, upstream };
}

/**
 * Each valid cell's return less the equal-weight mean of the tokens valid in that bar: a formula
 * backtested on these earns only what its timing adds to holding the whole market, so holding
 * every token earns nothing but costs. Rewards on raw returns rank "always hold" formulas by the
 * split's drift, which in a launch-driven meme market is the lifecycle of its tokens, not a
 * signal (on the e2e market the raw train reward correlated -0.45 with the test score).
 */
export function excessReturns(panel: Panel, m: Pick<MarketArrays, "gapRet" | "barRet">): ExcessReturns {
  const N = panel.nTokens;
  const T = panel.nTimes;
  const out = { gapRet: sharedF32(N * T), barRet: sharedF32(N * T) };
  const { valid } = panel;
  for (let t = 0; t < T; t++) {
    let n = 0;
    let gap = 0;
    let bar = 0;
    for (let k = t; k < N * T; k += T) {
      if (valid[k] !== 1) continue;
      n++;
      gap += m.gapRet[k]!;
      bar += m.barRet[k]!;
    }
    if (n === 0) continue;
    gap /= n;
    bar /= n;
    for (let k = t; k < N * T; k += T) {
      if (valid[k] !== 1) continue;
      out.gapRet[k] = m.gapRet[k]! - gap;
      out.barRet[k] = m.barRet[k]! - bar;
    }
  }
  return out;
}
