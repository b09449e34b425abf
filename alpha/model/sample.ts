/**
 * Grammar-masked sampling. The model proposes logits through the KV decoder; the draw happens in
 * JS with the seeded Rng, over the actions the grammar allows, at a temperature. Every row is a
 * valid RPN formula of 1..maxLen tokens by construction.
 */
import type { Rng } from "../../core/random.js";
import { tokenLayout, type ModelConfig, type VocabSpec } from "./config.js";
import type { Grammar } from "./grammar.js";
import { KvDecoder } from "./kvcache.js";
import type { PolicyParams } from "./params.js";

export interface SampledBatch {
  readonly batch: number;
  /** Formula token ids per row (no BOS, no END). */
  readonly formulas: number[][];
  /** Action taken at each scored position, [B·maxLen] (END included; 0 past the end). */
  readonly actions: Int32Array;
  /** Scored positions per row: tokens + 1 for END, or maxLen when the formula fills every slot. */
  readonly steps: Int32Array;
  /** 1 where an action was allowed, [B·maxLen·outputSize]: the update reuses the exact masks. */
  readonly masks: Uint8Array;
  /** Log-probability of each row under the sampling policy (temperature included). */
  readonly logProb: Float64Array;
  /** Mean entropy per scored position of the sampling distribution, in nats. */
  readonly meanEntropy: number;
}

export interface SampleOptions {
  readonly batch: number;
  readonly temperature: number;
  readonly rng: Rng;
}

export function sampleFormulas(p: PolicyParams, cfg: ModelConfig, vocab: VocabSpec, grammar: Grammar, opts: SampleOptions): SampledBatch {
  const { batch: B, temperature, rng } = opts;
  if (!(temperature > 0)) throw new Error(`temperature must be > 0, got ${temperature}`);
  const { bos, end, outputSize: V } = tokenLayout(vocab);
  const L = cfg.maxLen;
  const formulas = Array.from({ length: B }, () => [] as number[]);
  const actions = new Int32Array(B * L);
  const steps = new Int32Array(B);
  const masks = new Uint8Array(B * L * V);
  const logProb = new Float64Array(B);
  const depth = new Int32Array(B);
  const inputs = new Int32Array(B).fill(bos);
  const probs = new Float64Array(V);
  let entropySum = 0;
  let scored = 0;
  let live = B;
  const dec = new KvDecoder(p, cfg, vocab, B);
  try {
    for (let t = 0; t < L && live > 0; t++) {
      const logits = dec.step(inputs);
      for (let b = 0; b < B; b++) {
        if (steps[b] !== 0) continue;
        const allowed = grammar.mask(depth[b]!, t);
        masks.set(allowed, (b * L + t) * V);
        // Masked softmax at temperature, computed in float64 for a stable draw.
        let max = -Infinity;
        for (let a = 0; a < V; a++) if (allowed[a] === 1) max = Math.max(max, logits[b * V + a]! / temperature);
        let z = 0;
        for (let a = 0; a < V; a++) {
          const e = allowed[a] === 1 ? Math.exp(logits[b * V + a]! / temperature - max) : 0;
          probs[a] = e;
          z += e;
        }
        let u = rng.next() * z;
        let choice = -1;
        let entropy = 0;
        for (let a = 0; a < V; a++) {
          const pa = probs[a]! / z;
          if (pa > 0) entropy -= pa * Math.log(pa);
          if (choice < 0 && allowed[a] === 1) {
            u -= probs[a]!;
            if (u < 0) choice = a;
          }
        }
        if (choice < 0) for (let a = V - 1; a >= 0 && choice < 0; a--) if (allowed[a] === 1) choice = a; // rounding
        entropySum += entropy;
        scored += 1;
        logProb[b] = logProb[b]! + Math.log(probs[choice]! / z);
        actions[b * L + t] = choice;
        if (choice === end) {
          steps[b] = t + 1;
          live -= 1;
          continue;
        }
        formulas[b]!.push(choice);
        depth[b] = depth[b]! - vocab.arity[choice]! + 1;
        inputs[b] = choice;
        if (t + 1 === L) {
          steps[b] = L;
          live -= 1;
        }
      }
    }
  } finally {
    dec.dispose();
  }
  return { batch: B, formulas, actions, steps, masks, logProb, meanEntropy: scored > 0 ? entropySum / scored : 0 };
}

/**
 * A batch of given formulas in the sampler's layout (actions with END, scored steps, the grammar
 * masks each position had), so the update can learn from formulas that were not sampled this
 * step, e.g. a replay of the best found so far. `logProb` is 0: it is not known without a pass.
 * Throws on a formula the grammar would not have produced.
 */
export function formulaBatch(formulas: readonly (readonly number[])[], vocab: VocabSpec, grammar: Grammar): SampledBatch {
  const { end, outputSize: V } = tokenLayout(vocab);
  const L = grammar.maxLen;
  const B = formulas.length;
  const actions = new Int32Array(B * L);
  const steps = new Int32Array(B);
  const masks = new Uint8Array(B * L * V);
  formulas.forEach((f, b) => {
    if (f.length === 0 || f.length > L) throw new Error(`formula ${f.join(",")} has ${f.length} tokens, not 1..${L}`);
    let depth = 0;
    const n = Math.min(L, f.length + 1);
    for (let t = 0; t < n; t++) {
      const a = t < f.length ? f[t]! : end;
      const allowed = grammar.mask(depth, t);
      if (allowed[a] !== 1) throw new Error(`formula ${f.join(",")} is not in the grammar at position ${t}`);
      masks.set(allowed, (b * L + t) * V);
      actions[b * L + t] = a;
      if (a !== end) depth = depth - vocab.arity[a]! + 1;
    }
    steps[b] = n;
  });
  return { batch: B, formulas: formulas.map((f) => [...f]), actions, steps, masks, logProb: new Float64Array(B), meanEntropy: 0 };
}

/** Two batches as one (rows of `a`, then rows of `b`); the entropy is `a`'s. */
export function concatBatches(a: SampledBatch, b: SampledBatch): SampledBatch {
  const cat = <T extends Int32Array | Uint8Array | Float64Array>(x: T, y: T, make: (n: number) => T): T => {
    const out = make(x.length + y.length);
    out.set(x, 0);
    out.set(y, x.length);
    return out;
  };
  return {
    batch: a.batch + b.batch,
    formulas: [...a.formulas, ...b.formulas],
    actions: cat(a.actions, b.actions, (n) => new Int32Array(n)),
    steps: cat(a.steps, b.steps, (n) => new Int32Array(n)),
    masks: cat(a.masks, b.masks, (n) => new Uint8Array(n)),
    logProb: cat(a.logProb, b.logProb, (n) => new Float64Array(n)),
    meanEntropy: a.meanEntropy,
  };
}
