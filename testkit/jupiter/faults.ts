/** Failure switches for the loopback Jupiter: scripted one-shot faults per endpoint, seeded rates. */
import { seededRng, type Rng } from "../../core/random.js";

export type JupiterFault =
  /** 400 COULD_NOT_FIND_ANY_ROUTE. */
  | "noRoute"
  /** 400 TOKEN_NOT_TRADABLE. */
  | "notTradable"
  /** A well-formed quote whose outAmount is "0". */
  | "zeroOut"
  /** 429 with Retry-After. */
  | "http429"
  | "http5xx"
  /** 200 with a body that is not JSON. */
  | "malformedJson"
  /** 200 with JSON that lacks required fields. */
  | "wrongShape"
  /** Never answer. */
  | "timeout"
  /** /swap answers with a non-null simulationError. */
  | "simulationError";

export type JupiterEndpoint = "quote" | "swap";

export class JupiterFaults {
  latencyMs = 0;
  retryAfterS = 0;
  rates: Partial<Record<"http429" | "http5xx" | "malformedJson", number>> = {};
  readonly #scripts = new Map<string, JupiterFault[]>();
  readonly #rng: Rng;

  constructor(seed = 11) {
    this.#rng = seededRng(seed);
  }

  script(endpoint: JupiterEndpoint | "*", ...faults: JupiterFault[]): void {
    this.#scripts.set(endpoint, [...(this.#scripts.get(endpoint) ?? []), ...faults]);
  }

  clear(): void {
    this.#scripts.clear();
    this.rates = {};
  }

  next(endpoint: JupiterEndpoint): JupiterFault | undefined {
    for (const key of [endpoint, "*"]) {
      const q = this.#scripts.get(key);
      if (q !== undefined && q.length > 0) return q.shift();
    }
    for (const f of ["http429", "http5xx", "malformedJson"] as const) {
      const rate = this.rates[f] ?? 0;
      if (rate > 0 && this.#rng.next() < rate) return f;
    }
    return undefined;
  }
}
