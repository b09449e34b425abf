/** The scorer: a bounded window of the latest bars per token, the active formula evaluated causally on each close, ranked signals. */
export { BarWindow } from "./bar-window.js";
export type { BarWindowOptions, BarWindowStats, PushResult } from "./bar-window.js";
export { panelOptions, rawAtLastBar } from "./evaluate.js";
export type { EvalSpec } from "./evaluate.js";
export { FEATURE_HISTORY, formulaLookback, historyNeeds, liquidityWindow } from "./history.js";
export type { HistoryNeeds } from "./history.js";
export { decide, rankSignals, sigmoid } from "./rank.js";
export type { DecisionRule, Decisions, Refusal, RiskCheck, RiskVerdict, Signal } from "./rank.js";
export { Scorer } from "./scorer.js";
export type { Book, ScorerOptions } from "./scorer.js";
