/**
 * The policy's parameters: named tf.Variables initialised from the seeded Rng (never tfjs's own
 * generator), so a seed reproduces a model bit for bit. Names are ours; tfjs auto-names its
 * variables so several models can live in one process.
 */
import * as tf from "@tensorflow/tfjs";
import { randNormal, seededRng, type Rng } from "../../core/random.js";
import { tokenLayout, type ModelConfig, type VocabSpec } from "./config.js";

type Init =
  | { readonly kind: "normal"; readonly std: number }
  | { readonly kind: "const"; readonly value: number }
  /** `value` at every `every`-th entry from `at`, 0 elsewhere: one logit in each of several heads. */
  | { readonly kind: "strided"; readonly value: number; readonly every: number; readonly at: number };

export interface ParamSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly init: Init;
  /** Decoupled weight decay applies to matrices only (not norms, biases, gains). */
  readonly decay: boolean;
}

const normal = (std: number): Init => ({ kind: "normal", std });
const constant = (value: number): Init => ({ kind: "const", value });

/** Every parameter, in a fixed order (checkpoints rely on it). */
export function paramSpecs(cfg: ModelConfig, vocab: VocabSpec): ParamSpec[] {
  const { inputSize, outputSize, end } = tokenLayout(vocab);
  const d = cfg.dModel;
  const f = cfg.ffnHidden;
  const hd = d / cfg.heads;
  // GPT-2 style: residual-branch outputs shrink with the effective depth so the stream stays O(1).
  const resid = 1 / Math.sqrt(2 * cfg.layers * cfg.loops);
  const specs: ParamSpec[] = [
    { name: "tok_emb", shape: [inputSize, d], init: normal(1), decay: false },
    { name: "pos_emb", shape: [cfg.maxLen, d], init: normal(0.1), decay: false },
  ];
  for (let l = 0; l < cfg.layers; l++) {
    const p = `l${l}.`;
    specs.push(
      { name: `${p}norm1`, shape: [d], init: constant(1), decay: false },
      { name: `${p}wq`, shape: [d, d], init: normal(1 / Math.sqrt(d)), decay: true },
      { name: `${p}wk`, shape: [d, d], init: normal(1 / Math.sqrt(d)), decay: true },
      { name: `${p}wv`, shape: [d, d], init: normal(1 / Math.sqrt(d)), decay: true },
      { name: `${p}bqkv`, shape: [3 * d], init: constant(0), decay: false },
      { name: `${p}qk_gain`, shape: [hd], init: constant(1), decay: false },
      { name: `${p}wo`, shape: [d, d], init: normal(resid / Math.sqrt(d)), decay: true },
      { name: `${p}bo`, shape: [d], init: constant(0), decay: false },
      { name: `${p}norm2`, shape: [d], init: constant(1), decay: false },
      { name: `${p}w1`, shape: [d, 2 * f], init: normal(1 / Math.sqrt(d)), decay: true },
      { name: `${p}b1`, shape: [2 * f], init: constant(0), decay: false },
      { name: `${p}w2`, shape: [f, d], init: normal(resid / Math.sqrt(f)), decay: true },
      { name: `${p}b2`, shape: [d], init: constant(0), decay: false },
    );
  }
  specs.push(
    { name: "norm_f", shape: [d], init: constant(1), decay: false },
    { name: "router_w1", shape: [d, cfg.routerHidden], init: normal(1 / Math.sqrt(d)), decay: true },
    { name: "router_b1", shape: [cfg.routerHidden], init: constant(0), decay: false },
    { name: "router_w2", shape: [cfg.routerHidden, cfg.outHeads], init: normal(0.02), decay: true },
    { name: "router_b2", shape: [cfg.outHeads], init: constant(0), decay: false },
    // Small heads: the first policy is near uniform over the grammar's allowed actions (END aside,
    // with an endBias).
    { name: "heads_w", shape: [d, cfg.outHeads * outputSize], init: normal(0.02), decay: true },
    {
      name: "heads_b",
      shape: [cfg.outHeads * outputSize],
      init: (cfg.endBias ?? 0) === 0 ? constant(0) : { kind: "strided", value: cfg.endBias!, every: outputSize, at: end },
      decay: false,
    },
    { name: "value_w", shape: [d, 1], init: constant(0), decay: false },
    { name: "value_b", shape: [1], init: constant(0), decay: false },
  );
  return specs;
}

export interface PolicyParams {
  readonly specs: readonly ParamSpec[];
  get(name: string): tf.Variable;
  /** All variables in spec order. */
  list(): tf.Variable[];
  dispose(): void;
}

function initValues(spec: ParamSpec, rng: Rng): Float32Array {
  const n = spec.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  if (spec.init.kind === "const") out.fill(spec.init.value);
  else if (spec.init.kind === "strided") for (let i = spec.init.at; i < n; i += spec.init.every) out[i] = spec.init.value;
  else for (let i = 0; i < n; i++) out[i] = randNormal(rng) * spec.init.std;
  return out;
}

export function createParams(cfg: ModelConfig, vocab: VocabSpec, seed: number): PolicyParams {
  const rng = seededRng(seed);
  const specs = paramSpecs(cfg, vocab);
  const vars = new Map<string, tf.Variable>();
  for (const spec of specs) {
    const init = tf.tensor(initValues(spec, rng), [...spec.shape], "float32");
    vars.set(spec.name, tf.variable(init, true));
    init.dispose(); // the variable holds its own reference to the data

  }
  return {
    specs,
    get(name) {
      const v = vars.get(name);
      if (v === undefined) throw new Error(`no parameter ${name}`);
      return v;
    },
    list: () => specs.map((s) => vars.get(s.name)!),
    dispose() {
      for (const v of vars.values()) v.dispose();
      vars.clear();
    },
  };
}

export function paramCount(specs: readonly ParamSpec[]): number {
  return specs.reduce((acc, s) => acc + s.shape.reduce((a, b) => a * b, 1), 0);
}
