/**
 * A trained formula against the active one, on the validation split of the data it was trained
 * on: what a retraining's promotion and `alphagpt train`'s install both judge by.
 */
import type { AlphaEvaluator, FormulaResult } from "../../alpha/index.js";

export interface AgainstActive {
  readonly candidate: FormulaResult | undefined;
  /** Undefined when there is no active formula. */
  readonly active: FormulaResult | undefined;
}

export async function againstActive(evaluator: AlphaEvaluator, candidate: readonly number[], active: string | null): Promise<AgainstActive> {
  // The active formula may come from elsewhere, longer than this run's maxFormulaLen.
  const [c, a] = await evaluator.evaluate(active === null ? [candidate] : [candidate, active], { reward: { split: "validation" }, maxLength: 64 });
  return { candidate: c, active: a };
}
