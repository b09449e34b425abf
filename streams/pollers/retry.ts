/**
 * The retry Schedule REST adapters share: capped exponential backoff, jittered from our seeded
 * Rng, never shorter than the server's `Retry-After`, only while the error is retryable, at most
 * `maxRetries` times; `onRetry` sees each retry (stats, logs).
 */
import { Duration, Effect, Schedule } from "effect";
import type { Rng } from "../../core/random.js";

export interface RetryPolicy {
  readonly baseMs: number;
  readonly maxDelayMs: number;
  readonly maxRetries: number;
}

export interface RetryableError {
  readonly retryable: boolean;
  readonly retryAfterMs?: number | undefined;
}

export function restRetrySchedule<E extends RetryableError>(policy: RetryPolicy, rng: Rng, onRetry?: (e: E, attempt: number, delayMs: number) => void): Schedule.Schedule<Duration.Duration, E> {
  const capped = Schedule.min([Schedule.exponential(Duration.millis(policy.baseMs)), Schedule.spaced(Duration.millis(policy.maxDelayMs))]);
  const paced = Schedule.modifyDelay(capped, (meta: { duration: Duration.Duration; input: E }) =>
    Effect.succeed(Duration.millis(Math.max(Duration.toMillis(meta.duration) * (0.8 + 0.4 * rng.next()), meta.input.retryAfterMs ?? 0))),
  );
  const whileRetryable = paced.pipe(Schedule.while(({ input }: { input: E }) => input.retryable));
  const bounded = Schedule.max([whileRetryable, Schedule.recurs(policy.maxRetries)]);
  return onRetry === undefined ? bounded : bounded.pipe(Schedule.tap((meta) => Effect.sync(() => onRetry(meta.input, meta.attempt, Duration.toMillis(meta.duration)))));
}
