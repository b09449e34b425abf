/** Small distributions over the seeded Rng, beyond those in `core/random.ts`. */
import type { Rng } from "../../core/random.js";
import { randNormal } from "../../core/random.js";

export function uniform(rng: Rng, lo: number, hi: number): number {
  return lo + (hi - lo) * rng.next();
}

/** Poisson count: Knuth's product method for small means, a rounded normal for large ones. */
export function poisson(rng: Rng, mean: number): number {
  if (mean <= 0) return 0;
  if (mean > 30) return Math.max(0, Math.round(mean + Math.sqrt(mean) * randNormal(rng)));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = rng.next();
  while (p > limit) {
    k++;
    p *= rng.next();
  }
  return k;
}

/** Number of failures before the first success, success probability `p` per trial. */
export function geometric(rng: Rng, p: number): number {
  if (p >= 1) return 0;
  return Math.floor(Math.log(1 - rng.next()) / Math.log(1 - p));
}

/** Probability of at least one event in `minutes` at `perMinute` hazard. */
export function perStep(perMinute: number, minutes: number): number {
  return 1 - Math.pow(1 - Math.min(perMinute, 1), minutes);
}
