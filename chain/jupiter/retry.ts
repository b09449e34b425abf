/**
 * Named retry Schedules for Jupiter. A free key allows 60 requests a minute, so backoff starts
 * at a quarter second and honours Retry-After up to 10 s; past that the caller gets
 * JupiterRateLimitedError with the server's delay and decides (a stop loss should not sleep a
 * minute on one venue).
 */
import type { Rng } from "../../core/random.js";
import { transientRetrySchedule, type BackoffPolicy, type OnRetry } from "../rpc/retry.js";
import type { JupiterError } from "./errors.js";

/** ~0.25, 0.5, 1, 2 s (±20%), at most 4 retries. */
export const JUPITER_BACKOFF: BackoffPolicy = { baseMs: 250, maxDelayMs: 2_000, maxRetries: 4, maxRetryAfterMs: 10_000 };

export const jupiterRetrySchedule = (policy: BackoffPolicy, rng: Rng, onRetry?: OnRetry<JupiterError>) =>
  transientRetrySchedule<JupiterError>(policy, rng, onRetry);
