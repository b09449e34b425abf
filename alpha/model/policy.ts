/**
 * The policy as one object: parameters, grammar, optimiser and regulariser, with the three things
 * the trainer does to it: sample formulas, update from their rewards, and report / snapshot.
 */
import * as tf from "@tensorflow/tfjs";
import type { Rng } from "../../core/random.js";
import { AdamW, defaultAdamWOptions, type AdamWOptions, type AdamWState } from "./adamw.js";
import { defaultModelConfig, validateModelConfig, type ModelConfig, type VocabSpec } from "./config.js";
import { buildGrammar, type Grammar } from "./grammar.js";
import { applyLord, defaultLordOptions, type LordOptions } from "./lord.js";
import { createParams, type PolicyParams } from "./params.js";
import { defaultReinforceOptions, normaliseRewards, policyAdvantages, reinforceLoss, teacherInputs, type ReinforceOptions } from "./reinforce.js";
import { sampleFormulas, type SampledBatch } from "./sample.js";
import { stableRanks, type StableRankReport } from "./stable-rank.js";

export interface PolicyOptions {
  readonly vocab: VocabSpec;
  readonly model?: Partial<ModelConfig>;
  readonly optimizer?: Partial<AdamWOptions>;
  readonly lord?: Partial<LordOptions>;
  readonly reinforce?: Partial<ReinforceOptions>;
  /** Seeds the parameter initialisation. */
  readonly seed: number;
}

export interface UpdateStats {
  readonly loss: number;
  readonly policyLoss: number;
  /** Mean entropy per scored position (nats), from the teacher-forced pass. */
  readonly entropy: number;
  readonly valueLoss: number;
  readonly gradNorm: number;
  readonly clipped: boolean;
}

/** Everything needed to continue exactly where a run stopped. */
export interface PolicySnapshot {
  readonly params: Readonly<Record<string, Float32Array>>;
  readonly optimizer: AdamWState;
}

export class Policy {
  readonly config: ModelConfig;
  readonly vocab: VocabSpec;
  readonly grammar: Grammar;
  readonly params: PolicyParams;
  readonly lord: LordOptions;
  readonly reinforce: ReinforceOptions;
  readonly optimizer: AdamWOptions;
  readonly #opt: AdamW;
  /** tfjs variable name -> our parameter name, to read variableGrads' output. */
  readonly #byVarName: Map<string, string>;

  constructor(opts: PolicyOptions) {
    this.config = { ...defaultModelConfig, ...opts.model };
    this.vocab = opts.vocab;
    validateModelConfig(this.config, this.vocab);
    this.grammar = buildGrammar(this.vocab, this.config.maxLen);
    this.params = createParams(this.config, this.vocab, opts.seed);
    this.lord = { ...defaultLordOptions, ...opts.lord };
    this.reinforce = { ...defaultReinforceOptions, ...opts.reinforce };
    this.optimizer = { ...defaultAdamWOptions, ...opts.optimizer };
    this.#opt = new AdamW(this.params, this.optimizer);
    this.#byVarName = new Map(this.params.specs.map((s) => [this.params.get(s.name).name, s.name]));
  }

  /** Optimiser steps taken so far. */
  get step(): number {
    return this.#opt.step;
  }

  sample(batch: number, rng: Rng, temperature = this.reinforce.temperature): SampledBatch {
    return sampleFormulas(this.params, this.config, this.vocab, this.grammar, { batch, rng, temperature });
  }

  /** One REINFORCE + AdamW step on a sampled batch and its rewards (one per row), then LoRD. */
  update(batch: SampledBatch, rewards: ArrayLike<number>): UpdateStats {
    if (rewards.length !== batch.batch) throw new Error(`${rewards.length} rewards for ${batch.batch} samples`);
    const inputs = teacherInputs(batch, this.config, this.vocab);
    const norm = normaliseRewards(rewards);
    const eps = this.reinforce.riskSeeking;
    const advantages = eps > 0 && eps < 1 ? policyAdvantages(rewards, eps).advantages : norm;
    let parts: tf.Scalar[] = [];
    const { value, grads } = tf.variableGrads(() => {
      const l = reinforceLoss(this.params, this.config, this.vocab, inputs, norm, this.reinforce, advantages);
      parts = [tf.keep(l.policy), tf.keep(l.entropy), tf.keep(l.value)];
      return l.total;
    }, this.params.list());
    const named = new Map<string, tf.Tensor>();
    for (const [varName, g] of Object.entries(grads)) named.set(this.#byVarName.get(varName) ?? varName, g);
    try {
      const { gradNorm, clipped } = this.#opt.apply(named);
      applyLord(this.params, this.config, this.lord);
      const [policyLoss, entropy, valueLoss] = parts.map((t) => (t.dataSync() as Float32Array)[0]!) as [number, number, number];
      return { loss: (value.dataSync() as Float32Array)[0]!, policyLoss, entropy, valueLoss, gradNorm, clipped };
    } finally {
      tf.dispose([value, ...parts, ...named.values()]);
    }
  }

  stableRank(): StableRankReport {
    return stableRanks(this.params, this.config);
  }

  snapshot(): PolicySnapshot {
    const params = Object.fromEntries(this.params.specs.map((s) => [s.name, Float32Array.from(this.params.get(s.name).dataSync() as Float32Array)]));
    return { params, optimizer: this.#opt.state() };
  }

  restore(snap: PolicySnapshot): void {
    for (const s of this.params.specs) {
      const data = snap.params[s.name];
      const v = this.params.get(s.name);
      if (data === undefined || data.length !== v.size) throw new Error(`snapshot lacks parameter ${s.name} or its size differs`);
      tf.tidy(() => v.assign(tf.tensor(data, v.shape)));
    }
    this.#opt.load(snap.optimizer);
  }

  dispose(): void {
    this.params.dispose();
    this.#opt.dispose();
  }
}
