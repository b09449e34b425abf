/**
 * The teacher-forced pass: all positions of a batch of prefixes at once, under a causal mask.
 * Used for the policy update (inside the gradient tape) and to check the KV-cached sampler.
 *
 * Input ids are [B, L] with BOS first; row b·L + t of the output is the distribution of the
 * action after position t, so the logits at t score the (t+1)-th token of the formula.
 */
import * as tf from "@tensorflow/tfjs";
import { blockWeights, headWeights, outputHeads, qkNorm, rmsNormalise, swiglu, type BlockWeights, type HeadOutputs } from "./blocks.js";
import { tokenLayout, type ModelConfig, type VocabSpec } from "./config.js";
import { addRow, dense } from "./ops.js";
import type { PolicyParams } from "./params.js";

/**
 * Token plus position embeddings for ids [B, L] starting at position `from`, as [B·L, d]. The
 * token lookup is a one-hot matmul: its gradient is a matmul (wasm has no scatter-add kernel).
 */
export function embed(p: PolicyParams, cfg: ModelConfig, ids: tf.Tensor2D, inputSize: number, from = 0): tf.Tensor2D {
  const [batch, len] = ids.shape;
  const oneHot = tf.oneHot(ids.reshape([batch * len]), inputSize).asType("float32") as tf.Tensor2D;
  const tok = dense(oneHot, p.get("tok_emb") as tf.Tensor2D).reshape([batch, len * cfg.dModel]) as tf.Tensor2D;
  const pos = p.get("pos_emb").slice([from, 0], [len, cfg.dModel]).reshape([len * cfg.dModel]) as tf.Tensor1D;
  return addRow(tok, pos).reshape([batch * len, cfg.dModel]);
}

/** -1e9 above the diagonal: masked scores underflow to exactly 0 after softmax. */
function causalBias(len: number): tf.Tensor2D {
  const bias = new Float32Array(len * len);
  for (let i = 0; i < len; i++) for (let j = i + 1; j < len; j++) bias[i * len + j] = -1e9;
  return tf.tensor2d(bias, [len, len]);
}

function attentionFull(h: tf.Tensor2D, w: BlockWeights, cfg: ModelConfig, batch: number, len: number, mask: tf.Tensor2D): tf.Tensor2D {
  const H = cfg.heads;
  const hd = cfg.dModel / H;
  // [B·L, d] -> [B·H, L, hd]: heads become batch entries of the attention matmuls.
  const heads = (t: tf.Tensor): tf.Tensor3D => tf.transpose(t.reshape([batch, len, H, hd]), [0, 2, 1, 3]).reshape([batch * H, len, hd]);
  const q = heads(qkNorm(dense(h, w.wq, w.bq).reshape([batch * len * H, hd]), cfg.normEps, w.qGain));
  const k = heads(qkNorm(dense(h, w.wk, w.bk).reshape([batch * len * H, hd]), cfg.normEps));
  const v = heads(dense(h, w.wv, w.bv));
  const scores = tf.add(tf.matMul(q, k, false, true), mask);
  const out = tf.matMul(tf.softmax(scores), v).reshape([batch, H, len, hd]);
  return tf.transpose(out, [0, 2, 1, 3]).reshape([batch * len, cfg.dModel]);
}

/** Logits and values for every position of `ids` ([B, L] int32, BOS first). */
export function forwardFull(p: PolicyParams, cfg: ModelConfig, vocab: VocabSpec, ids: tf.Tensor2D): HeadOutputs {
  const [batch, len] = ids.shape;
  if (len > cfg.maxLen) throw new Error(`sequence of ${len} positions exceeds maxLen ${cfg.maxLen}`);
  const { inputSize, outputSize } = tokenLayout(vocab);
  let x = embed(p, cfg, ids, inputSize);
  const mask = causalBias(len);
  for (let l = 0; l < cfg.layers; l++) {
    const w = blockWeights(p, l, cfg);
    for (let r = 0; r < cfg.loops; r++) {
      x = tf.add(x, dense(attentionFull(rmsNormalise(x, cfg.normEps), w, cfg, batch, len, mask), w.wo, w.bo));
      x = tf.add(x, swiglu(rmsNormalise(x, cfg.normEps), w));
    }
  }
  return outputHeads(x, headWeights(p), cfg, outputSize);
}
