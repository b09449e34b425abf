/**
 * The pool of best formulas, ranked by validation score (never the train reward alone, which the
 * policy optimised: upstream picked its "king" in-sample, §17 H1), or by a rank the selector
 * derives from it (the worse of train reward and validation score, selection.ts). A correlation filter keeps it
 * diverse: a newcomer whose validation series is nearly the same as members' (|ρ| above the
 * limit) enters only by beating all of them, and then replaces them.
 */
import type { Tokens } from "./types.js";

export interface PoolEntry {
  readonly tokens: number[];
  readonly key: string;
  /** Validation score. */
  readonly score: number;
  /** What the pool is ordered by, when not the validation score. */
  readonly rank?: number;
  readonly trainReward: number;
  readonly step: number;
  readonly series: Float64Array;
}

/** JSON form for checkpoints. */
export interface PoolJson {
  readonly entries: readonly (Omit<PoolEntry, "series"> & { readonly series: number[] })[];
}

/** Pearson correlation; two constant series count as identical, constant vs varying as unrelated. */
export function correlation(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  if (n < 2) return 0;
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < n; i++) {
    ma += a[i]!;
    mb += b[i]!;
  }
  ma /= n;
  mb /= n;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < n; i++) {
    const da = a[i]! - ma;
    const db = b[i]! - mb;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  const flatA = saa <= 1e-24;
  const flatB = sbb <= 1e-24;
  if (flatA && flatB) return 1;
  if (flatA || flatB) return 0;
  return sab / Math.sqrt(saa * sbb);
}

const rankOf = (e: PoolEntry): number => e.rank ?? e.score;

export class FormulaPool {
  readonly #size: number;
  readonly #maxCorr: number;
  #entries: PoolEntry[] = [];

  constructor(size: number, maxCorrelation: number) {
    this.#size = size;
    this.#maxCorr = maxCorrelation;
  }

  /** Offer a validated formula; true when it entered the pool. */
  offer(e: PoolEntry): boolean {
    if (!Number.isFinite(e.score) || !Number.isFinite(rankOf(e)) || this.#entries.some((x) => x.key === e.key)) return false;
    const clash = e.series.length === 0 ? [] : this.#entries.filter((x) => x.series.length > 0 && Math.abs(correlation(x.series, e.series)) > this.#maxCorr);
    if (clash.some((x) => rankOf(x) >= rankOf(e))) return false;
    const next = this.#entries.filter((x) => !clash.includes(x));
    next.push(e);
    next.sort((a, b) => rankOf(b) - rankOf(a) || a.step - b.step);
    if (next.length > this.#size) next.length = this.#size;
    const entered = next.includes(e);
    if (entered) this.#entries = next;
    return entered;
  }

  best(): PoolEntry | undefined {
    return this.#entries[0];
  }

  entries(): readonly PoolEntry[] {
    return this.#entries;
  }

  has(f: Tokens): boolean {
    const key = f.join(",");
    return this.#entries.some((x) => x.key === key);
  }

  toJSON(): PoolJson {
    return { entries: this.#entries.map((e) => ({ ...e, tokens: [...e.tokens], series: Array.from(e.series) })) };
  }

  static fromJSON(json: PoolJson, size: number, maxCorrelation: number): FormulaPool {
    const p = new FormulaPool(size, maxCorrelation);
    p.#entries = json.entries.map((e) => ({ ...e, tokens: [...e.tokens], series: Float64Array.from(e.series) }));
    return p;
  }
}
