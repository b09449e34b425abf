/**
 * A token bucket per API: `take` waits until a request may go. Each take reserves its slot at
 * once, so concurrent callers queue in order without a lock. Time is Effect's Clock (TestClock in
 * tests), sleeping is Effect's.
 */
import { Clock, Duration, Effect } from "effect";

export class TokenBucket {
  readonly #ratePerMs: number;
  readonly #burst: number;
  #tokens: number;
  #last = Number.NaN;
  /** Requests that had to wait, and for how long in all. */
  waited = 0;
  waitedMs = 0;

  constructor(ratePerSecond: number, burst = 1) {
    if (!(ratePerSecond > 0)) throw new RangeError(`rate must be > 0, got ${ratePerSecond}`);
    this.#ratePerMs = ratePerSecond / 1000;
    this.#burst = Math.max(1, burst);
    this.#tokens = this.#burst;
  }

  readonly take: Effect.Effect<void> = Effect.flatMap(Clock.currentTimeMillis, (now) => {
    if (Number.isNaN(this.#last)) this.#last = now;
    this.#tokens = Math.min(this.#burst, this.#tokens + (now - this.#last) * this.#ratePerMs);
    this.#last = now;
    this.#tokens -= 1;
    if (this.#tokens >= 0) return Effect.void;
    const waitMs = -this.#tokens / this.#ratePerMs;
    this.waited++;
    this.waitedMs += waitMs;
    return Effect.sleep(Duration.millis(waitMs));
  });
}
