/**
 * JUMP a value at a time: the block algorithm of jump.ts `jumpKernel` run forwards, one step per
 * bar, with the same arithmetic in the same order, so it agrees with the kernel bit for bit over
 * a row that starts where the stream starts. A block's suffix sums are built when its successor
 * begins (O(window) once per window bars: O(1) per bar, amortised).
 */
import { blockSuffixSums } from "../jump.js";

export class JumpStream {
  readonly #w: number;
  /** The previous block's values, then the current one's as they come. */
  readonly #prev: Float64Array;
  readonly #s1: Float64Array;
  readonly #s2: Float64Array;
  readonly #invW: number;
  readonly #invW1: number;
  readonly #c9: number;
  #t = 0;
  #shift = 0;
  #p1 = 0;
  #p2 = 0;

  constructor(window: number) {
    if (!(window >= 1 && Number.isInteger(window))) throw new RangeError(`JUMP window must be a positive integer, got ${window}`);
    this.#w = window;
    this.#prev = new Float64Array(window);
    this.#s1 = new Float64Array(window + 1);
    this.#s2 = new Float64Array(window + 1);
    this.#invW = 1 / window;
    this.#invW1 = 1 / (window - 1);
    this.#c9 = 9 * this.#invW1;
  }

  /** JUMP at the next bar, whose input is x. */
  step(x: number): number {
    const W = this.#w;
    const t = this.#t++;
    const prev = this.#prev;
    if (t < W) {
      // The first block: windows still filling, sums around the row's first value.
      if (t === 0) this.#shift = x;
      prev[t] = x;
      const d = x - this.#shift;
      const p1 = (this.#p1 += d);
      const p2 = (this.#p2 += d * d);
      const n = t + 1;
      const mean = p1 / n;
      const m2 = p2 - p1 * mean;
      const v = m2 > 0 ? m2 : 0;
      const e = d - mean - 3e-6;
      if ((+(e > 0) & +(e * e * (n - 1) > 9 * v)) === 0) return 0;
      const z = (d - mean) / (Math.sqrt(v / (n - 1)) + 1e-6);
      return z > 3 ? z - 3 : 0;
    }
    const r = t % W;
    const s1 = this.#s1;
    const s2 = this.#s2;
    if (r === 0) {
      // A new block: suffix sums of the one before, around this block's first value.
      this.#shift = x;
      blockSuffixSums(prev, x, s1, s2, W);
      this.#p1 = 0;
      this.#p2 = 0;
    }
    prev[r] = x;
    const d = x - this.#shift;
    const p1 = (this.#p1 += d);
    const p2 = (this.#p2 += d * d);
    const S1 = s1[r + 1]! + p1;
    const mean = S1 * this.#invW;
    const m2 = s2[r + 1]! + p2 - S1 * mean;
    const v = m2 > 0 ? m2 : 0;
    const e = d - mean - 3e-6;
    if ((+(e > 0) & +(e * e > this.#c9 * v)) === 0) return 0;
    const z = (d - mean) / (Math.sqrt(v * this.#invW1) + 1e-6);
    return z > 3 ? z - 3 : 0;
  }
}
