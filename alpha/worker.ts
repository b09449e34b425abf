/**
 * A formula worker: receives the shared context once, then evaluates chunks of canonical
 * formulas with its own LocalEvaluator (and its own subexpression cache).
 */
import { parentPort } from "node:worker_threads";
import type { EvalContext } from "./context.js";
import { LocalEvaluator, type EngineOptions, type EvalRequest } from "./engine.js";
import { parseFormula } from "./formula.js";

export type WorkerRequest =
  | { readonly type: "init"; readonly ctx: EvalContext; readonly options: EngineOptions }
  | { readonly type: "eval"; readonly id: number; readonly tokens: readonly (readonly number[])[]; readonly request: EvalRequest };

export type WorkerReply =
  | { readonly type: "ready" }
  | { readonly type: "done"; readonly id: number; readonly results: ReturnType<LocalEvaluator["evaluate"]> }
  | { readonly type: "failed"; readonly id: number; readonly message: string };

let evaluator: LocalEvaluator | null = null;
let featureSet: EvalContext["params"]["featureSet"] = "basic";

parentPort?.on("message", (msg: WorkerRequest) => {
  if (msg.type === "init") {
    evaluator = new LocalEvaluator(msg.ctx, msg.options);
    featureSet = msg.ctx.params.featureSet;
    parentPort!.postMessage({ type: "ready" } satisfies WorkerReply);
    return;
  }
  try {
    // Tokens arrive canonical and valid (the main thread parsed them); parsing again is cheap.
    const roots = msg.tokens.map((t) => parseFormula(t, { featureSet }).root);
    const results = evaluator!.evaluate(roots, msg.request);
    parentPort!.postMessage({ type: "done", id: msg.id, results } satisfies WorkerReply);
  } catch (e) {
    parentPort!.postMessage({ type: "failed", id: msg.id, message: e instanceof Error ? e.stack ?? e.message : String(e) } satisfies WorkerReply);
  }
});
