/**
 * Named retry Schedules for storage writes (STYLE.md 2/7): capped exponential backoff, jittered
 * from our seeded Rng (not Effect's default Random, so a seed reproduces a run), continuing only
 * while the error is retryable.
 */
import { Duration, Effect, Schedule } from "effect";
import type { Rng } from "../../core/random.js";
import type { StorageError } from "./errors.js";

export interface BackoffPolicy {
  /** First delay. */
  readonly baseMs: number;
  /** Cap on any one delay. */
  readonly maxDelayMs: number;
  /** Retries after the first attempt (Infinity: until success or interruption). */
  readonly maxRetries: number;
}

/** An insert: ~0.1, 0.2, 0.4, 0.8, 1.6 s (±20%), then the batch goes to the spool. */
export const INSERT_BACKOFF: BackoffPolicy = { baseMs: 100, maxDelayMs: 5_000, maxRetries: 5 };

/** Probing an unreachable ClickHouse from the spool: 0.5 s doubling to 30 s, forever. */
export const PROBE_BACKOFF: BackoffPolicy = { baseMs: 500, maxDelayMs: 30_000, maxRetries: Infinity };

export type OnRetry = (error: StorageError, attempt: number, delayMs: number) => void;

/** Multiply each delay by a factor in [0.8, 1.2) drawn from `rng`. */
export const jitteredWith =
  (rng: Rng) =>
  <O, I, E, R>(self: Schedule.Schedule<O, I, E, R>): Schedule.Schedule<O, I, E, R> =>
    Schedule.modifyDelay(self, (meta) => Effect.succeed(Duration.millis(Duration.toMillis(meta.duration) * (0.8 + 0.4 * rng.next()))));

/**
 * Retry a storage operation: delays `min(base * 2^n, maxDelay)` jittered, while the error is
 * retryable, at most `maxRetries` times; `onRetry` sees each retry (stats, logs).
 */
export function storageRetrySchedule(
  policy: BackoffPolicy,
  rng: Rng,
  onRetry?: OnRetry,
): Schedule.Schedule<Duration.Duration, StorageError> {
  const capped = Schedule.min([Schedule.exponential(Duration.millis(policy.baseMs)), Schedule.spaced(Duration.millis(policy.maxDelayMs))]);
  const retryable = jitteredWith(rng)(capped).pipe(Schedule.while(({ input }: { input: StorageError }) => input.retryable));
  const bounded = Number.isFinite(policy.maxRetries)
    ? Schedule.max([retryable, Schedule.recurs(policy.maxRetries)])
    : retryable;
  return onRetry === undefined
    ? bounded
    : bounded.pipe(
        Schedule.tap((meta) => Effect.sync(() => onRetry(meta.input, meta.attempt, Duration.toMillis(meta.duration)))),
      );
}
