import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { randNormal, seededRng } from "../../core/random.js";
import { vocabulary } from "../vocab.js";
import { initBackend } from "./backend.js";
import { newtonSchulz, qkParamNames } from "./lord.js";
import { Policy } from "./policy.js";
import { stableRankOf, topSingularValue } from "./stable-rank.js";

beforeAll(async () => {
  await initBackend("wasm");
});

function randomMatrix(rows: number, cols: number, seed: number): Float32Array {
  const rng = seededRng(seed);
  return Float32Array.from({ length: rows * cols }, () => randNormal(rng));
}

describe("stable rank", () => {
  it("is exact on matrices with known singular values", () => {
    // diag(3, 2, 1): σ_max 3, ||W||_F² 14 -> 14/9
    const w = new Float32Array([3, 0, 0, 0, 2, 0, 0, 0, 1]);
    expect(topSingularValue(w, 3, 3)).toBeCloseTo(3, 6);
    expect(stableRankOf(w, 3, 3)).toBeCloseTo(14 / 9, 5);
    // rank one: stable rank 1; identity: stable rank n
    expect(stableRankOf(new Float32Array([1, 2, 2, 4, 3, 6]), 3, 2)).toBeCloseTo(1, 5);
    expect(stableRankOf(new Float32Array([1, 0, 0, 0, 1, 0, 0, 0, 1]), 3, 3)).toBeCloseTo(3, 5);
  });

  it("reports real values for every Q and K matrix of the model", () => {
    const p = new Policy({ vocab: vocabulary("basic"), model: { dModel: 16, heads: 2, ffnHidden: 16, layers: 2, loops: 1 }, seed: 1 });
    const r = p.stableRank();
    expect(Object.keys(r.perMatrix).sort()).toEqual(["l0.wk", "l0.wq", "l1.wk", "l1.wq"]);
    for (const v of Object.values(r.perMatrix)) expect(v).toBeGreaterThan(1.5); // random 16x16: well above 1
    expect(r.mean).toBeCloseTo((r.q + r.k) / 2, 10);
    p.dispose();
  });
});

describe("LoRD (Newton-Schulz low-rank decay)", () => {
  it("approximates the polar factor, on wide and tall matrices alike", () => {
    for (const [r, c] of [[6, 6], [4, 9], [9, 4]] as const) {
      const w = tf.tensor2d(randomMatrix(r, c, r * 31 + c), [r, c]);
      const y = newtonSchulz(w, 30);
      // UVᵀ has every singular value 1: Y Yᵀ (small side) is the identity.
      const small = r <= c ? tf.matMul(y, y, false, true) : tf.matMul(y, y, true, false);
      const err = tf.tidy(() => tf.max(tf.abs(tf.sub(small, tf.eye(Math.min(r, c))))).dataSync()[0]!);
      expect(err).toBeLessThan(1e-3);
      tf.dispose([w, y, small]);
    }
  });

  it("touches only the Q and K projections", () => {
    const p = new Policy({ vocab: vocabulary("basic"), model: { dModel: 8, heads: 2, ffnHidden: 8, layers: 1, loops: 1 }, seed: 2, lord: { rate: 0.05 } });
    const before = p.snapshot().params;
    const s = p.sample(8, seededRng(1));
    // Zero learning rate isolates LoRD from the optimiser.
    const q = new Policy({ vocab: vocabulary("basic"), model: { dModel: 8, heads: 2, ffnHidden: 8, layers: 1, loops: 1 }, seed: 2, lord: { rate: 0.05 }, optimizer: { lr: 0 } });
    q.update(s, new Float64Array(8).fill(1));
    const after = q.snapshot().params;
    const changed = Object.keys(after).filter((k) => !after[k]!.every((x, i) => x === before[k]![i]));
    expect(changed.sort()).toEqual(qkParamNames(q.config).sort());
    p.dispose();
    q.dispose();
  });

  it("lowers the stable rank of Q and K relative to no regulariser on a fixed toy problem", () => {
    const vocab = vocabulary("basic");
    const model = { dModel: 16, heads: 2, ffnHidden: 16, layers: 1, loops: 2, maxLen: 8 };
    const run = (rate: number): number => {
      const p = new Policy({ vocab, model, seed: 3, lord: { rate, iterations: 5 }, optimizer: { lr: 3e-3 } });
      try {
        for (let step = 0; step < 25; step++) {
          const s = p.sample(32, seededRng(100 + step));
          // toy reward: formulas that use RET (token 0)
          p.update(s, s.formulas.map((f) => (f.includes(0) ? 1 : 0)));
        }
        return p.stableRank().mean;
      } finally {
        p.dispose();
      }
    };
    const plain = run(0);
    const lord = run(0.02);
    expect(lord).toBeLessThan(plain * 0.9);
  });
});
