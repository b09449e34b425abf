/** Birdeye's retry policy: 429 storms and 5xx back off (at least Retry-After), then give up. */
import type { RetryPolicy } from "../pollers/retry.js";

/** ~0.25, 0.5, 1, 2, 4 s (±20%), up to 8 retries: a minute-long 429 storm is ridden out. */
export const BIRDEYE_RETRY: RetryPolicy = { baseMs: 250, maxDelayMs: 10_000, maxRetries: 8 };
