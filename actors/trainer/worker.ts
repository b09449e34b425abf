/**
 * The trainer's worker_thread: runs the training loop off the main event loop. The scorer lives
 * in the host (it owns the alpha engine's evaluator workers and their shared panels), so each
 * evaluate/validate/report call is a message round trip; the loop awaits it like any promise.
 * Nothing here imports storage or chdb (DESIGN.md pitfalls).
 */
import { parentPort } from "node:worker_threads";
import { systemClock } from "../../core/clock.js";
import { runTraining } from "./loop.js";
import type { FromWorker, ScorerMethod, ToWorker } from "./protocol.js";
import type { FormulaReport, FormulaScorer, Tokens, Validation } from "./types.js";

const port = parentPort;
if (port === null) throw new Error("actors/trainer/worker.ts must run in a worker_thread");

const post = (m: FromWorker): void => port.postMessage(m);
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
let nextId = 1;
let stopRequested = false;
let started = false;

function call<T>(method: ScorerMethod, payload: { formulas: Tokens[] } | { formula: Tokens }): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    post({ type: "call", id, method, ...payload } as FromWorker);
  });
}

function scorer(hasReport: boolean): FormulaScorer {
  const base = {
    evaluate: (f: readonly Tokens[]) => call<Float64Array>("evaluate", { formulas: f.map((x) => [...x]) }),
    validate: (f: readonly Tokens[]) => call<Validation[]>("validate", { formulas: f.map((x) => [...x]) }),
  };
  return hasReport ? { ...base, report: (f: Tokens) => call<FormulaReport>("report", { formula: [...f] }) } : base;
}

port.on("message", (m: ToWorker) => {
  if (m.type === "stop") stopRequested = true;
  else if (m.type === "reply") {
    const p = pending.get(m.id);
    pending.delete(m.id);
    if (p === undefined) return;
    if (m.ok) p.resolve(m.value);
    else p.reject(new Error(m.error));
  } else if (m.type === "start" && !started) {
    started = true;
    runTraining(m.config, scorer(m.hasReport), {
      clock: systemClock, // the worker is an edge: wall time for strategy and checkpoint stamps
      onEvent: (event) => post({ type: "event", event }),
      shouldStop: () => stopRequested,
    }).then(
      (result) => {
        post({ type: "done", result });
        port.close();
      },
      (e: unknown) => {
        post({ type: "failed", error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
        port.close();
      },
    );
  }
});
