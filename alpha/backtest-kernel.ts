/**
 * The fast backtest: one pass over a token's signal row per split, carrying position, the open
 * trade's account and the split's counters in locals; the bar PnL goes to one length-T row
 * shared by all tokens. Same rules as `referenceBacktest`, thresholds compared as logits.
 */
import type { Row } from "./kernels.js";
import { HORIZON } from "./market.js";

/** Per-split accumulator layout: `acc[split * ACC + field]`. */
export const ACC = 9;
export const F_ENTRIES = 0;
export const F_EXITS = 1;
export const F_WINS = 2;
export const F_ACTIVE = 3;
export const F_VALID = 4;
export const F_COST = 5;
export const F_SIG_N = 6;
export const F_SIG_MEAN = 7;
export const F_SIG_M2 = 8;

export interface KernelInputs {
  readonly nTokens: number;
  readonly nTimes: number;
  readonly valid: Uint8Array;
  readonly gapRet: Float32Array;
  readonly barRet: Float32Array;
  readonly costLog: Float32Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  readonly lastInSplit: Int32Array;
  readonly buyLogit: number;
  readonly sellLogit: number;
  // Upstream reward inputs.
  readonly liquidity: Float32Array;
  readonly fwdRet: Float32Array;
  readonly fwdValid: Uint8Array;
  readonly upstreamCost: Float32Array;
  readonly minLiquidityUsd: number;
  readonly upstreamBuyLogit: number;
}

/** Backtest token i on splits [from, to) of `m` (all by default); S[so + t] is its signal at bar t. */
export function backtestRow(
  S: Row,
  so: number,
  i: number,
  m: KernelInputs,
  acc: Float64Array,
  barPnl: Float64Array,
  from = 0,
  to = m.starts.length,
): void {
  const T = m.nTimes;
  const base = i * T;
  const { valid, gapRet, barRet, costLog } = m;
  const buy = m.buyLogit;
  const sell = m.sellLogit;
  for (let si = from; si < to; si++) {
    const last = m.lastInSplit[si * m.nTokens + i]!;
    if (last < 0) continue;
    let entries = 0;
    let exits = 0;
    let wins = 0;
    let active = 0;
    let bars = 0;
    let paid = 0;
    // Signal moments around a value of this token's (its last valid bar in the split), merged
    // into the split's below: exact to rounding, and no per-bar branch to pick the shift.
    const shift = S[so + last]!;
    let s1 = 0;
    let s2 = 0;
    let pos = 0;
    let target = 0;
    let trade = 0;
    for (let t = m.starts[si]!; t <= last; t++) {
      const k = base + t;
      if (valid[k] !== 1) continue;
      const s = S[so + t]!;
      const d = s - shift;
      s1 += d;
      s2 += d * d;
      bars++;
      let r = 0;
      if (pos === 1) {
        r = gapRet[k]!;
        trade += r;
      }
      if (target !== pos) {
        const cost = costLog[k]!;
        r -= cost;
        paid += cost;
        if (target === 1) {
          entries++;
          trade = -cost;
        } else {
          trade -= cost;
          exits++;
          if (trade > 0) wins++;
        }
        pos = target;
      }
      if (pos === 1) {
        const b = barRet[k]!;
        r += b;
        trade += b;
        active++;
      }
      if (t === last) {
        if (pos === 1) {
          const cost = costLog[k]!;
          r -= cost;
          paid += cost;
          trade -= cost;
          exits++;
          if (trade > 0) wins++;
        }
        pos = 0;
      } else if (pos === 0) {
        if (s > buy) target = 1;
      } else if (s < sell) target = 0;
      // Flat bars earn nothing: skip the write (most bars of most formulas).
      if (r !== 0) barPnl[t]! += r;
    }
    const o = si * ACC;
    acc[o + F_ENTRIES]! += entries;
    acc[o + F_EXITS]! += exits;
    acc[o + F_WINS]! += wins;
    acc[o + F_ACTIVE]! += active;
    acc[o + F_VALID]! += bars;
    acc[o + F_COST]! += paid;
    mergeMoments(acc, o, bars, shift + s1 / bars, s2 - (s1 * s1) / bars);
  }
}

/** Chan et al.'s pairwise update: fold (n, mean, M2) of one token into the split's. */
function mergeMoments(acc: Float64Array, o: number, n: number, mean: number, m2: number): void {
  if (n === 0) return;
  const na = acc[o + F_SIG_N]!;
  const nt = na + n;
  const delta = mean - acc[o + F_SIG_MEAN]!;
  acc[o + F_SIG_MEAN]! += (delta * n) / nt;
  acc[o + F_SIG_M2]! += Math.max(0, m2) + (delta * delta * na * n) / nt;
  acc[o + F_SIG_N] = nt;
}

/** Standard deviation of the signal over a split's valid cells (unbiased; 0 below two cells). */
export function signalStd(acc: Float64Array, si: number): number {
  const o = si * ACC;
  const n = acc[o + F_SIG_N]!;
  return n < 2 ? 0 : Math.sqrt(acc[o + F_SIG_M2]! / (n - 1));
}

/** Upstream's per-token §7 score on splits [from, to), `scores[split * nTokens + i]` (NaN where not alive). */
export function upstreamRow(S: Row, so: number, i: number, m: KernelInputs, scores: Float64Array, from = 0, to = m.starts.length): void {
  const T = m.nTimes;
  const base = i * T;
  for (let si = from; si < to; si++) {
    if (m.lastInSplit[si * m.nTokens + i]! < 0) {
      scores[si * m.nTokens + i] = Number.NaN;
      continue;
    }
    const start = m.starts[si]!;
    const end = m.ends[si]!;
    let prev = 0;
    let cum = 0;
    let big = 0;
    let active = 0;
    for (let t = start; t < end; t++) {
      const k = base + t;
      const pos = m.valid[k] === 1 && m.liquidity[k]! > m.minLiquidityUsd && S[so + t]! > m.upstreamBuyLogit ? 1 : 0;
      const target = m.fwdValid[k] === 1 && t + HORIZON < end ? m.fwdRet[k]! : 0;
      const net = pos * target - (pos !== prev ? m.upstreamCost[k]! : 0);
      cum += net;
      if (net < -0.05) big++;
      active += pos;
      prev = pos;
    }
    scores[si * m.nTokens + i] = active < 5 ? -10 : cum - 2 * big;
  }
}
