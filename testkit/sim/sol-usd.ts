/** The SOL/USD price: constant, or a slow driftless geometric random walk stepped once per bar. */
import type { Rng } from "../../core/random.js";
import { randNormal } from "../../core/random.js";

export class SolUsdPath {
  #price: number;
  readonly #sigma: number;
  readonly #rng: Rng;

  constructor(rng: Rng, start: number, dailyVol: number, stepS: number) {
    this.#rng = rng;
    this.#price = start;
    this.#sigma = dailyVol * Math.sqrt(stepS / 86_400);
  }

  get price(): number {
    return this.#price;
  }

  /** Move one step; a no-op when the volatility is 0. */
  step(): number {
    if (this.#sigma > 0) {
      this.#price *= Math.exp(this.#sigma * randNormal(this.#rng) - 0.5 * this.#sigma * this.#sigma);
    }
    return this.#price;
  }
}
