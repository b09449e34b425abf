/**
 * Causal rolling robust normalisation. Upstream normalises with median/MAD over the whole
 * sample, so every value sees the future (§17 H1); this sees only the last `window` values.
 * (JUMP's rolling z-score is in jump.ts.)
 */

/** Robust normalisation over the last `window` pushed values: clamp((x - med) / (MAD + 1e-6), -5, 5). */
export class RollingRobust {
  readonly #ring: Float64Array;
  readonly #sorted: Float64Array;
  #n = 0;
  #head = 0;
  constructor(readonly window: number) {
    if (!(window >= 1)) throw new RangeError(`window must be >= 1, got ${window}`);
    this.#ring = new Float64Array(window);
    this.#sorted = new Float64Array(window);
  }

  reset(): void {
    this.#n = 0;
    this.#head = 0;
  }

  get size(): number {
    return this.#n;
  }

  push(x: number): void {
    const s = this.#sorted;
    if (this.#n === this.window) {
      const at = lowerBound(s, this.#n, this.#ring[this.#head]!);
      s.copyWithin(at, at + 1, this.#n);
      this.#n--;
    }
    const at = lowerBound(s, this.#n, x);
    s.copyWithin(at + 1, at, this.#n);
    s[at] = x;
    this.#n++;
    this.#ring[this.#head] = x;
    this.#head = this.#head + 1 === this.window ? 0 : this.#head + 1;
  }

  /** Lower median (upstream's nanmedian for an even count), or 0 when empty. */
  median(): number {
    return this.#n === 0 ? 0 : this.#sorted[(this.#n - 1) >> 1]!;
  }

  /** Lower median of |x - median| (no 1.4826 factor, as upstream), in O(log window). */
  mad(): number {
    const n = this.#n;
    if (n === 0) return 0;
    const s = this.#sorted;
    const mi = (n - 1) >> 1;
    const m = s[mi]!;
    // Distances below the median, nearest first, and from the median upwards: two sorted runs.
    const a = mi;
    const b = n - mi;
    const k = (n - 1) >> 1;
    let lo = Math.max(0, k + 1 - b);
    let hi = Math.min(a, k + 1);
    while (lo <= hi) {
      const i = (lo + hi) >> 1;
      const j = k + 1 - i;
      const aPrev = i > 0 ? m - s[mi - i]! : -Infinity;
      const aCur = i < a ? m - s[mi - 1 - i]! : Infinity;
      const bPrev = j > 0 ? s[mi + j - 1]! - m : -Infinity;
      const bCur = j < b ? s[mi + j]! - m : Infinity;
      if (aPrev > bCur) hi = i - 1;
      else if (bPrev > aCur) lo = i + 1;
      else return Math.max(aPrev, bPrev);
    }
    throw new Error("unreachable: k-th distance not found");
  }

  normalise(x: number): number {
    return robustScale(x, this.median(), this.mad());
  }
}

export function robustScale(x: number, median: number, mad: number): number {
  const z = (x - median) / (mad + 1e-6);
  return z > 5 ? 5 : z < -5 ? -5 : z;
}

function lowerBound(s: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (s[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
