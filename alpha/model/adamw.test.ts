import * as tf from "@tensorflow/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { AdamW, type AdamWOptions } from "./adamw.js";
import { initBackend } from "./backend.js";
import type { ParamSpec, PolicyParams } from "./params.js";

beforeAll(async () => {
  await initBackend("wasm");
});

function fakeParams(values: Record<string, number[]>, decay: Record<string, boolean>): PolicyParams {
  const specs: ParamSpec[] = Object.entries(values).map(([name, v]) => ({ name, shape: [v.length], init: { kind: "const", value: 0 }, decay: decay[name] ?? false }));
  const vars = new Map(Object.entries(values).map(([k, v]) => [k, tf.variable(tf.tensor1d(v))]));
  return { specs, get: (n) => vars.get(n)!, list: () => [...vars.values()], dispose: () => vars.forEach((v) => v.dispose()) };
}

/** PyTorch's AdamW, scalar by scalar, for comparison. */
function referenceStep(w: number[], g: number[], m: number[], v: number[], t: number, o: AdamWOptions, decay: boolean): void {
  for (let i = 0; i < w.length; i++) {
    if (decay) w[i] = w[i]! * (1 - o.lr * o.weightDecay);
    m[i] = o.beta1 * m[i]! + (1 - o.beta1) * g[i]!;
    v[i] = o.beta2 * v[i]! + (1 - o.beta2) * g[i]! ** 2;
    const mh = m[i]! / (1 - o.beta1 ** t);
    const vh = v[i]! / (1 - o.beta2 ** t);
    w[i] = w[i]! - (o.lr * mh) / (Math.sqrt(vh) + o.eps);
  }
}

describe("AdamW", () => {
  const opts: AdamWOptions = { lr: 0.05, beta1: 0.9, beta2: 0.99, eps: 1e-8, weightDecay: 0.1, clipNorm: 0 };

  it("matches the reference update, decaying only parameters marked for decay", () => {
    const p = fakeParams({ a: [1, -2, 3], b: [0.5, 0.25] }, { a: true });
    const opt = new AdamW(p, opts);
    const ref = { a: [1, -2, 3], b: [0.5, 0.25] };
    const mom = { a: [0, 0, 0], b: [0, 0] };
    const vel = { a: [0, 0, 0], b: [0, 0] };
    for (let t = 1; t <= 5; t++) {
      // gradient of sum(x^2): 2x, taken at the reference point (identical to ours each step)
      const grads = new Map([
        ["a", tf.tensor1d(ref.a.map((x) => 2 * x))],
        ["b", tf.tensor1d(ref.b.map((x) => 2 * x))],
      ]);
      opt.apply(grads);
      tf.dispose([...grads.values()]);
      referenceStep(ref.a, ref.a.map((x) => 2 * x), mom.a, vel.a, t, opts, true);
      referenceStep(ref.b, ref.b.map((x) => 2 * x), mom.b, vel.b, t, opts, false);
      Array.from(p.get("a").dataSync()).forEach((x, i) => expect(x).toBeCloseTo(ref.a[i]!, 5));
      Array.from(p.get("b").dataSync()).forEach((x, i) => expect(x).toBeCloseTo(ref.b[i]!, 5));
    }
    expect(opt.step).toBe(5);
    opt.dispose();
    p.dispose();
  });

  it("clips the global gradient norm", () => {
    const p = fakeParams({ a: [0, 0] }, {});
    const opt = new AdamW(p, { ...opts, clipNorm: 1 });
    const g = new Map([["a", tf.tensor1d([30, 40])]]);
    const stats = opt.apply(g);
    expect(stats.gradNorm).toBeCloseTo(50, 4);
    expect(stats.clipped).toBe(true);
    // First-step Adam moves each coordinate by ~lr regardless of scale; the state shows the clip.
    const m = opt.state().m["a"]!;
    expect(m[0]).toBeCloseTo(0.1 * 0.6, 4);
    expect(m[1]).toBeCloseTo(0.1 * 0.8, 4);
    tf.dispose([...g.values()]);
    opt.dispose();
    p.dispose();
  });

  it("round-trips its state exactly", () => {
    const p = fakeParams({ a: [1, 2] }, {});
    const opt = new AdamW(p, opts);
    const g = new Map([["a", tf.tensor1d([0.3, -0.7])]]);
    opt.apply(g);
    opt.apply(g);
    const saved = opt.state();
    const other = new AdamW(p, opts);
    other.load(saved);
    expect(other.step).toBe(2);
    expect(other.state()).toEqual(saved);
    tf.dispose([...g.values()]);
    for (const o of [opt, other]) o.dispose();
    p.dispose();
  });
});
