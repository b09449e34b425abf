/**
 * Causal features (§4.1, §4.2) as `[feature][token][time]` Float32 rows in one SharedArrayBuffer.
 * Differences from upstream, each a fix: lags repeat the token's first bar instead of wrapping
 * the last bar around (circular roll); moving windows start at the token's first bar instead of
 * padding with zeros (a gap counts as a flat bar without volume); robust normalisation uses a
 * rolling window of the token's real bars (`normWindow`), never the whole sample. A value at t
 * reads bars at or before t only.
 */
import { FEATURES, vocabulary, type FeatureSetId } from "./vocab.js";
import type { Panel } from "./panel.js";
import { RollingRobust } from "./rolling.js";
import { sharedF32 } from "./shared.js";

export interface FeatureOptions {
  readonly featureSet?: FeatureSetId;
  /** Bars in the rolling median/MAD window (valid bars only); default 240. */
  readonly normWindow?: number;
}

export const DEFAULT_NORM_WINDOW = 240;

/** Fixed look-backs of the feature definitions (bars), for embargo sizing. */
export const FEATURE_LOOKBACK = 20;

export interface FeaturePanel {
  readonly featureSet: FeatureSetId;
  readonly names: readonly string[];
  readonly nFeatures: number;
  readonly nTokens: number;
  readonly nTimes: number;
  readonly normWindow: number;
  /** Value of feature f for token i at time t: `data[(f * nTokens + i) * nTimes + t]`. */
  readonly data: Float32Array;
}

export function computeFeatures(panel: Panel, options: FeatureOptions = {}): FeaturePanel {
  const featureSet = options.featureSet ?? "basic";
  const normWindow = options.normWindow ?? DEFAULT_NORM_WINDOW;
  const F = vocabulary(featureSet).opOffset;
  const N = panel.nTokens;
  const T = panel.nTimes;
  const data = sharedF32(F * N * T);
  const raw = Array.from({ length: F }, () => new Float64Array(T));
  const norm = new RollingRobust(normWindow);
  for (let i = 0; i < N; i++) {
    const first = panel.firstValid[i]!;
    if (first < 0) continue;
    rawFeatures(panel, i, first, raw);
    for (let f = 0; f < F; f++) {
      const out = (f * N + i) * T;
      const row = raw[f]!;
      if (!FEATURES[f]!.normalised) {
        for (let t = first; t < T; t++) data[out + t] = row[t]!;
        continue;
      }
      norm.reset();
      for (let t = first; t < T; t++) {
        if (panel.valid[i * T + t] === 1) norm.push(row[t]!);
        data[out + t] = norm.normalise(row[t]!);
      }
    }
  }
  return { featureSet, names: vocabulary(featureSet).names.slice(0, F), nFeatures: F, nTokens: N, nTimes: T, normWindow, data };
}

/**
 * Trailing mean over the last `w` values that exist (t - first + 1 of them at the start), summed
 * afresh, oldest first, at every push (w <= 20). A running sum (add the new value, subtract the
 * one leaving) keeps the rounding of values long gone: the mean then depends on where the row
 * started, a panel of a window disagreed with the whole history, and a flat run (returns exactly
 * 0) left a momentum of +-1e-17 whose sign MOMENTUM_REV read as a reversal.
 */
export class TrailingMean {
  readonly #buf: Float64Array;
  #n = 0;
  constructor(readonly w: number) {
    this.#buf = new Float64Array(w);
  }
  push(x: number): number {
    const w = this.w;
    const buf = this.#buf;
    buf[this.#n % w] = x;
    this.#n++;
    const n = this.#n < w ? this.#n : w;
    let sum = 0;
    for (let k = this.#n - n; k < this.#n; k++) sum += buf[k % w]!;
    return sum / n;
  }
}

/** Raw (pre-normalisation) rows of one token, for tests and diagnostics. */
export function rawFeatureRows(panel: Panel, i: number, featureSet: FeatureSetId = "basic"): Float64Array[] {
  const out = Array.from({ length: vocabulary(featureSet).opOffset }, () => new Float64Array(panel.nTimes));
  const first = panel.firstValid[i]!;
  if (first >= 0) rawFeatures(panel, i, first, out);
  return out;
}

const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

/** Raw (pre-normalisation) feature rows of token i from its first bar on; zeros before it. */
function rawFeatures(p: Panel, i: number, first: number, out: Float64Array[]): void {
  const T = p.nTimes;
  const base = i * T;
  const F = out.length;
  for (const row of out) row.fill(0, 0, first);
  const ma20 = new TrailingMean(20);
  const r2mean = new TrailingMean(10);
  const mom = new TrailingMean(5);
  const gains = new TrailingMean(14);
  const losses = new TrailingMean(14);
  let gPrev = 0;
  let momPrev = 0;
  for (let t = first; t < T; t++) {
    const k = base + t;
    const o = p.open[k]!;
    const h = p.high[k]!;
    const l = p.low[k]!;
    const c = p.close[k]!;
    const v = p.volume[k]!;
    const cPrev = t === first ? c : p.close[k - 1]!;
    const vPrev = t === first ? v : p.volume[k - 1]!;
    const r = Math.log(c / cPrev);
    const g = (v - vPrev) / (vPrev + 1);
    const m = ma20.push(c);
    out[0]![t] = r;
    out[1]![t] = clamp((4 * p.liquidity[k]!) / (p.fdv[k]! + 1e-6), 0, 1);
    out[2]![t] = Math.tanh((3 * (c - o)) / (h - l + 1e-9));
    out[3]![t] = clamp(g - (t === first ? g : gPrev), -5, 5);
    out[4]![t] = (c - m) / (m + 1e-9);
    out[5]![t] = Math.log1p(v);
    gPrev = g;
    if (F <= 6) continue;
    out[6]![t] = Math.sqrt(r2mean.push(r * r) + 1e-9);
    const m5 = mom.push(r) * Math.min(t - first + 1, 5);
    out[7]![t] = t > first && m5 * momPrev < 0 ? 1 : 0;
    momPrev = m5;
    const d = c - cPrev;
    const gain = gains.push(d > 0 ? d : 0);
    const loss = losses.push(d < 0 ? -d : 0);
    const rsi = 100 - 100 / (1 + (gain + 1e-9) / (loss + 1e-9));
    out[8]![t] = (rsi - 50) / 50;
    out[9]![t] = (h - l) / (c + 1e-9);
    out[10]![t] = clamp((c - l) / (h - l + 1e-9), 0, 1);
    out[11]![t] = g;
  }
}
