/**
 * The REINFORCE objective on a sampled batch, recomputed teacher-forced inside the gradient tape.
 *
 * Rewards are normalised over the batch (upstream's baseline); the value head then predicts the
 * normalised reward from every prefix and serves as a per-position baseline, so the advantage of
 * an action is r̃ - V(prefix). Upstream computed the value and never used it (§8.9). The loss
 * reuses the exact grammar masks and temperature of the sampler, so the policy being trained is
 * the one that sampled.
 *
 * Risk-seeking (Petersen et al., "Deep symbolic regression", ICLR 2021): with `riskSeeking`
 * epsilon in (0, 1), only the batch's top-epsilon share of rewards is learned from, with the
 * (1 - epsilon) quantile as baseline. The plain objective raises the mean reward of a batch;
 * formula search keeps only the best formula, and this objective raises the best case instead
 * (a policy whose samples are mostly poor but sometimes excellent beats one that is always
 * mediocre). Rewards at or below the quantile get no policy gradient; the value head, when
 * trained, still fits every row, but is not subtracted (the quantile is the baseline).
 * Off by default: it sharpens the search on the train reward, which pays only where that reward
 * predicts out-of-sample scores (on the short e2e market it did not: bench/planted-search.bench.ts).
 */
import * as tf from "@tensorflow/tfjs";
import { tokenLayout, type ModelConfig, type VocabSpec } from "./config.js";
import { forwardFull } from "./forward.js";
import { stopGradient } from "./ops.js";
import type { PolicyParams } from "./params.js";
import type { SampledBatch } from "./sample.js";

export interface ReinforceOptions {
  readonly temperature: number;
  /** Weight of the mean per-position entropy bonus. */
  readonly entropyCoef: number;
  /** Weight of the value head's squared error. */
  readonly valueCoef: number;
  /** "value": r̃ - V(prefix); "batch": r̃ alone (normalised rewards only). Unused when risk-seeking. */
  readonly baseline: "value" | "batch";
  /** Risk-seeking epsilon: learn from the top this share of each batch only; 0 (or 1) is plain REINFORCE. */
  readonly riskSeeking: number;
}

export const defaultReinforceOptions: ReinforceOptions = { temperature: 1, entropyCoef: 0.01, valueCoef: 0.5, baseline: "value", riskSeeking: 0 };

/** Mean and unbiased standard deviation of a batch's rewards. */
function meanStd(rewards: ArrayLike<number>): { readonly mean: number; readonly std: number } {
  const n = rewards.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += rewards[i]!;
  mean /= Math.max(1, n);
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (rewards[i]! - mean) ** 2;
  return { mean, std: Math.sqrt(sq / Math.max(1, n - 1)) };
}

/** Batch-normalised rewards: (r - mean) / std, all zeros when every reward is the same. */
export function normaliseRewards(rewards: ArrayLike<number>): Float32Array {
  const n = rewards.length;
  const { mean, std } = meanStd(rewards);
  const out = new Float32Array(n);
  if (std > 1e-8) for (let i = 0; i < n; i++) out[i] = (rewards[i]! - mean) / std;
  return out;
}

/** The (1 - epsilon) quantile of the rewards (lower interpolation: a reward that was drawn). */
export function rewardQuantile(rewards: ArrayLike<number>, q: number): number {
  const sorted = Float64Array.from(rewards).sort();
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.floor(q * (sorted.length - 1))))]!;
}

/**
 * Per-row policy-gradient weights. Plain: the normalised rewards. Risk-seeking with epsilon:
 * (r - r_q) / std for rows above the (1 - epsilon) quantile r_q, 0 elsewhere, scaled by
 * B / rows kept so the step is a mean over the rows learned from (as in the paper), not
 * diluted by the rows dropped; all zeros when no reward exceeds the quantile.
 */
export function policyAdvantages(rewards: ArrayLike<number>, riskSeeking: number): { readonly advantages: Float32Array; readonly kept: number } {
  const n = rewards.length;
  if (!(riskSeeking > 0 && riskSeeking < 1)) return { advantages: normaliseRewards(rewards), kept: n };
  const rq = rewardQuantile(rewards, 1 - riskSeeking);
  const { std } = meanStd(rewards);
  const out = new Float32Array(n);
  let kept = 0;
  for (let i = 0; i < n; i++) if (rewards[i]! > rq) kept += 1;
  if (kept === 0 || !(std > 1e-8)) return { advantages: out, kept: 0 };
  const scale = n / kept / std;
  for (let i = 0; i < n; i++) if (rewards[i]! > rq) out[i] = (rewards[i]! - rq) * scale;
  return { advantages: out, kept };
}

/** Teacher-forcing inputs: ids [B, L] (BOS then the actions), targets, weights and mask bias. */
export interface TeacherInputs {
  readonly len: number;
  readonly ids: Int32Array;
  readonly targets: Int32Array;
  readonly weights: Float32Array;
  readonly bias: Float32Array;
}

export function teacherInputs(batch: SampledBatch, cfg: ModelConfig, vocab: VocabSpec): TeacherInputs {
  const { bos, outputSize: V } = tokenLayout(vocab);
  const B = batch.batch;
  const M = cfg.maxLen;
  let len = 1;
  for (let b = 0; b < B; b++) len = Math.max(len, batch.steps[b]!);
  const ids = new Int32Array(B * len).fill(bos);
  const targets = new Int32Array(B * len);
  const weights = new Float32Array(B * len);
  const bias = new Float32Array(B * len * V); // padded positions: no mask (weight 0 anyway)
  for (let b = 0; b < B; b++) {
    const steps = batch.steps[b]!;
    for (let t = 0; t < steps; t++) {
      const row = b * len + t;
      if (t > 0) ids[row] = batch.actions[b * M + t - 1]!;
      targets[row] = batch.actions[b * M + t]!;
      weights[row] = 1;
      const mask = batch.masks.subarray((b * M + t) * V, (b * M + t + 1) * V);
      for (let a = 0; a < V; a++) if (mask[a] === 0) bias[row * V + a] = -1e9;
    }
  }
  return { len, ids, targets, weights, bias };
}

export interface LossParts {
  readonly total: tf.Scalar;
  readonly policy: tf.Scalar;
  readonly entropy: tf.Scalar;
  readonly value: tf.Scalar;
}

/**
 * The loss, to be called inside tf.variableGrads. `normRewards` has one entry per row and is
 * what the value head fits; `advantages` (default: the same) weights each row's log-probability.
 */
export function reinforceLoss(
  p: PolicyParams,
  cfg: ModelConfig,
  vocab: VocabSpec,
  inputs: TeacherInputs,
  normRewards: Float32Array,
  opts: ReinforceOptions,
  advantages?: Float32Array,
): LossParts {
  const B = normRewards.length;
  const { len } = inputs;
  const { outputSize: V } = tokenLayout(vocab);
  const ids = tf.tensor2d(inputs.ids, [B, len], "int32");
  const { logits, value } = forwardFull(p, cfg, vocab, ids);
  const masked = tf.add(tf.mul(logits, 1 / opts.temperature), tf.tensor2d(inputs.bias, [B * len, V]));
  const logp = tf.logSoftmax(masked);
  const onehot = tf.oneHot(tf.tensor1d(inputs.targets, "int32"), V).asType("float32");
  const chosen = tf.sum(tf.mul(logp, onehot), -1);
  const entropyPer = tf.neg(tf.sum(tf.mul(tf.exp(logp), logp), -1));
  const w = tf.tensor1d(inputs.weights);
  const scored = Math.max(1, inputs.weights.reduce((a, x) => a + x, 0));
  const target = tf.tensor1d(repeatRows(normRewards, len));
  const riskSeeking = opts.riskSeeking > 0 && opts.riskSeeking < 1;
  const weighted = advantages === undefined || advantages === normRewards ? target : tf.tensor1d(repeatRows(advantages, len));
  const advantage = opts.baseline === "value" && !riskSeeking ? tf.sub(weighted, stopGradient(value)) : weighted;
  const policy = tf.div(tf.neg(tf.sum(tf.mul(tf.mul(chosen, advantage), w))), B) as tf.Scalar;
  const entropy = tf.div(tf.sum(tf.mul(entropyPer, w)), scored) as tf.Scalar;
  const valueLoss = tf.div(tf.sum(tf.mul(tf.square(tf.sub(value, target)), w)), scored) as tf.Scalar;
  const total = tf.addN([policy, tf.mul(entropy, -opts.entropyCoef), tf.mul(valueLoss, opts.valueCoef)]) as tf.Scalar;
  return { total, policy, entropy, value: valueLoss };
}

function repeatRows(x: Float32Array, len: number): Float32Array {
  const out = new Float32Array(x.length * len);
  for (let b = 0; b < x.length; b++) out.fill(x[b]!, b * len, (b + 1) * len);
  return out;
}
