/**
 * Incremental decoding with a KV cache: each step runs the model on one new position per row and
 * attends over the keys and values cached for earlier positions (upstream re-runs the whole prefix
 * 12 times, §17 H10). Runs outside any gradient scope, so tfjs records no tape.
 *
 * Every block application (layer x loop) sees different inputs, so each keeps its own cache.
 * Caches are laid out [B·H, t, hd]: the new position is appended without any transpose.
 */
import * as tf from "@tensorflow/tfjs";
import { blockWeights, derivedTensors, headWeights, outputHeads, qkNorm, rmsNormalise, swiglu, type BlockWeights, type HeadWeights } from "./blocks.js";
import { tokenLayout, type ModelConfig, type VocabSpec } from "./config.js";
import { embed } from "./forward.js";
import { dense } from "./ops.js";
import type { PolicyParams } from "./params.js";

export class KvDecoder {
  readonly #p: PolicyParams;
  readonly #cfg: ModelConfig;
  readonly #batch: number;
  readonly #inputSize: number;
  readonly #outputSize: number;
  readonly #blocks: BlockWeights[];
  readonly #heads: HeadWeights;
  #keys: tf.Tensor3D[] = [];
  #values: tf.Tensor3D[] = [];
  #pos = 0;

  constructor(p: PolicyParams, cfg: ModelConfig, vocab: VocabSpec, batch: number) {
    this.#p = p;
    this.#cfg = cfg;
    this.#batch = batch;
    const layout = tokenLayout(vocab);
    this.#inputSize = layout.inputSize;
    this.#outputSize = layout.outputSize;
    // Folded weights are fixed while sampling: build them once, keep them out of every tidy.
    type Built = { blocks: BlockWeights[]; heads: HeadWeights };
    const built = tf.tidy(() => {
      const blocks = Array.from({ length: cfg.layers }, (_, l) => blockWeights(p, l, cfg));
      return { blocks, heads: headWeights(p) } as unknown as tf.TensorContainer;
    }) as unknown as Built;
    this.#blocks = built.blocks;
    this.#heads = built.heads;
  }

  /** Feed one input id per row at the next position; returns logits [B, outputSize]. */
  step(ids: Int32Array): Float32Array {
    if (this.#pos >= this.#cfg.maxLen) throw new Error("KV decoder is past maxLen");
    const oldK = this.#keys;
    const oldV = this.#values;
    const out = tf.tidy(() => {
      const cfg = this.#cfg;
      const B = this.#batch;
      const idT = tf.tensor2d(ids, [B, 1], "int32");
      let x = embed(this.#p, cfg, idT, this.#inputSize, this.#pos);
      const keys: tf.Tensor3D[] = [];
      const values: tf.Tensor3D[] = [];
      for (let l = 0; l < cfg.layers; l++) {
        const w = this.#blocks[l]!;
        for (let r = 0; r < cfg.loops; r++) {
          const c = l * cfg.loops + r;
          const [att, k, v] = this.#attend(rmsNormalise(x, cfg.normEps), w, oldK[c], oldV[c]);
          keys.push(k);
          values.push(v);
          x = tf.add(x, dense(att, w.wo, w.bo));
          x = tf.add(x, swiglu(rmsNormalise(x, cfg.normEps), w));
        }
      }
      const { logits } = outputHeads(x, this.#heads, cfg, this.#outputSize);
      return { logits, keys, values };
    });
    for (const t of oldK) t.dispose();
    for (const t of oldV) t.dispose();
    this.#keys = out.keys;
    this.#values = out.values;
    this.#pos += 1;
    const data = out.logits.dataSync() as Float32Array;
    out.logits.dispose();
    return data;
  }

  #attend(h: tf.Tensor2D, w: BlockWeights, kPrev: tf.Tensor3D | undefined, vPrev: tf.Tensor3D | undefined): [tf.Tensor2D, tf.Tensor3D, tf.Tensor3D] {
    const B = this.#batch;
    const H = this.#cfg.heads;
    const hd = this.#cfg.dModel / H;
    const eps = this.#cfg.normEps;
    const asRows = (t: tf.Tensor): tf.Tensor3D => t.reshape([B * H, 1, hd]);
    const q = qkNorm(dense(h, w.wq, w.bq).reshape([B * H, hd]), eps, w.qGain);
    const kNew = qkNorm(dense(h, w.wk, w.bk).reshape([B * H, hd]), eps);
    const vNew = dense(h, w.wv, w.bv);
    const k = kPrev === undefined ? asRows(kNew) : tf.concat([kPrev, asRows(kNew)], 1);
    const v = vPrev === undefined ? asRows(vNew) : tf.concat([vPrev, asRows(vNew)], 1);
    const probs = tf.softmax(tf.matMul(asRows(q), k, false, true));
    const att = tf.matMul(probs, v).reshape([B, this.#cfg.dModel]) as tf.Tensor2D;
    return [att, k, v];
  }

  get position(): number {
    return this.#pos;
  }

  dispose(): void {
    for (const t of [...this.#keys, ...this.#values]) t.dispose();
    this.#keys = [];
    this.#values = [];
    for (const w of [...this.#blocks, this.#heads]) for (const t of derivedTensors(w)) t.dispose();
  }
}
