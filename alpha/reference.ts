/**
 * The reference evaluator and backtest: full-size arrays, one plain loop per rule, written to be
 * obviously correct rather than fast. Tests hold the fused evaluator to it (1e-5).
 */
import type { Expr } from "./formula.js";
import type { FeaturePanel } from "./features.js";
import { HORIZON, type MarketArrays } from "./market.js";
import { lowerMedian, stdev, type SplitCounts } from "./metrics.js";
import type { Panel } from "./panel.js";
import type { Split, SplitPlan } from "./splits.js";
import { DEFAULT_TRADE_RULE, type TradeRule } from "./params.js";
import { OPERATORS } from "./vocab.js";

/**
 * Formula value of every token and bar, `out[i * nTimes + t]`, in float64. A token's values
 * start at its first bar: lags see zeros before it and JUMP's window starts there. They end at
 * its last bar, and the signal is 0 wherever the token has no bar (nothing can trade there).
 */
export function referenceSignal(root: Expr, fp: FeaturePanel, jumpWindow: number, panel: Panel): Float64Array {
  const N = fp.nTokens;
  const T = fp.nTimes;
  const first = (i: number): number => panel.firstValid[i]!;
  const lag = (x: Float64Array, d: number, i: number, t: number): number => (t - d >= first(i) ? x[i * T + t - d]! : 0);
  const map = (f: (i: number, t: number, k: number) => number): Float64Array => {
    const out = new Float64Array(N * T);
    for (let i = 0; i < N; i++) {
      if (first(i) < 0) continue;
      for (let t = first(i); t <= panel.lastValid[i]!; t++) out[i * T + t] = f(i, t, i * T + t);
    }
    return out;
  };
  const ev = (e: Expr): Float64Array => {
    if (e.kind === "feature") return map((i, t) => fp.data[(e.feature * N + i) * T + t]!);
    const [x, y, z] = e.args.map(ev) as [Float64Array, Float64Array, Float64Array];
    switch (OPERATORS[e.op]!.name) {
      case "ADD":
        return map((_i, _t, k) => x[k]! + y[k]!);
      case "SUB":
        return map((_i, _t, k) => x[k]! - y[k]!);
      case "MUL":
        return map((_i, _t, k) => x[k]! * y[k]!);
      case "DIV":
        return map((_i, _t, k) => x[k]! / (y[k]! + (y[k]! >= 0 ? 1e-6 : -1e-6)));
      case "NEG":
        return map((_i, _t, k) => -x[k]!);
      case "ABS":
        return map((_i, _t, k) => Math.abs(x[k]!));
      case "SIGN":
        return map((_i, _t, k) => (x[k]! > 0 ? 1 : x[k]! < 0 ? -1 : 0));
      case "GATE":
        return map((_i, _t, k) => (x[k]! > 0 ? y[k]! : z[k]!));
      case "JUMP":
        return map((i, t) => jumpAt(x, i * T, Math.max(first(i), t - jumpWindow + 1), t));
      case "DECAY":
        return map((i, t, k) => x[k]! + 0.8 * lag(x, 1, i, t) + 0.6 * lag(x, 2, i, t));
      case "DELAY1":
        return map((i, t) => lag(x, 1, i, t));
      case "MAX3":
        return map((i, t, k) => Math.max(x[k]!, lag(x, 1, i, t), lag(x, 2, i, t)));
    }
    throw new Error(`unknown operator ${e.op}`);
  };
  const signal = ev(root);
  for (let k = 0; k < N * T; k++) if (panel.valid[k] !== 1) signal[k] = 0;
  return signal;
}

/** max(0, z - 3) over the values from `from` to t (two-pass mean and unbiased std). */
function jumpAt(x: Float64Array, base: number, from: number, t: number): number {
  const n = t - from + 1;
  let sum = 0;
  for (let u = from; u <= t; u++) sum += x[base + u]!;
  const m = sum / n;
  let ss = 0;
  for (let u = from; u <= t; u++) ss += (x[base + u]! - m) ** 2;
  const sd = n > 1 ? Math.sqrt(ss / (n - 1)) : 0;
  const z = (x[base + t]! - m) / (sd + 1e-6);
  return Math.max(0, z - 3);
}

const sigmoid = (s: number): number => 1 / (1 + Math.exp(-s));

export interface ReferenceBacktest {
  readonly counts: SplitCounts[];
  /** Sum over tokens of each bar's net log return (0 outside splits). */
  readonly barPnl: Float64Array;
}

/** Our backtest (see `params.ts` and `market.ts` for the rules), split by split, token by token. */
export function referenceBacktest(
  signal: Float64Array,
  panel: Panel,
  market: MarketArrays,
  plan: SplitPlan,
  rule: TradeRule = DEFAULT_TRADE_RULE,
): ReferenceBacktest {
  const N = panel.nTokens;
  const T = panel.nTimes;
  const barPnl = new Float64Array(T);
  const counts = plan.splits.map((split, si) => {
    const c = { entries: 0, exits: 0, wins: 0, activeBars: 0, validBars: 0, costPaid: 0, signalStd: 0 };
    const seen: number[] = [];
    for (let i = 0; i < N; i++) {
      const last = plan.lastInSplit[si * N + i]!;
      let pos = 0;
      let target = 0;
      let trade = 0;
      for (let t = split.start; t < split.end; t++) {
        const k = i * T + t;
        if (panel.valid[k] !== 1) continue;
        seen.push(signal[k]!);
        c.validBars++;
        const cost = market.costLog[k]!;
        let r = 0;
        if (pos === 1) {
          r += market.gapRet[k]!;
          trade += market.gapRet[k]!;
        }
        // Fill the decision of the previous valid bar at this bar's open.
        if (target !== pos) {
          r -= cost;
          c.costPaid += cost;
          if (target === 1) {
            c.entries++;
            trade = -cost;
          } else {
            trade -= cost;
            c.exits++;
            if (trade > 0) c.wins++;
          }
          pos = target;
        }
        if (pos === 1) {
          r += market.barRet[k]!;
          trade += market.barRet[k]!;
          c.activeBars++;
        }
        if (t === last) {
          // The token's last bar in this split: close at its close, nothing stays open.
          if (pos === 1) {
            r -= cost;
            c.costPaid += cost;
            trade -= cost;
            c.exits++;
            if (trade > 0) c.wins++;
          }
          pos = 0;
          target = 0;
        } else {
          const p = sigmoid(signal[k]!);
          if (pos === 0 && p > rule.buyThreshold) target = 1;
          if (pos === 1 && p < rule.sellThreshold) target = 0;
        }
        barPnl[t]! += r;
      }
    }
    c.signalStd = stdev(seen);
    return c;
  });
  return { counts, barPnl };
}

/** Upstream's §7 fitness on one split, with validity masks (no NaN from unfilled bars). */
export function referenceUpstreamFitness(
  signal: Float64Array,
  panel: Panel,
  market: MarketArrays,
  plan: SplitPlan,
  splitIndex: number,
  buyThreshold = 0.85,
): number {
  const split: Split = plan.splits[splitIndex]!;
  const N = panel.nTokens;
  const T = panel.nTimes;
  const scores: number[] = [];
  for (let i = 0; i < N; i++) {
    if (plan.lastInSplit[splitIndex * N + i]! < 0) continue;
    let prev = 0;
    let cum = 0;
    let big = 0;
    let active = 0;
    for (let t = split.start; t < split.end; t++) {
      const k = i * T + t;
      const safe = panel.liquidity[k]! > market.upstream.minLiquidityUsd;
      const pos = panel.valid[k] === 1 && safe && sigmoid(signal[k]!) > buyThreshold ? 1 : 0;
      const target = market.fwdValid[k] === 1 && t + HORIZON < split.end ? market.fwdRet[k]! : 0;
      const net = pos * target - Math.abs(pos - prev) * market.upstreamCost[k]!;
      cum += net;
      if (net < -0.05) big++;
      active += pos;
      prev = pos;
    }
    scores.push(active < 5 ? -10 : cum - 2 * big);
  }
  return lowerMedian(scores);
}
