/**
 * LoRD: Newton-Schulz low-rank decay (reference §9.1), applied after each optimiser step to the
 * Q and K projections only (upstream also decayed V and the output projection, §17 H9).
 *
 * For W (made wide, r <= c): X = W / ||W||_F, then k cubic Newton-Schulz steps
 * Y <- 0.5 (3I - Y Yᵀ) Y, which push every singular direction toward the polar factor UVᵀ;
 * finally W <- W - rate · Y: a nuclear-norm-like shrink that removes the same small amount
 * from every singular value, so weak directions fade first and the stable rank drops.
 * The Gram matrix Y Yᵀ and the identity live on the small side (r x r); upstream built the
 * identity on the large side (its "transpose for efficiency" was inverted).
 */
import * as tf from "@tensorflow/tfjs";
import type { ModelConfig } from "./config.js";
import type { PolicyParams } from "./params.js";

export interface LordOptions {
  /** Shrink per step; 0 disables. Upstream: 1e-3. */
  readonly rate: number;
  /** Newton-Schulz iterations. Upstream: 5. */
  readonly iterations: number;
}

export const defaultLordOptions: LordOptions = { rate: 1e-3, iterations: 5 };

/** The matrices LoRD and the stable-rank monitor look at: every layer's Q and K projection. */
export function qkParamNames(cfg: ModelConfig): string[] {
  return Array.from({ length: cfg.layers }, (_, l) => [`l${l}.wq`, `l${l}.wk`]).flat();
}

/** The Newton-Schulz direction for one matrix (exported for tests). */
export function newtonSchulz(w: tf.Tensor2D, iterations: number): tf.Tensor2D {
  return tf.tidy(() => {
    const [r, c] = w.shape;
    const wide = r > c ? tf.transpose(w) : w;
    const small = Math.min(r, c);
    let y = tf.div(wide, tf.add(tf.norm(wide), 1e-8)) as tf.Tensor2D;
    const threeI = tf.mul(tf.eye(small), 3);
    for (let i = 0; i < iterations; i++) {
      y = tf.mul(tf.matMul(tf.sub(threeI, tf.matMul(y, y, false, true)), y), 0.5) as tf.Tensor2D;
    }
    return r > c ? (tf.transpose(y) as tf.Tensor2D) : y;
  });
}

/** One decay step on the Q and K matrices, in place. */
export function applyLord(p: PolicyParams, cfg: ModelConfig, opts: LordOptions): void {
  if (opts.rate <= 0) return;
  for (const name of qkParamNames(cfg)) {
    const w = p.get(name);
    tf.tidy(() => {
      w.assign(tf.sub(w, tf.mul(newtonSchulz(w as tf.Tensor2D, opts.iterations), opts.rate)));
    });
  }
}
