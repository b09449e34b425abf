import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { vocabulary } from "../vocab.js";
import { initBackend } from "./backend.js";
import { defaultModelConfig, tokenLayout, type ModelConfig } from "./config.js";
import { forwardFull } from "./forward.js";
import { KvDecoder } from "./kvcache.js";
import { createParams, paramCount, paramSpecs, type PolicyParams } from "./params.js";

const vocab = vocabulary("basic");
const tiny: ModelConfig = { ...defaultModelConfig, dModel: 16, heads: 2, ffnHidden: 24, layers: 2, loops: 2, maxLen: 6, routerHidden: 8 };

beforeAll(async () => {
  await initBackend("wasm");
});

/** Parameters with output heads scaled up: initial logits are ~0.01, too small to compare. */
function loudParams(cfg: ModelConfig, seed: number): PolicyParams {
  const p = createParams(cfg, vocab, seed);
  tf.tidy(() => p.get("heads_w").assign(tf.mul(p.get("heads_w"), 100)));
  return p;
}

function fullLogits(cfg: ModelConfig, seed: number, ids: number[][]): Float32Array {
  const p = loudParams(cfg, seed);
  try {
    return tf.tidy(() => forwardFull(p, cfg, vocab, tf.tensor2d(ids, undefined, "int32")).logits.dataSync() as Float32Array);
  } finally {
    p.dispose();
  }
}

describe("policy model", () => {
  it("has upstream's size at upstream's settings, plus a BOS row and the QK-norm gains", () => {
    // Upstream: 91,165 parameters (§8). Ours differs by the BOS embedding row, QK-norm gains
    // (actually used here), the missing MTP task_weights and the zero positional row count.
    const n = paramCount(paramSpecs(defaultModelConfig, vocab));
    expect(n).toBeGreaterThan(90_000);
    expect(n).toBeLessThan(92_000);
    const layout = tokenLayout(vocab);
    expect(layout.bos).toBe(vocab.size); // its own id, never a feature's
    expect(layout.inputSize).toBe(vocab.size + 1);
  });

  it("KV-cached decoding gives the teacher-forced logits at every position", () => {
    const ids = [
      [vocab.size, 0, 3, 6, 1, 10],
      [vocab.size, 5, 5, 8, 11, 2],
    ];
    const full = fullLogits(tiny, 7, ids);
    const p = loudParams(tiny, 7);
    const V = tokenLayout(vocab).outputSize;
    const dec = new KvDecoder(p, tiny, vocab, 2);
    try {
      for (let t = 0; t < ids[0]!.length; t++) {
        const step = dec.step(Int32Array.from(ids.map((r) => r[t]!)));
        for (let b = 0; b < 2; b++) {
          for (let a = 0; a < V; a++) {
            expect(step[b * V + a]).toBeCloseTo(full[(b * ids[0]!.length + t) * V + a]!, 4);
          }
        }
      }
    } finally {
      dec.dispose();
      p.dispose();
    }
    expect(tf.memory().numTensors).toBeLessThan(200);
  });

  it("is causal: changing a later token leaves earlier positions' logits unchanged", () => {
    const a = fullLogits(tiny, 3, [[vocab.size, 0, 1, 6]]);
    const b = fullLogits(tiny, 3, [[vocab.size, 0, 2, 7]]);
    const V = tokenLayout(vocab).outputSize;
    for (let i = 0; i < 2 * V; i++) expect(a[i]).toBeCloseTo(b[i]!, 5);
    expect(Array.from(a.slice(2 * V)).some((x, i) => Math.abs(x - b[2 * V + i]!) > 1e-5)).toBe(true);
  });

  it("applies QK-norm: scaling the Q and K projections leaves the output unchanged", () => {
    const ids = [[vocab.size, 0, 3, 6, 1]];
    const p = loudParams(tiny, 11);
    try {
      const before = tf.tidy(() => forwardFull(p, tiny, vocab, tf.tensor2d(ids, undefined, "int32")).logits.dataSync() as Float32Array);
      tf.tidy(() => {
        for (let l = 0; l < tiny.layers; l++) {
          for (const n of ["wq", "wk", "bqkv"]) p.get(`l${l}.${n}`).assign(tf.mul(p.get(`l${l}.${n}`), 5.5));
        }
      });
      const after = tf.tidy(() => forwardFull(p, tiny, vocab, tf.tensor2d(ids, undefined, "int32")).logits.dataSync() as Float32Array);
      // bqkv also scales V's bias, so compare with V's bias at zero (it is, at initialisation).
      for (let i = 0; i < before.length; i++) expect(after[i]).toBeCloseTo(before[i]!, 4);
    } finally {
      p.dispose();
    }
  });

  it("initialises identically for the same seed and differently for another", () => {
    const ids = [[vocab.size, 1, 2]];
    expect(fullLogits(tiny, 5, ids)).toEqual(fullLogits(tiny, 5, ids));
    expect(fullLogits(tiny, 5, ids)).not.toEqual(fullLogits(tiny, 6, ids));
  });

  it("picks wasm when no native tfjs package is installed, and says why", async () => {
    const auto = await initBackend("auto");
    expect(auto.name).toBe("wasm");
    expect(auto.detail).toMatch(/wasm/);
    await expect(initBackend("tensorflow")).rejects.toThrow(/tfjs-node/);
    expect(tf.getBackend()).toBe("wasm");
  });
});
