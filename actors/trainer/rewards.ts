/**
 * Rewards for a sampled batch with no formula evaluated twice: duplicates inside the batch are
 * collapsed (a trained policy repeats itself a lot) and rewards of earlier steps come from a
 * bounded cache, since a formula's train-split reward never changes during a run. Upstream
 * evaluated all 8,192 samples one by one, repeats included (§17 H10).
 */
import type { FormulaScorer, RewardStats, Tokens } from "./types.js";

export const formulaKey = (f: Tokens): string => f.join(",");

export interface BatchRewards {
  /** One reward per sampled formula, same order; always finite. */
  readonly rewards: Float64Array;
  readonly unique: number;
  /** Formulas sent to the evaluator. */
  readonly evaluated: number;
  readonly nonFinite: number;
}

/** Insertion-ordered map used as an LRU: a hit is re-inserted at the back. */
export class RewardCache {
  readonly #max: number;
  readonly #map = new Map<string, number>();

  constructor(maxEntries: number) {
    this.#max = Math.max(0, maxEntries);
  }

  get(key: string): number | undefined {
    const v = this.#map.get(key);
    if (v !== undefined) {
      this.#map.delete(key);
      this.#map.set(key, v);
    }
    return v;
  }

  set(key: string, v: number): void {
    if (this.#max === 0) return;
    this.#map.delete(key);
    this.#map.set(key, v);
    while (this.#map.size > this.#max) this.#map.delete(this.#map.keys().next().value!);
  }

  get size(): number {
    return this.#map.size;
  }
}

export async function batchRewards(formulas: readonly Tokens[], scorer: Pick<FormulaScorer, "evaluate">, cache: RewardCache): Promise<BatchRewards> {
  const keys = formulas.map(formulaKey);
  const known = new Map<string, number>();
  const todo: Tokens[] = [];
  const todoKeys: string[] = [];
  for (let i = 0; i < formulas.length; i++) {
    const k = keys[i]!;
    if (known.has(k)) continue;
    const hit = cache.get(k);
    if (hit !== undefined) known.set(k, hit);
    else {
      todo.push(formulas[i]!);
      todoKeys.push(k);
      known.set(k, NaN); // placeholder: marks the key as pending
    }
  }
  const fresh = todo.length > 0 ? await scorer.evaluate(todo) : [];
  if (fresh.length !== todo.length) throw new Error(`evaluator returned ${fresh.length} rewards for ${todo.length} formulas`);
  let nonFinite = 0;
  let floor = Infinity;
  for (let i = 0; i < fresh.length; i++) if (Number.isFinite(fresh[i])) floor = Math.min(floor, fresh[i]!);
  for (const v of known.values()) if (Number.isFinite(v)) floor = Math.min(floor, v);
  // A non-finite reward is a defect upstream of us; score it below everything seen, and count it.
  const substitute = Number.isFinite(floor) ? floor - 1 : -1;
  for (let i = 0; i < fresh.length; i++) {
    let r = fresh[i]!;
    if (!Number.isFinite(r)) {
      nonFinite += 1;
      r = substitute;
    } else cache.set(todoKeys[i]!, r);
    known.set(todoKeys[i]!, r);
  }
  return { rewards: Float64Array.from(keys, (k) => known.get(k)!), unique: new Set(keys).size, evaluated: todo.length, nonFinite };
}

export function rewardStats(r: ArrayLike<number>): RewardStats {
  const n = r.length;
  let mean = 0;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    mean += r[i]!;
    min = Math.min(min, r[i]!);
    max = Math.max(max, r[i]!);
  }
  mean /= Math.max(1, n);
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (r[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(sq / Math.max(1, n - 1)), min, max };
}
