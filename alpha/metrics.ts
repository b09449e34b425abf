/**
 * Split metrics from a backtest's per-bar PnL and counts. Sharpe and Sortino use daily sums of
 * net returns, annualised by sqrt(365) (crypto trades every day); never sqrt(252) on intraday
 * bars (upstream's times.py does that, §17 M9). Each token is an equal sleeve of the portfolio:
 * the portfolio's return on a bar is the sum of the sleeves' log returns over the sleeve count.
 */
import { HORIZON } from "./market.js";
import type { Split, SplitPlan } from "./splits.js";

/** What a backtest counted in one split. */
export interface SplitCounts {
  readonly entries: number;
  readonly exits: number;
  /** Closed trades with a positive net log return. */
  readonly wins: number;
  /** Token-bars spent in a position, and valid token-bars. */
  readonly activeBars: number;
  readonly validBars: number;
  /** Sum of one-way log costs paid. */
  readonly costPaid: number;
  /** Standard deviation of the signal over the split's valid cells. */
  readonly signalStd: number;
}

export interface ICStats {
  /** Mean per-bar cross-sectional Pearson IC and Spearman RankIC; ICIR = mean / std of the IC. */
  readonly ic: number | null;
  readonly rankIc: number | null;
  readonly icir: number | null;
  readonly bars: number;
}

export interface SplitMetrics {
  readonly split: string;
  readonly start: number;
  readonly end: number;
  readonly tokens: number;
  readonly days: number;
  /** Compounded net return of the equal-sleeve portfolio over the split. */
  readonly netReturn: number;
  /** Annualised on daily net returns; null with fewer than 2 days or no variation. */
  readonly sharpe: number | null;
  /** The same on hourly sums (x sqrt(8760)), for splits too short for a daily one. */
  readonly sharpeHourly: number | null;
  readonly sortino: number | null;
  /** Largest peak-to-trough loss of portfolio equity, as a fraction. */
  readonly maxDrawdown: number;
  /** Trades (entries + exits) per valid token-bar. */
  readonly turnover: number;
  /** Share of closed trades that made money after costs; null without trades. */
  readonly hitRate: number | null;
  /** Share of valid token-bars held in a position. */
  readonly activity: number;
  readonly trades: number;
  readonly costPaid: number;
  readonly signalStd: number;
  readonly ic: number | null;
  readonly rankIc: number | null;
  readonly icir: number | null;
  /** Upstream's §7 fitness on this split, when asked for. */
  readonly upstreamFitness: number | null;
}

const ANNUAL = Math.sqrt(365);

/** Sums of the portfolio's bar returns per bucket (UTC day, or hour) over a split. */
export function dailyReturns(barPnl: ArrayLike<number>, split: Split, day: Int32Array, sleeves: number): number[] {
  const out: number[] = [];
  let cur = Number.NaN;
  for (let t = split.start; t < split.end; t++) {
    const r = sleeves > 0 ? barPnl[t]! / sleeves : 0;
    if (day[t] !== cur) {
      out.push(r);
      cur = day[t]!;
    } else out[out.length - 1]! += r;
  }
  return out;
}

export function mean(xs: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < xs.length; k++) s += xs[k]!;
  return xs.length > 0 ? s / xs.length : 0;
}

/** Unbiased standard deviation (two-pass); 0 below two values. */
export function stdev(xs: ArrayLike<number>): number {
  if (xs.length < 2) return 0;
  const m = mean(xs);
  let s = 0;
  for (let k = 0; k < xs.length; k++) s += (xs[k]! - m) ** 2;
  return Math.sqrt(s / (xs.length - 1));
}

/** Annualised Sharpe of daily returns (or of other buckets, given how many make a year). */
export function sharpe(daily: readonly number[], perYear = 365): number | null {
  const sd = stdev(daily);
  return daily.length >= 2 && sd > 0 ? (mean(daily) / sd) * Math.sqrt(perYear) : null;
}

/** Mean over downside deviation (root mean square of the negative days, over all days). */
export function sortino(daily: readonly number[]): number | null {
  if (daily.length < 2) return null;
  let s = 0;
  for (const d of daily) if (d < 0) s += d * d;
  const dd = Math.sqrt(s / daily.length);
  return dd > 0 ? (mean(daily) / dd) * ANNUAL : null;
}

/** Cumulative portfolio log equity over a split, one value per bar. */
export function equityCurve(barPnl: ArrayLike<number>, split: Split, sleeves: number): Float64Array {
  const out = new Float64Array(split.end - split.start);
  let e = 0;
  for (let t = split.start; t < split.end; t++) {
    e += sleeves > 0 ? barPnl[t]! / sleeves : 0;
    out[t - split.start] = e;
  }
  return out;
}

export function maxDrawdown(equity: ArrayLike<number>): number {
  let peak = 0;
  let worst = 0;
  for (let k = 0; k < equity.length; k++) {
    const e = equity[k]!;
    if (e > peak) peak = e;
    if (peak - e > worst) worst = peak - e;
  }
  return -Math.expm1(-worst);
}

/** Lower median (upstream's torch.median); NaN when empty. */
export function lowerMedian(xs: readonly number[]): number {
  if (xs.length === 0) return Number.NaN;
  const s = [...xs].sort((a, b) => a - b);
  return s[(s.length - 1) >> 1]!;
}

export function finaliseSplit(
  splitIndex: number,
  plan: SplitPlan,
  counts: SplitCounts,
  barPnl: ArrayLike<number>,
  ic: ICStats | null,
  upstreamFitness: number | null,
): SplitMetrics {
  const split = plan.splits[splitIndex]!;
  const sleeves = plan.alive[splitIndex]!;
  const daily = dailyReturns(barPnl, split, plan.day, sleeves);
  const equity = equityCurve(barPnl, split, sleeves);
  const v = counts.validBars;
  return {
    split: split.name,
    start: split.start,
    end: split.end,
    tokens: sleeves,
    days: daily.length,
    netReturn: Math.expm1(equity.length > 0 ? equity[equity.length - 1]! : 0),
    sharpe: sharpe(daily),
    sharpeHourly: sharpe(dailyReturns(barPnl, split, plan.hour, sleeves), 24 * 365),
    sortino: sortino(daily),
    maxDrawdown: maxDrawdown(equity),
    turnover: v > 0 ? (counts.entries + counts.exits) / v : 0,
    hitRate: counts.exits > 0 ? counts.wins / counts.exits : null,
    activity: v > 0 ? counts.activeBars / v : 0,
    trades: counts.entries,
    costPaid: counts.costPaid,
    signalStd: counts.signalStd,
    ic: ic?.ic ?? null,
    rankIc: ic?.rankIc ?? null,
    icir: ic?.icir ?? null,
    upstreamFitness,
  };
}

/**
 * Per-bar cross-sectional IC of `signal` against `target` (both `i * nTimes + t`) over a split,
 * on cells where `mask` is 1; labels reaching past the split's end are purged. Bars with fewer
 * than 3 tokens or no dispersion are skipped.
 */
export function crossSectionalIC(
  signal: ArrayLike<number>,
  target: ArrayLike<number>,
  mask: Uint8Array,
  nTokens: number,
  nTimes: number,
  split: Split,
): ICStats {
  const ics: number[] = [];
  const ranks: number[] = [];
  const xs = new Float64Array(nTokens);
  const ys = new Float64Array(nTokens);
  for (let t = split.start; t < split.end - HORIZON; t++) {
    let n = 0;
    for (let i = 0; i < nTokens; i++) {
      const k = i * nTimes + t;
      const s = signal[k]!;
      if (mask[k] !== 1 || !Number.isFinite(s)) continue;
      xs[n] = s;
      ys[n] = target[k]!;
      n++;
    }
    if (n < 3) continue;
    const x = xs.subarray(0, n);
    const y = ys.subarray(0, n);
    const ic = pearson(x, y);
    if (ic === null) continue;
    ics.push(ic);
    ranks.push(pearson(rank(x), rank(y)) ?? 0);
  }
  const sd = stdev(ics);
  return {
    ic: ics.length > 0 ? mean(ics) : null,
    rankIc: ranks.length > 0 ? mean(ranks) : null,
    icir: ics.length >= 2 && sd > 0 ? mean(ics) / sd : null,
    bars: ics.length,
  };
}

export function pearson(x: ArrayLike<number>, y: ArrayLike<number>): number | null {
  const mx = mean(x);
  const my = mean(y);
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let k = 0; k < x.length; k++) {
    const dx = x[k]! - mx;
    const dy = y[k]! - my;
    sxy += dx * dy;
    sxx += dx * dx;
    syy += dy * dy;
  }
  return sxx > 0 && syy > 0 ? sxy / Math.sqrt(sxx * syy) : null;
}

/** Ranks 0..n-1, ties sharing their average rank. */
export function rank(x: ArrayLike<number>): Float64Array {
  const n = x.length;
  const idx = Array.from({ length: n }, (_, k) => k).sort((a, b) => x[a]! - x[b]!);
  const out = new Float64Array(n);
  for (let a = 0; a < n; ) {
    let b = a;
    while (b + 1 < n && x[idx[b + 1]!] === x[idx[a]!]) b++;
    for (let k = a; k <= b; k++) out[idx[k]!] = (a + b) / 2;
    a = b + 1;
  }
  return out;
}
