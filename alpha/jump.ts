/**
 * JUMP over one row: max(0, z - 3), z = (x - mean) / (std + 1e-6) over the last W values
 * including x, std unbiased (0 for one value). Upstream takes mean and std over the whole
 * sample, which looks ahead (§3.2, §17 H1).
 *
 * Exact without O(W) work per bar: the row is cut into blocks of W. A window ending in block b
 * is a suffix of block b-1 plus a prefix of block b; suffix sums are built once per block
 * (backwards, O(W)) and prefix sums run forwards, so no value is ever subtracted back out (no
 * cancellation when a huge value leaves the window). Sums are taken around the block's first
 * value, which lies inside every window ending in that block, so the variance keeps full
 * relative precision (sum of squares <= (n + 1) x the variance's numerator).
 * z > 3 is decided without a root or a division (dev - 3e-6 > 3 std), combining the two
 * comparisons into one rarely taken branch: data-dependent branches cost more than arithmetic.
 */

export interface JumpScratch {
  readonly window: number;
  /** The previous block's values, then the current one's as it is read. */
  readonly prev: Float64Array;
  /** Suffix sums of the previous block (W + 1 slots, the last one 0). */
  readonly s1: Float64Array;
  readonly s2: Float64Array;
}

export function jumpScratch(window: number): JumpScratch {
  if (!(window >= 1 && Number.isInteger(window))) throw new RangeError(`JUMP window must be a positive integer, got ${window}`);
  return { window, prev: new Float64Array(window), s1: new Float64Array(window + 1), s2: new Float64Array(window + 1) };
}

/**
 * A new block starts at `shift`: the suffix sums of the previous block (`prev`) around it,
 * s1[k] = sum of (prev[i] - shift) and s2[k] of its squares over i in k..W, with s1[W] = s2[W] = 0.
 * Shared with the streaming JUMP (alpha/stream/jump-stream.ts), so both round alike.
 */
export function blockSuffixSums(prev: Float64Array, shift: number, s1: Float64Array, s2: Float64Array, W: number): void {
  let q1 = 0;
  let q2 = 0;
  for (let k = W - 1; k >= 0; k--) {
    const d = prev[k]! - shift;
    q1 += d;
    q2 += d * d;
    s1[k] = q1;
    s2[k] = q2;
  }
  s1[W] = 0;
  s2[W] = 0;
}

/** D[t] = JUMP of A[a .. a + T) at t; D may alias A (each A[a + t] is read before D[t] is written). */
export function jumpKernel(D: Float64Array, A: Float32Array | Float64Array, a: number, T: number, j: JumpScratch): void {
  const { window: W, prev, s1, s2 } = j;
  // The first block (windows still filling) has its own loop, so the hot loop below has no
  // per-bar case split: it runs 1.5x faster (measured).
  const first = Math.min(T, W);
  const shift0 = A[a]!;
  let p1 = 0;
  let p2 = 0;
  for (let t = 0; t < first; t++) {
    const x = A[a + t]!;
    prev[t] = x;
    const d = x - shift0;
    p1 += d;
    p2 += d * d;
    const n = t + 1;
    const mean = p1 / n;
    const m2 = p2 - p1 * mean;
    const v = m2 > 0 ? m2 : 0;
    const e = d - mean - 3e-6;
    let y = 0;
    if ((+(e > 0) & +(e * e * (n - 1) > 9 * v)) !== 0) {
      const z = (d - mean) / (Math.sqrt(v / (n - 1)) + 1e-6);
      y = z > 3 ? z - 3 : 0;
    }
    D[t] = y;
  }
  const invW = 1 / W;
  const invW1 = 1 / (W - 1);
  const c9 = 9 * invW1;
  for (let b = W; b < T; b += W) {
    const shift = A[a + b]!;
    blockSuffixSums(prev, shift, s1, s2, W);
    p1 = 0;
    p2 = 0;
    const end = Math.min(T, b + W);
    for (let t = b; t < end; t++) {
      const x = A[a + t]!;
      const r = t - b;
      prev[r] = x;
      const d = x - shift;
      p1 += d;
      p2 += d * d;
      const S1 = s1[r + 1]! + p1;
      const mean = S1 * invW;
      const m2 = s2[r + 1]! + p2 - S1 * mean;
      const v = m2 > 0 ? m2 : 0;
      const e = d - mean - 3e-6;
      let y = 0;
      if ((+(e > 0) & +(e * e > c9 * v)) !== 0) {
        const z = (d - mean) / (Math.sqrt(v * invW1) + 1e-6);
        y = z > 3 ? z - 3 : 0;
      }
      D[t] = y;
    }
  }
}

/** JUMP of a whole series with window `w` (tests, diagnostics). */
export function jumpSeries(xs: ArrayLike<number>, w: number): Float64Array {
  const out = new Float64Array(xs.length);
  jumpKernel(out, Float64Array.from(xs), 0, xs.length, jumpScratch(w));
  return out;
}
