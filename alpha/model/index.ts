/** The policy model's public surface: what the trainer, the CLI and benches import. */
export { Policy, type PolicyOptions, type PolicySnapshot, type UpdateStats } from "./policy.js";
export { defaultModelConfig, stableHash, tokenLayout, type ModelConfig, type TokenLayout, type VocabSpec } from "./config.js";
export { initBackend, type BackendChoice, type BackendInfo } from "./backend.js";
export { defaultAdamWOptions, type AdamWOptions, type AdamWState } from "./adamw.js";
export { defaultLordOptions, qkParamNames, type LordOptions } from "./lord.js";
export { defaultReinforceOptions, type ReinforceOptions } from "./reinforce.js";
export { buildGrammar, checkFormula, type FormulaCheck, type Grammar } from "./grammar.js";
export type { SampledBatch } from "./sample.js";
export type { StableRankReport } from "./stable-rank.js";
export { decodeCheckpoint, encodeCheckpoint, CHECKPOINT_FORMAT } from "./checkpoint.js";
