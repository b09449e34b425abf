/**
 * One token's features, a grid slot at a time: what `computeFeatures` (features.ts) gives on the
 * token's panel row, with the same arithmetic in the same order and the same Float32 storage,
 * so the two agree bit for bit. Only the features asked for are computed (a formula reads a few).
 */
import { TrailingMean } from "../features.js";
import { RollingRobust } from "../rolling.js";
import { FEATURES, vocabulary, type FeatureName, type FeatureSetId } from "../vocab.js";
import type { Cell } from "./row-stream.js";

const { RET, LIQ_SCORE, PRESSURE, FOMO, DEV, LOG_VOL, VOL_CLUSTER, MOMENTUM_REV, REL_STRENGTH, HL_RANGE, CLOSE_POS, VOL_TREND } =
  Object.fromEntries(FEATURES.map((f, i) => [f.name, i])) as Record<FeatureName, number>;

const clamp = (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x);

export class FeatureStream {
  /** Feature f's value at the current slot, as the feature panel stores it; only the used ones are set. */
  readonly values: Float64Array;
  readonly #used: Uint8Array;
  /** The rolling normaliser of each used normalised feature. */
  readonly #norm: (RollingRobust | null)[];
  readonly #ma20 = new TrailingMean(20);
  readonly #r2mean = new TrailingMean(10);
  readonly #mom = new TrailingMean(5);
  readonly #gains = new TrailingMean(14);
  readonly #losses = new TrailingMean(14);
  #t = 0;
  #cPrev = 0;
  #vPrev = 0;
  #gPrev = 0;
  #momPrev = 0;

  constructor(featureSet: FeatureSetId, normWindow: number, used: readonly number[]) {
    const F = vocabulary(featureSet).opOffset;
    this.values = new Float64Array(F);
    this.#used = new Uint8Array(F);
    for (const f of used) this.#used[f] = 1;
    this.#norm = Array.from({ length: F }, (_, f) => (this.#used[f] === 1 && FEATURES[f]!.normalised ? new RollingRobust(normWindow) : null));
  }

  /** Advance by one slot (features.ts `rawFeatures`, then the normalisation of `computeFeatures`). */
  step(cell: Cell): void {
    const u = this.#used;
    const raw = this.values;
    const first = this.#t === 0;
    const n = ++this.#t;
    const { open: o, high: h, low: l, close: c, volume: v } = cell;
    const cPrev = first ? c : this.#cPrev;
    const vPrev = first ? v : this.#vPrev;
    const r = Math.log(c / cPrev);
    const g = (v - vPrev) / (vPrev + 1);
    raw[RET] = r;
    if (u[LIQ_SCORE] === 1) raw[LIQ_SCORE] = clamp((4 * cell.liquidity) / (cell.fdv + 1e-6), 0, 1);
    if (u[PRESSURE] === 1) raw[PRESSURE] = Math.tanh((3 * (c - o)) / (h - l + 1e-9));
    if (u[FOMO] === 1) raw[FOMO] = clamp(g - (first ? g : this.#gPrev), -5, 5);
    if (u[DEV] === 1) {
      const m = this.#ma20.push(c);
      raw[DEV] = (c - m) / (m + 1e-9);
    }
    if (u[LOG_VOL] === 1) raw[LOG_VOL] = Math.log1p(v);
    this.#gPrev = g;
    if (raw.length > 6) {
      if (u[VOL_CLUSTER] === 1) raw[VOL_CLUSTER] = Math.sqrt(this.#r2mean.push(r * r) + 1e-9);
      if (u[MOMENTUM_REV] === 1) {
        const m5 = this.#mom.push(r) * Math.min(n, 5);
        raw[MOMENTUM_REV] = !first && m5 * this.#momPrev < 0 ? 1 : 0;
        this.#momPrev = m5;
      }
      if (u[REL_STRENGTH] === 1) {
        const d = c - cPrev;
        const gain = this.#gains.push(d > 0 ? d : 0);
        const loss = this.#losses.push(d < 0 ? -d : 0);
        const rsi = 100 - 100 / (1 + (gain + 1e-9) / (loss + 1e-9));
        raw[REL_STRENGTH] = (rsi - 50) / 50;
      }
      if (u[HL_RANGE] === 1) raw[HL_RANGE] = (h - l) / (c + 1e-9);
      if (u[CLOSE_POS] === 1) raw[CLOSE_POS] = clamp((c - l) / (h - l + 1e-9), 0, 1);
      if (u[VOL_TREND] === 1) raw[VOL_TREND] = g;
    }
    this.#cPrev = c;
    this.#vPrev = v;
    for (let f = 0; f < raw.length; f++) {
      if (u[f] !== 1) continue;
      const norm = this.#norm[f];
      if (norm === null || norm === undefined) raw[f] = Math.fround(raw[f]!);
      else {
        if (cell.valid) norm.push(raw[f]!);
        raw[f] = Math.fround(norm.normalise(raw[f]!));
      }
    }
  }
}
