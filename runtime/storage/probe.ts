/**
 * While ClickHouse is unreachable, a fiber paces probes on the probe Schedule. Each probe is a
 * request the writer's loop answers with one insert attempt (so all I/O stays serial): resolved
 * once ClickHouse answered, rejected with the error to back off on.
 */
import { Cause, Effect, Exit } from "effect";
import type { Rng } from "../../core/random.js";
import { classifyError, type StorageError } from "./errors.js";
import { storageRetrySchedule, type BackoffPolicy } from "./retry.js";
import type { StorageLogger } from "./storage.js";

export interface ProbeRequest {
  readonly resolve: () => void;
  readonly reject: (e: StorageError) => void;
}

export interface ProbeOptions {
  readonly policy: BackoffPolicy;
  readonly rng: Rng;
  /** Aborted on close: no new probes, and the pacing stops. */
  readonly signal: AbortSignal;
  readonly target: string;
  readonly table: string;
  readonly log: StorageLogger;
  /** Tells the writer's loop a request waits. */
  readonly wake: () => void;
}

export class Probe {
  readonly #o: ProbeOptions;
  #probing = false;
  #gen = 0;
  #request: ProbeRequest | undefined;

  constructor(options: ProbeOptions) {
    this.#o = options;
  }

  get requested(): boolean {
    return this.#request !== undefined;
  }

  /** Start probing, unless a probe fiber already runs or the writer is closing. */
  start(): void {
    const o = this.#o;
    if (this.#probing || o.signal.aborted) return;
    this.#probing = true;
    const gen = ++this.#gen;
    const ask = Effect.tryPromise({
      try: () =>
        new Promise<void>((resolve, reject) => {
          this.#request = { resolve, reject };
          o.wake();
        }),
      catch: (e) => classifyError(e, { operation: "insert", target: o.target, what: o.table }),
    });
    const schedule = storageRetrySchedule(o.policy, o.rng);
    const program = Effect.sleep(o.policy.baseMs).pipe(Effect.andThen(Effect.retry(ask, schedule)));
    void Effect.runPromiseExit(program, { signal: o.signal }).then((exit) => {
      if (gen === this.#gen) this.#probing = false;
      if (Exit.isFailure(exit) && !o.signal.aborted) {
        o.log.error("probe gave up on a non-retryable error: the writer keeps spooling until it is reopened", {
          table: o.table,
          error: String(Cause.squash(exit.cause)),
        });
      }
    });
  }

  /** The waiting request, for the loop to answer. */
  take(): ProbeRequest | undefined {
    const req = this.#request;
    this.#request = undefined;
    return req;
  }

  /** ClickHouse answered: this fiber is done; a new outage starts a new one. */
  ended(): void {
    this.#probing = false;
  }

  /** Closing: fail a request nobody will answer. */
  cancel(error: StorageError): void {
    this.#request?.reject(error);
    this.#request = undefined;
  }
}
