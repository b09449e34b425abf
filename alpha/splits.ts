/**
 * Walk-forward splits by time. Upstream selects and trades on one in-sample window (§5, §17 H1);
 * here train, validation and test are disjoint time ranges separated by an embargo at least as
 * long as the longest look-back plus the trade horizon, and every trade and label is purged at
 * its split's end: positions are closed on the split's last bar, and IC skips labels that reach
 * past it.
 */
import { FEATURE_LOOKBACK } from "./features.js";
import { HORIZON } from "./market.js";
import type { Panel } from "./panel.js";
import { sharedI32 } from "./shared.js";

export interface Split {
  readonly name: string;
  /** Bar index range [start, end). */
  readonly start: number;
  readonly end: number;
}

export interface WindowParams {
  readonly normWindow: number;
  readonly jumpWindow: number;
  /** The liquidity proxy's trailing window when it feeds LIQ_SCORE, else 0. */
  readonly liquidityWindowBars?: number;
}

/** Shortest allowed embargo: the longest window plus the horizon. */
export function minEmbargo(w: WindowParams): number {
  return Math.max(w.normWindow, w.jumpWindow, FEATURE_LOOKBACK, w.liquidityWindowBars ?? 0) + HORIZON;
}

export interface SplitOptions {
  /** Shares of the non-embargo bars; default 0.6 / 0.2 / 0.2. */
  readonly train?: number;
  readonly validation?: number;
  readonly test?: number;
  /** Bars left out between splits; default and minimum `minEmbargo`. */
  readonly embargo?: number;
}

export function purgedSplits(nTimes: number, windows: WindowParams, options: SplitOptions = {}): Split[] {
  const least = minEmbargo(windows);
  const embargo = options.embargo ?? least;
  if (embargo < least) throw new RangeError(`embargo ${embargo} is shorter than the longest window + horizon (${least})`);
  const shares = [options.train ?? 0.6, options.validation ?? 0.2, options.test ?? 0.2];
  const total = shares.reduce((a, b) => a + b, 0);
  const usable = nTimes - 2 * embargo;
  if (usable < 3 * (HORIZON + 2)) {
    throw new RangeError(`${nTimes} bars leave ${usable} after two embargoes of ${embargo}: too few for three splits`);
  }
  const names = ["train", "validation", "test"];
  const out: Split[] = [];
  let start = 0;
  let used = 0;
  shares.forEach((s, k) => {
    used += s;
    const end = k === 2 ? nTimes : Math.round((usable * used) / total) + k * embargo;
    out.push({ name: names[k]!, start, end });
    start = end + embargo;
  });
  return out;
}

/** Everything the backtest needs to know about splits, shared with workers. */
export interface SplitPlan {
  readonly splits: readonly Split[];
  /** UTC day number (days since the epoch) of each bar, for daily aggregation. */
  readonly day: Int32Array;
  /** Hours since the epoch of each bar, for the hourly Sharpe of panels too short for daily. */
  readonly hour: Int32Array;
  /** Last valid bar of token i inside split s, `lastInSplit[s * nTokens + i]`; -1 if none. */
  readonly lastInSplit: Int32Array;
  /** Tokens with at least one valid bar in each split: the portfolio's sleeve count. */
  readonly alive: Int32Array;
}

export function planSplits(panel: Panel, splits: readonly Split[]): SplitPlan {
  const N = panel.nTokens;
  const T = panel.nTimes;
  let prevEnd = 0;
  for (const s of splits) {
    if (!(s.start >= prevEnd && s.end > s.start && s.end <= T)) {
      throw new RangeError(`split ${s.name} [${s.start}, ${s.end}) must be non-empty, ordered and within ${T} bars`);
    }
    prevEnd = s.end;
  }
  const day = sharedI32(T);
  const hour = sharedI32(T);
  for (let t = 0; t < T; t++) {
    day[t] = Math.floor(panel.times[t]! / 86_400);
    hour[t] = Math.floor(panel.times[t]! / 3_600);
  }
  const lastInSplit = sharedI32(splits.length * N).fill(-1);
  const alive = sharedI32(splits.length);
  splits.forEach((s, si) => {
    for (let i = 0; i < N; i++) {
      for (let t = s.end - 1; t >= s.start; t--) {
        if (panel.valid[i * T + t] === 1) {
          lastInSplit[si * N + i] = t;
          alive[si]!++;
          break;
        }
      }
    }
  });
  return { splits, day, hour, lastInSplit, alive };
}
