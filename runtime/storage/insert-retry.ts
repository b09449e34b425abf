/**
 * One batch insert on the writer's retry Schedule, and the verdict the writer acts on: landed,
 * bad data (dead-letter it), or anything else (keep the rows: spool them).
 */
import { Cause, Effect, Exit, Option } from "effect";
import type { Rng } from "../../core/random.js";
import { classifyError, type StorageError } from "./errors.js";
import { storageRetrySchedule, type BackoffPolicy, type OnRetry } from "./retry.js";
import type { EncodedBatch, Storage } from "./storage.js";

export type InsertOutcome = { readonly ok: true } | { readonly ok: false; readonly error: StorageError };

export interface InsertRetry {
  readonly sink: Pick<Storage, "insertEncoded" | "target">;
  readonly table: string;
  readonly policy: BackoffPolicy;
  readonly rng: Rng;
  /** Sees each retry of `batch` (stats, logs). */
  readonly onRetry: (batch: EncodedBatch, ...retry: Parameters<OnRetry>) => void;
  /** Ends retry sleeps early (close). */
  readonly signal: AbortSignal;
  /** What an insert interrupted before any attempt failed reports. */
  readonly closedError: () => StorageError;
}

/** Insert `batch`; with `once` (closing) a single attempt, else retried while retryable. */
export async function insertWithRetry(batch: EncodedBatch, r: InsertRetry, once: boolean): Promise<InsertOutcome> {
  // The outcome is recorded inside the attempt: an interrupt (close) that arrives during an
  // uninterruptible attempt surfaces after it, and must not turn a landed insert into a failure.
  let landed = false;
  let last: StorageError | undefined;
  const attempt = Effect.uninterruptible(
    Effect.tryPromise({
      try: async () => {
        await r.sink.insertEncoded(batch);
        landed = true;
      },
      catch: (e) => (last = classifyError(e, { operation: "insert", target: r.sink.target, what: r.table })),
    }),
  );
  const exit = once
    ? await Effect.runPromiseExit(attempt)
    : await Effect.runPromiseExit(Effect.retry(attempt, storageRetrySchedule(r.policy, r.rng, (...retry) => r.onRetry(batch, ...retry))), { signal: r.signal });
  if (landed || Exit.isSuccess(exit)) return { ok: true };
  const error = Option.getOrUndefined(Cause.findErrorOption(exit.cause)) ?? last;
  return { ok: false, error: error ?? r.closedError() };
}

/**
 * The server answered "this data is wrong": retrying or spooling it cannot help, so it is
 * dead-lettered. Everything else keeps the data (spool): outages, but also wrong credentials,
 * a closed storage or a missing table, which an operator fixes without touching the rows.
 */
export function isBadData(error: StorageError): boolean {
  return (error._tag === "StorageQueryError" && error.kind !== "unknown-table") || error._tag === "StorageEncodeError";
}
