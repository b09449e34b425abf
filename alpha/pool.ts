/**
 * A pool of formula workers sharing one context through SharedArrayBuffers. A batch is cut
 * into chunks of neighbouring canonical formulas (neighbours share subtrees, which each worker
 * caches) and idle workers pull the next chunk, so uneven formulas still balance.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { EvalContext } from "./context.js";
import type { EngineOptions, EvalRequest, FormulaEval } from "./engine.js";
import type { WorkerReply, WorkerRequest } from "./worker.js";

export interface PoolOptions extends EngineOptions {
  /** Worker threads; default the machine's available parallelism. */
  readonly workers?: number;
}

interface Slot {
  readonly worker: Worker;
  pending: ((reply: WorkerReply) => void) | null;
  /** Why the worker is gone, once it is: later calls fail at once instead of waiting forever. */
  dead: string | null;
}

export class FormulaPool {
  readonly #slots: Slot[];
  #nextId = 0;
  #closed = false;
  #tail: Promise<unknown> = Promise.resolve();

  private constructor(slots: Slot[]) {
    this.#slots = slots;
  }

  static async start(ctx: EvalContext, options: PoolOptions = {}): Promise<FormulaPool> {
    const n = Math.max(1, options.workers ?? availableParallelism());
    const { workers: _w, ...engine } = options;
    const slots = await Promise.all(
      Array.from({ length: n }, async () => {
        const worker = new Worker(new URL("./worker-entry.mjs", import.meta.url));
        const slot: Slot = { worker, pending: null, dead: null };
        const settle = (reply: WorkerReply): void => {
          const p = slot.pending;
          slot.pending = null;
          p?.(reply);
        };
        worker.on("message", settle);
        worker.on("error", (e) => {
          slot.dead = e.stack ?? e.message;
          settle({ type: "failed", id: -1, message: slot.dead });
        });
        worker.on("exit", (code) => {
          slot.dead ??= `formula worker exited with code ${code}`;
          settle({ type: "failed", id: -1, message: slot.dead });
        });
        const reply = await call(slot, { type: "init", ctx, options: engine });
        if (reply.type !== "ready") {
          await worker.terminate();
          throw new Error(`formula worker did not start: ${reply.type === "failed" ? reply.message : reply.type}`);
        }
        return slot;
      }),
    );
    return new FormulaPool(slots);
  }

  get size(): number {
    return this.#slots.length;
  }

  /** Evaluate canonical token lists; results in input order. Overlapping calls queue. */
  evaluate(tokens: readonly (readonly number[])[], request: EvalRequest = {}): Promise<FormulaEval[]> {
    // Each worker has one reply slot: batches run one after another.
    const run = this.#tail.then(() => this.#evaluate(tokens, request));
    this.#tail = run.catch(() => undefined);
    return run;
  }

  async #evaluate(tokens: readonly (readonly number[])[], request: EvalRequest): Promise<FormulaEval[]> {
    if (this.#closed) throw new Error("formula pool is closed");
    const results = new Array<FormulaEval>(tokens.length);
    const chunk = Math.min(64, Math.max(1, Math.ceil(tokens.length / (this.#slots.length * 4))));
    let next = 0;
    const drain = async (slot: Slot): Promise<void> => {
      while (next < tokens.length) {
        const from = next;
        next = Math.min(tokens.length, next + chunk);
        const id = this.#nextId++;
        const reply = await call(slot, { type: "eval", id, tokens: tokens.slice(from, next), request });
        if (reply.type !== "done") throw new Error(`formula worker failed: ${reply.type === "failed" ? reply.message : reply.type}`);
        reply.results.forEach((r, k) => (results[from + k] = r));
      }
    };
    await Promise.all(this.#slots.map(drain));
    return results;
  }

  async close(): Promise<void> {
    this.#closed = true;
    for (const s of this.#slots) s.dead ??= "formula pool is closed";
    await Promise.all(this.#slots.map((s) => s.worker.terminate()));
  }
}

function call(slot: Slot, msg: WorkerRequest): Promise<WorkerReply> {
  if (slot.dead !== null) return Promise.resolve({ type: "failed", id: -1, message: slot.dead });
  return new Promise((resolve) => {
    slot.pending = resolve;
    slot.worker.postMessage(msg);
  });
}
