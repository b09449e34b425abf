/** Messages between the trainer worker and its host. Plain data only (structured clone). */
import type { FormulaReport, TrainerConfig, TrainerEvent, TrainResult, Tokens, Validation } from "./types.js";

export type ScorerMethod = "evaluate" | "validate" | "report";

export type ToWorker =
  | { readonly type: "start"; readonly config: TrainerConfig; readonly hasReport: boolean }
  /** Finish the current step, checkpoint, and return. */
  | { readonly type: "stop" }
  | { readonly type: "reply"; readonly id: number; readonly ok: true; readonly value: Float64Array | Validation[] | FormulaReport }
  | { readonly type: "reply"; readonly id: number; readonly ok: false; readonly error: string };

export type FromWorker =
  | { readonly type: "event"; readonly event: TrainerEvent }
  | { readonly type: "call"; readonly id: number; readonly method: "evaluate" | "validate"; readonly formulas: Tokens[] }
  | { readonly type: "call"; readonly id: number; readonly method: "report"; readonly formula: Tokens }
  | { readonly type: "done"; readonly result: TrainResult }
  | { readonly type: "failed"; readonly error: string };
