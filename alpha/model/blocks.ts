/**
 * Building blocks shared by the teacher-forced pass and the KV-cached sampler. Written as a lean
 * graph for tfjs-wasm, where each elementwise op over the batch costs milliseconds:
 * - RMSNorm gains are folded into the next matrix (diag(w)·W is a d x n op, not a B·L x d one);
 * - projections are split on the (small) weights, never on activations: slicing a [B·L, n]
 *   activation in wasm costs more than a second matmul;
 * - matmuls go through `dense`, whose gradients stay on the fast XNNPACK path (ops.ts);
 * - QK-norm's learnable gain (with 1/sqrt(hd) folded in) scales q only: equivalent to gains on
 *   both q and k, one op cheaper.
 */
import * as tf from "@tensorflow/tfjs";
import type { ModelConfig } from "./config.js";
import { dense, mulRow } from "./ops.js";
import type { PolicyParams } from "./params.js";

/** Per-block weights after folding; computed inside the tape for updates, once for sampling. */
export interface BlockWeights {
  readonly wq: tf.Tensor2D;
  readonly wk: tf.Tensor2D;
  readonly wv: tf.Tensor2D;
  readonly bq: tf.Tensor1D;
  readonly bk: tf.Tensor1D;
  readonly bv: tf.Tensor1D;
  /** QK-norm gain times 1/sqrt(head dim), shape [hd]. */
  readonly qGain: tf.Tensor1D;
  readonly wo: tf.Tensor2D;
  readonly bo: tf.Tensor1D;
  /** SwiGLU value and gate halves of W1 (split on the small weight, never on activations). */
  readonly wa: tf.Tensor2D;
  readonly wg: tf.Tensor2D;
  readonly ba: tf.Tensor1D;
  readonly bg: tf.Tensor1D;
  readonly w2: tf.Tensor2D;
  readonly b2: tf.Tensor1D;
}

export interface HeadWeights {
  readonly router1: tf.Tensor2D;
  readonly routerB1: tf.Tensor1D;
  readonly router2: tf.Tensor2D;
  readonly routerB2: tf.Tensor1D;
  readonly heads: tf.Tensor2D;
  readonly headsB: tf.Tensor1D;
  readonly value: tf.Tensor2D;
  readonly valueB: tf.Tensor1D;
}

/** diag(gain) · W: an RMSNorm gain applied to the next matmul's weights instead of the activations. */
function fold(gain: tf.Tensor, w: tf.Tensor): tf.Tensor2D {
  return tf.mul(gain.reshape([-1, 1]), w) as tf.Tensor2D;
}

export function blockWeights(p: PolicyParams, layer: number, cfg: ModelConfig): BlockWeights {
  const n = (s: string): tf.Variable => p.get(`l${layer}.${s}`);
  const d = cfg.dModel;
  const f = cfg.ffnHidden;
  const hd = d / cfg.heads;
  const [bq, bk, bv] = tf.split(n("bqkv"), 3) as [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
  const w1 = fold(n("norm2"), n("w1"));
  const [ba, bg] = tf.split(n("b1"), 2) as [tf.Tensor1D, tf.Tensor1D];
  return {
    wq: fold(n("norm1"), n("wq")),
    wk: fold(n("norm1"), n("wk")),
    wv: fold(n("norm1"), n("wv")),
    bq,
    bk,
    bv,
    qGain: tf.mul(n("qk_gain"), 1 / Math.sqrt(hd)) as tf.Tensor1D,
    wo: n("wo") as tf.Tensor2D,
    bo: n("bo") as tf.Tensor1D,
    wa: w1.slice([0, 0], [d, f]),
    wg: w1.slice([0, f], [d, f]),
    ba,
    bg,
    w2: n("w2") as tf.Tensor2D,
    b2: n("b2") as tf.Tensor1D,
  };
}

export function headWeights(p: PolicyParams): HeadWeights {
  const g = p.get("norm_f");
  return {
    router1: fold(g, p.get("router_w1")),
    routerB1: p.get("router_b1") as tf.Tensor1D,
    router2: p.get("router_w2") as tf.Tensor2D,
    routerB2: p.get("router_b2") as tf.Tensor1D,
    heads: fold(g, p.get("heads_w")),
    headsB: p.get("heads_b") as tf.Tensor1D,
    value: fold(g, p.get("value_w")),
    valueB: p.get("value_b") as tf.Tensor1D,
  };
}

/** Tensors `blockWeights`/`headWeights` computed (not the variables themselves): to dispose. */
export function derivedTensors(w: BlockWeights | HeadWeights): tf.Tensor[] {
  return "wq" in w
    ? [w.wq, w.wk, w.wv, w.bq, w.bk, w.bv, w.qGain, w.wa, w.wg, w.ba, w.bg]
    : [w.router1, w.heads, w.value];
}

/** x / rms(x) over the last axis, without gain (folded elsewhere). */
export function rmsNormalise<T extends tf.Tensor>(x: T, eps: number): T {
  const ms = tf.mean(tf.square(x), -1, true);
  return tf.mul(x, tf.rsqrt(tf.add(ms, eps))) as T;
}

/** SwiGLU feed-forward on normalised rows: (a · silu(g)) W2, with a = h Wa, g = h Wg. */
export function swiglu(h: tf.Tensor2D, w: BlockWeights): tf.Tensor2D {
  const a = dense(h, w.wa, w.ba);
  const g = dense(h, w.wg, w.bg);
  return dense(tf.mul(a, tf.mul(g, tf.sigmoid(g))) as tf.Tensor2D, w.w2, w.b2);
}

/**
 * QK-norm for q or k laid out [..., hd]: every head vector is RMS-normalised (upstream built
 * this and never called it, §8.6); q additionally gets the learnable gain.
 */
export function qkNorm(x: tf.Tensor, eps: number, gain?: tf.Tensor1D): tf.Tensor {
  const n = rmsNormalise(x, eps);
  if (gain === undefined) return n;
  const hd = gain.shape[0];
  return mulRow(n.reshape([-1, hd]), gain).reshape(x.shape);
}

export interface HeadOutputs {
  /** Mixture logits, [rows, outputSize]. */
  readonly logits: tf.Tensor2D;
  /** Value estimate per row, [rows]. */
  readonly value: tf.Tensor1D;
}

/** Final norm, the router-weighted mixture of output heads, and the value head. */
export function outputHeads(x: tf.Tensor2D, hw: HeadWeights, cfg: ModelConfig, outputSize: number): HeadOutputs {
  const rows = x.shape[0];
  const h = rmsNormalise(x, cfg.normEps);
  const route = tf.softmax(dense(tf.relu(dense(h, hw.router1, hw.routerB1)), hw.router2, hw.routerB2));
  const all = dense(h, hw.heads, hw.headsB).reshape([rows, cfg.outHeads, outputSize]);
  const logits = tf.sum(tf.mul(all, route.reshape([rows, cfg.outHeads, 1])), 1) as tf.Tensor2D;
  const value = dense(h, hw.value, hw.valueB).reshape([rows]) as tf.Tensor1D;
  return { logits, value };
}
