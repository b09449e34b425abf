/**
 * Named retry Schedules for the Solana RPC (STYLE.md 2/7): capped exponential backoff, jittered
 * from our seeded Rng (a seed reproduces a run), continuing only while the error is retryable,
 * waiting at least the server's Retry-After, and giving up when that asks for too long.
 */
import { Duration, Effect, Schedule } from "effect";
import type { Rng } from "../../core/random.js";

export interface BackoffPolicy {
  /** First delay. */
  readonly baseMs: number;
  /** Cap on one backoff delay. */
  readonly maxDelayMs: number;
  /** Retries after the first attempt. */
  readonly maxRetries: number;
  /** A Retry-After longer than this ends retrying: the caller decides what to do instead. */
  readonly maxRetryAfterMs: number;
}

/** Reads (statuses, heights, transactions): ~0.1, 0.2, 0.4, 0.8, 1 s (±20%). */
export const RPC_READ_BACKOFF: BackoffPolicy = { baseMs: 100, maxDelayMs: 1_000, maxRetries: 5, maxRetryAfterMs: 5_000 };

/**
 * `policy` allowing `attempts` attempts in all: the first plus `attempts - 1` retries
 * (`execution.maxSendAttempts` counts attempts, the policy counts retries).
 */
export const withMaxAttempts = (policy: BackoffPolicy, attempts: number): BackoffPolicy => ({ ...policy, maxRetries: Math.max(0, Math.floor(attempts) - 1) });

/** For tests against loopback servers: same shape, millisecond delays. */
export const FAST_BACKOFF: BackoffPolicy = { baseMs: 1, maxDelayMs: 5, maxRetries: 5, maxRetryAfterMs: 5_000 };

/** What a schedule needs to know about an error. */
export interface RetryableError {
  readonly retryable: boolean;
  readonly retryAfterMs?: number | undefined;
}

export type OnRetry<E> = (error: E, attempt: number, delayMs: number) => void;

/** Multiply each delay by a factor in [0.8, 1.2) drawn from `rng`. */
export const jitteredWith =
  (rng: Rng) =>
  <O, I, E, R>(self: Schedule.Schedule<O, I, E, R>): Schedule.Schedule<O, I, E, R> =>
    Schedule.modifyDelay(self, (meta) => Effect.succeed(Duration.millis(Duration.toMillis(meta.duration) * (0.8 + 0.4 * rng.next()))));

/**
 * Retry transient failures: delays `min(base * 2^n, maxDelay)` jittered, raised to the error's
 * Retry-After, while the error is retryable, at most `maxRetries` times.
 */
export function transientRetrySchedule<E extends RetryableError>(policy: BackoffPolicy, rng: Rng, onRetry?: OnRetry<E>): Schedule.Schedule<Duration.Duration, E> {
  const capped = Schedule.min([Schedule.exponential(Duration.millis(policy.baseMs)), Schedule.spaced(Duration.millis(policy.maxDelayMs))]);
  const retrying = jitteredWith(rng)(capped).pipe(
    Schedule.while(({ input }: { input: E }) => input.retryable && (input.retryAfterMs ?? 0) <= policy.maxRetryAfterMs),
    Schedule.modifyDelay((meta) => Effect.succeed(Duration.millis(Math.max(Duration.toMillis(meta.duration), meta.input.retryAfterMs ?? 0)))),
  );
  const bounded = Schedule.max([retrying, Schedule.recurs(policy.maxRetries)]);
  return onRetry === undefined
    ? bounded
    : bounded.pipe(Schedule.tap((meta) => Effect.sync(() => onRetry(meta.input, meta.attempt, Duration.toMillis(meta.duration)))));
}
