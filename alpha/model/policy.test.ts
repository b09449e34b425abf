import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { seededRng } from "../../core/random.js";
import { vocabulary } from "../vocab.js";
import { initBackend } from "./backend.js";
import { Policy } from "./policy.js";
import { policyAdvantages, rewardQuantile } from "./reinforce.js";

const vocab = vocabulary("basic");
const DEV = vocab.ids.get("DEV")!;
const model = { dModel: 24, heads: 2, ffnHidden: 32, layers: 1, loops: 2, maxLen: 8, routerHidden: 8 };

beforeAll(async () => {
  await initBackend("wasm");
});

/** Share of feature slots filled by DEV: the toy reward, maximal for formulas built from DEV only. */
function devShare(f: readonly number[]): number {
  const feats = f.filter((id) => vocab.arity[id] === 0);
  return feats.filter((id) => id === DEV).length / feats.length;
}

const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

describe("REINFORCE on a toy reward", () => {
  it("learns to build formulas from the rewarded feature within a small budget", () => {
    const p = new Policy({ vocab, model, seed: 5, optimizer: { lr: 5e-3 } });
    try {
      const before = mean(p.sample(256, seededRng(1)).formulas.map(devShare));
      for (let step = 0; step < 25; step++) {
        const s = p.sample(64, seededRng(1000 + step));
        const stats = p.update(s, s.formulas.map(devShare));
        expect(Number.isFinite(stats.loss)).toBe(true);
      }
      const after = mean(p.sample(256, seededRng(2)).formulas.map(devShare));
      expect(before).toBeLessThan(0.3);
      expect(after).toBeGreaterThan(0.8);
    } finally {
      p.dispose();
    }
  });

  it("reports finite statistics and lowers entropy as it commits", () => {
    const p = new Policy({ vocab, model, seed: 6, optimizer: { lr: 5e-3 } });
    try {
      const first = p.update(p.sample(64, seededRng(1)), new Float64Array(64).fill(0));
      expect(first.policyLoss).toBeCloseTo(0, 10); // equal rewards: zero advantage
      expect(first.entropy).toBeGreaterThan(0.5);
      let last = first;
      for (let step = 0; step < 30; step++) {
        const s = p.sample(64, seededRng(50 + step));
        last = p.update(s, s.formulas.map(devShare));
      }
      expect(last.entropy).toBeLessThan(first.entropy);
      expect(p.step).toBe(31);
      // no tensor leaks per step: sampling, the update, LoRD and the stable-rank probe
      const held = tf.memory().numTensors;
      for (let step = 0; step < 3; step++) {
        const s = p.sample(16, seededRng(7 + step));
        p.update(s, s.formulas.map(devShare));
        p.stableRank();
      }
      expect(tf.memory().numTensors).toBe(held);
    } finally {
      p.dispose();
    }
  });
});

describe("risk-seeking policy gradient", () => {
  it("weights only the rows above the (1 - epsilon) quantile, by their excess over it", () => {
    const r = [5, 1, 9, 3, 7, 2, 10, 4, 8, 6];
    expect(rewardQuantile(r, 0.8)).toBe(8);
    const { advantages, kept } = policyAdvantages(r, 0.2);
    expect(kept).toBe(2); // 9 and 10
    const nonZero = [...advantages.keys()].filter((i) => advantages[i] !== 0);
    expect(nonZero).toEqual([2, 6]);
    expect(advantages[6]! / advantages[2]!).toBeCloseTo(2, 5); // (10 - 8) / (9 - 8)
    expect(policyAdvantages(new Array(10).fill(3), 0.2).kept).toBe(0);
    // epsilon 0 is plain REINFORCE: normalised rewards, every row kept
    expect(policyAdvantages(r, 0).kept).toBe(10);
  });

  it("learns the toy reward too", () => {
    const p = new Policy({ vocab, model, seed: 5, optimizer: { lr: 5e-3 }, reinforce: { riskSeeking: 0.25 } });
    try {
      for (let step = 0; step < 25; step++) {
        const s = p.sample(64, seededRng(1000 + step));
        expect(Number.isFinite(p.update(s, s.formulas.map(devShare)).loss)).toBe(true);
      }
      expect(mean(p.sample(256, seededRng(2)).formulas.map(devShare))).toBeGreaterThan(0.6);
    } finally {
      p.dispose();
    }
  });
});

describe("END bias at init", () => {
  it("starts the policy on shorter formulas; absent, the model config is unchanged", () => {
    const full = (p: Policy): number => mean(p.sample(512, seededRng(3)).formulas.map((f) => (f.length === model.maxLen ? 1 : 0)));
    const plain = new Policy({ vocab, model, seed: 7 });
    const biased = new Policy({ vocab, model: { ...model, endBias: 1.5 }, seed: 7 });
    try {
      expect(plain.config).not.toHaveProperty("endBias");
      const [a, b] = [full(plain), full(biased)];
      expect(a).toBeGreaterThan(0.6);
      expect(b).toBeLessThan(a - 0.2); // 0.78 -> 0.44 at maxLen 8
    } finally {
      plain.dispose();
      biased.dispose();
    }
  });
});
