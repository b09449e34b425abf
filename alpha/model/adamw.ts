/**
 * AdamW with decoupled weight decay (Loshchilov & Hutter; PyTorch's update order) and gradient
 * clipping by global norm. tfjs ships Adam without decoupled decay, and its state is awkward to
 * checkpoint exactly; this one keeps m, v and the step count as plain state that round-trips.
 */
import * as tf from "@tensorflow/tfjs";
import type { PolicyParams } from "./params.js";

export interface AdamWOptions {
  readonly lr: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly eps: number;
  /** Decoupled decay, applied only to parameters whose spec says `decay`. */
  readonly weightDecay: number;
  /** Clip the global gradient norm to this; 0 or Infinity disables. */
  readonly clipNorm: number;
}

export const defaultAdamWOptions: AdamWOptions = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, clipNorm: 1 };

export interface AdamWState {
  readonly step: number;
  /** First and second moments per parameter name, in spec order. */
  readonly m: Readonly<Record<string, Float32Array>>;
  readonly v: Readonly<Record<string, Float32Array>>;
}

export interface StepStats {
  /** Global gradient norm before clipping. */
  readonly gradNorm: number;
  readonly clipped: boolean;
}

export class AdamW {
  readonly #params: PolicyParams;
  readonly #opts: AdamWOptions;
  readonly #m = new Map<string, tf.Variable>();
  readonly #v = new Map<string, tf.Variable>();
  #step = 0;

  constructor(params: PolicyParams, opts: AdamWOptions = defaultAdamWOptions) {
    this.#params = params;
    this.#opts = opts;
    for (const s of params.specs) {
      const zeros = tf.zeros([...s.shape]);
      this.#m.set(s.name, tf.variable(zeros, false));
      this.#v.set(s.name, tf.variable(zeros, false));
      zeros.dispose();
    }
  }

  get step(): number {
    return this.#step;
  }

  /** Apply one update from gradients keyed by parameter name (tfjs variable names are mapped). */
  apply(grads: ReadonlyMap<string, tf.Tensor>): StepStats {
    const o = this.#opts;
    const normT = tf.tidy(() => tf.sqrt(tf.addN([...grads.values()].map((g) => tf.sum(tf.square(g))))));
    const gradNorm = (normT.dataSync() as Float32Array)[0]!;
    normT.dispose();
    if (!Number.isFinite(gradNorm)) throw new Error(`non-finite gradient norm ${gradNorm}`);
    const clipped = o.clipNorm > 0 && Number.isFinite(o.clipNorm) && gradNorm > o.clipNorm;
    const scale = clipped ? o.clipNorm / (gradNorm + 1e-6) : 1;
    this.#step += 1;
    const t = this.#step;
    const c1 = 1 - o.beta1 ** t;
    const c2 = 1 - o.beta2 ** t;
    tf.tidy(() => {
      for (const spec of this.#params.specs) {
        const g0 = grads.get(spec.name);
        if (g0 === undefined) continue;
        const w = this.#params.get(spec.name);
        const m = this.#m.get(spec.name)!;
        const v = this.#v.get(spec.name)!;
        const g = scale === 1 ? g0 : tf.mul(g0, scale);
        m.assign(tf.add(tf.mul(m, o.beta1), tf.mul(g, 1 - o.beta1)));
        v.assign(tf.add(tf.mul(v, o.beta2), tf.mul(tf.square(g), 1 - o.beta2)));
        const update = tf.div(tf.div(m, c1), tf.add(tf.sqrt(tf.div(v, c2)), o.eps));
        const decayed = spec.decay && o.weightDecay > 0 ? tf.mul(w, 1 - o.lr * o.weightDecay) : w;
        w.assign(tf.sub(decayed, tf.mul(update, o.lr)));
      }
    });
    return { gradNorm, clipped };
  }

  state(): AdamWState {
    const read = (vars: Map<string, tf.Variable>): Record<string, Float32Array> =>
      Object.fromEntries([...vars].map(([k, x]) => [k, Float32Array.from(x.dataSync() as Float32Array)]));
    return { step: this.#step, m: read(this.#m), v: read(this.#v) };
  }

  load(state: AdamWState): void {
    for (const [which, vars] of [["m", this.#m], ["v", this.#v]] as const) {
      for (const [name, x] of vars) {
        const data = state[which][name];
        if (data === undefined || data.length !== x.size) throw new Error(`optimiser state for ${name} (${which}) is missing or has the wrong size`);
        tf.tidy(() => x.assign(tf.tensor(data, x.shape)));
      }
    }
    this.#step = state.step;
  }

  dispose(): void {
    for (const x of [...this.#m.values(), ...this.#v.values()]) x.dispose();
  }
}
