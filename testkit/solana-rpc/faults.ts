/**
 * Failure switches for the loopback RPC: scripted one-shot faults per method (deterministic
 * tests) and seeded random rates (soak runs), plus latency and "drop every send".
 */
import { seededRng, type Rng } from "../../core/random.js";

export type RpcFault =
  /** HTTP 429 with the rpcpool body and a Retry-After header. */
  | "http429"
  /** HTTP 503. */
  | "http5xx"
  /** HTTP 200 whose body is not JSON. */
  | "malformedJson"
  /** HTTP 200, valid JSON-RPC, but a result of the wrong shape. */
  | "wrongShape"
  /** Never answer (the client's timeout fires); nothing is executed. */
  | "timeout"
  /** sendTransaction only: execute the transaction, then never answer. */
  | "landThenTimeout"
  /** sendTransaction only: answer with the signature but never execute (lost before the leader). */
  | "drop";

export interface RpcFaultOptions {
  readonly latencyMs?: number;
  readonly retryAfterS?: number;
  readonly seed?: number;
  readonly rates?: Partial<Record<"http429" | "http5xx" | "malformedJson", number>>;
}

export class RpcFaults {
  latencyMs: number;
  retryAfterS: number;
  /** Lose every sendTransaction (congestion): transactions only expire. */
  dropSends = false;
  rates: Partial<Record<"http429" | "http5xx" | "malformedJson", number>>;
  readonly #scripts = new Map<string, RpcFault[]>();
  readonly #rng: Rng;

  constructor(opts: RpcFaultOptions = {}) {
    this.latencyMs = opts.latencyMs ?? 0;
    this.retryAfterS = opts.retryAfterS ?? 0;
    this.rates = { ...opts.rates };
    this.#rng = seededRng(opts.seed ?? 7);
  }

  /** Queue faults for the next calls of `method` ("*" for any method), in order. */
  script(method: string, ...faults: RpcFault[]): void {
    this.#scripts.set(method, [...(this.#scripts.get(method) ?? []), ...faults]);
  }

  clear(): void {
    this.#scripts.clear();
    this.rates = {};
    this.dropSends = false;
  }

  /** The fault for this call, if any: scripted first, then by rate. */
  next(method: string): RpcFault | undefined {
    for (const key of [method, "*"]) {
      const queue = this.#scripts.get(key);
      if (queue !== undefined && queue.length > 0) return queue.shift();
    }
    for (const fault of ["http429", "http5xx", "malformedJson"] as const) {
      const rate = this.rates[fault] ?? 0;
      if (rate > 0 && this.#rng.next() < rate) return fault;
    }
    if (method === "sendTransaction" && this.dropSends) return "drop";
    return undefined;
  }
}
