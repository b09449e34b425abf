/**
 * One token's signal, bar by bar: the formula's value at each new bar equals the interpreter's
 * on the token's panel row (regular grid, from the stream's first bar) at that bar, bit for bit.
 * Each bar first advances the stream over the gap slots since the previous one (flat cells, as
 * the panel carries them), so a bar costs O(formula nodes + features read) per slot it spans,
 * never O(history).
 */
import { featuresUsed, type Expr } from "../formula.js";
import type { BarInput, LiquidityFallback } from "../panel.js";
import type { AlphaParams } from "../params.js";
import { FEATURES } from "../vocab.js";
import { FeatureStream } from "./feature-stream.js";
import { FormulaStream } from "./formula-stream.js";
import { RowStream, type Cell } from "./row-stream.js";

export interface SignalSpec {
  /** Canonical tree of the formula. */
  readonly root: Expr;
  readonly params: AlphaParams;
  readonly intervalS: number;
  readonly liquidityFallback: LiquidityFallback;
  readonly fdvFallbackUsd: number;
}

/** Index of LIQ_SCORE, the one feature that reads liquidity and FDV. */
const LIQ_SCORE = FEATURES.findIndex((f) => f.name === "LIQ_SCORE");

export class SignalStream {
  readonly #intervalS: number;
  readonly #row: RowStream;
  readonly #features: FeatureStream;
  readonly #formula: FormulaStream;
  #slot = Number.NEGATIVE_INFINITY;
  #value = Number.NaN;

  constructor(spec: SignalSpec) {
    const used = featuresUsed(spec.root);
    this.#intervalS = spec.intervalS;
    this.#row = new RowStream({
      intervalS: spec.intervalS,
      liquidityFallback: spec.liquidityFallback,
      fdvFallbackUsd: spec.fdvFallbackUsd,
      liquidity: used.includes(LIQ_SCORE),
    });
    this.#features = new FeatureStream(spec.params.featureSet, spec.params.normWindow, used);
    this.#formula = new FormulaStream(spec.root, spec.params.jumpWindow);
  }

  /** Slot of the latest bar (unix seconds), -Infinity before the first. */
  get slot(): number {
    return this.#slot;
  }

  /** The formula's value at the latest bar (NaN before the first; may be non-finite). */
  get value(): number {
    return this.#value;
  }

  /** Advance to a bar after the latest one (valid prices); returns the formula's value there. */
  push(bar: BarInput): number {
    const slot = Math.floor(bar.ts / this.#intervalS) * this.#intervalS;
    if (!(slot > this.#slot)) throw new RangeError(`bar at ${slot} is not after the stream's latest slot ${this.#slot}`);
    if (this.#slot !== Number.NEGATIVE_INFINITY) {
      const gaps = Math.round((slot - this.#slot) / this.#intervalS) - 1;
      for (let k = 0; k < gaps; k++) this.#step(this.#row.gap());
    }
    this.#slot = slot;
    return (this.#value = this.#step(this.#row.bar(bar)));
  }

  #step(cell: Cell): number {
    this.#features.step(cell);
    return this.#formula.step(this.#features.values);
  }
}
