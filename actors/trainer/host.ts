/**
 * Starts the trainer in a worker_thread and serves its scorer calls from this thread. This is
 * what `alphagpt train` and the daemon's trainer child call; the supervisor sees a promise of
 * the result, a stream of events, and stop/terminate.
 */
import { Worker } from "node:worker_threads";
import type { FromWorker, ToWorker } from "./protocol.js";
import type { FormulaReport, FormulaScorer, TrainerConfig, TrainerEvent, TrainResult, Validation } from "./types.js";

export interface TrainerHandle {
  readonly done: Promise<TrainResult>;
  /** Graceful: the worker finishes its step, checkpoints, and `done` resolves with `stopped`. */
  stop(): void;
  /** Immediate: the last checkpoint is what survives. */
  terminate(): Promise<void>;
}

export interface StartOptions {
  readonly onEvent?: (e: TrainerEvent) => void;
}

/**
 * The worker beside this file. From TypeScript sources (tests, `bin/alphagpt.js`) a tiny eval'd
 * bootstrap registers tsx inside the worker first: Node 20 ignores `--import tsx` in a worker's
 * execArgv for the worker's own entry module.
 */
function spawnWorker(): Worker {
  if (!import.meta.url.endsWith(".ts")) return new Worker(new URL("./worker.js", import.meta.url));
  const tsx = import.meta.resolve("tsx/esm/api");
  const entry = new URL("./worker.ts", import.meta.url).href;
  const boot = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(boot, { eval: true });
}

export function startTrainerWorker(config: TrainerConfig, scorer: FormulaScorer, opts: StartOptions = {}): TrainerHandle {
  const worker = spawnWorker();
  const send = (m: ToWorker, transfer: ArrayBuffer[] = []): void => worker.postMessage(m, transfer);
  let settled = false;

  const done = new Promise<TrainResult>((resolve, reject) => {
    const fail = (e: Error): void => {
      if (settled) return;
      settled = true;
      reject(e);
    };
    worker.on("message", (m: FromWorker) => {
      switch (m.type) {
        case "event":
          opts.onEvent?.(m.event);
          return;
        case "done":
          settled = true;
          resolve(m.result);
          return;
        case "failed":
          fail(new Error(`trainer failed: ${m.error}`));
          return;
        case "call":
          serve(m).then(
            ([value, transfer]) => send({ type: "reply", id: m.id, ok: true, value }, transfer),
            (e: unknown) => send({ type: "reply", id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) }),
          );
      }
    });
    worker.on("error", fail);
    worker.on("exit", (code) => fail(new Error(`trainer worker exited with code ${code} before finishing`)));
  });

  async function serve(m: Extract<FromWorker, { type: "call" }>): Promise<[Float64Array | Validation[] | FormulaReport, ArrayBuffer[]]> {
    if (m.method === "evaluate") {
      const r = Float64Array.from(await scorer.evaluate(m.formulas));
      return [r, [r.buffer as ArrayBuffer]];
    }
    if (m.method === "validate") {
      const v = await scorer.validate(m.formulas);
      const out = v.map((x) => ({ score: x.score, series: Float64Array.from(x.series) }));
      return [out, out.map((x) => x.series.buffer as ArrayBuffer)];
    }
    if (m.method !== "report" || scorer.report === undefined) throw new Error("scorer has no report()");
    return [await scorer.report(m.formula), []];
  }

  send({ type: "start", config, hasReport: scorer.report !== undefined });
  return {
    done,
    stop: () => send({ type: "stop" }),
    terminate: async () => {
      await worker.terminate();
    },
  };
}
