/**
 * The restart policy as named Effect Schedules (STYLE.md 2/7), on the same numbers and the same
 * `backoffDelay` as the supervisor machine's pure `restartDecision`. The machine decides
 * restarts across a sliding window; these Schedules drive an Effect that restarts a child in a
 * loop (`Effect.retry(startChild, restartSchedule(...))`): one run of consecutive failures.
 * Jitter comes from our seeded Rng, not Effect's Random, so a seed reproduces a run.
 */
import { Data, Duration, Effect, Schedule } from "effect";
import type { Rng } from "../../core/random.js";
import { jitterMs, type RestartPolicy } from "../../machines/supervisor.restart.js";

/** A child failed; `retryable: false` (bad config, missing key) is not worth a restart. */
export class ChildCrashError extends Data.TaggedError("ChildCrashError")<{
  readonly name: string;
  readonly message: string;
  readonly retryable: boolean;
}> {}

/** min(base * factor^n, maxDelay) for the n-th restart (0-based). */
export const cappedBackoff = (p: RestartPolicy): Schedule.Schedule<Duration.Duration> =>
  Schedule.min([Schedule.exponential(Duration.millis(p.baseMs), p.factor), Schedule.spaced(Duration.millis(p.maxDelayMs))]);

/** Scale each delay by 1 - jitter + 2 * jitter * u, u drawn from `rng`, in whole ms (as `backoffDelay`). */
export const jitteredWith =
  (rng: Rng, jitter: number) =>
  <O, I, E, R>(self: Schedule.Schedule<O, I, E, R>): Schedule.Schedule<O, I, E, R> =>
    Schedule.modifyDelay(self, (meta) => Effect.succeed(Duration.millis(jitterMs(Duration.toMillis(meta.duration), jitter, rng.next()))));

/** The jittered backoff with the budget: at most `maxRestarts` restarts. */
export const restartBackoff = (p: RestartPolicy, rng: Rng): Schedule.Schedule<Duration.Duration> =>
  Schedule.max([jitteredWith(rng, p.jitter)(cappedBackoff(p)), Schedule.recurs(p.maxRestarts)]);

export type OnRestart = (error: ChildCrashError, attempt: number, delayMs: number) => void;

/**
 * Restart a crashed child: the jittered capped backoff, only while the crash is retryable, at
 * most `maxRestarts` times; `onRestart` sees each restart (metrics, logs). When it gives up,
 * the last error comes out: the caller marks the child degraded.
 */
export function restartSchedule(p: RestartPolicy, rng: Rng, onRestart?: OnRestart): Schedule.Schedule<Duration.Duration, ChildCrashError> {
  const retryable = jitteredWith(rng, p.jitter)(cappedBackoff(p)).pipe(
    Schedule.while(({ input }: { input: ChildCrashError }) => input.retryable),
  );
  const bounded = Schedule.max([retryable, Schedule.recurs(p.maxRestarts)]);
  return onRestart === undefined
    ? bounded
    : bounded.pipe(Schedule.tap((meta) => Effect.sync(() => onRestart(meta.input, meta.attempt, Duration.toMillis(meta.duration)))));
}
