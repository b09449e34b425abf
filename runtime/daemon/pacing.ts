/**
 * Pacing of a replayed or simulated feed: events go out `speed` times as fast as they happened,
 * the first one at once, each later one when the wall clock has caught up with it.
 */
export interface PacingOptions {
  /** Feed seconds per wall second (60: a one-minute bar per second). */
  readonly speed: number;
  /** Wall clock and sleep (defaults: Date.now and setTimeout). */
  readonly now?: () => number;
  readonly sleep?: (ms: number) => Promise<void>;
}

export const wallClock = (o: PacingOptions): (() => number) => o.now ?? (() => Date.now());

/** Waits until the event stamped `eventMs` is due; waits under 2 ms are not worth a timer. */
export function pacer(o: PacingOptions): (eventMs: number) => Promise<void> {
  if (!(o.speed > 0)) throw new RangeError(`feed speed must be positive, got ${o.speed}`);
  const now = wallClock(o);
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  let wall0: number | null = null;
  let feed0: number | null = null;
  return async (eventMs) => {
    wall0 ??= now();
    feed0 ??= eventMs;
    const wait = wall0 + (eventMs - feed0) / o.speed - now();
    if (wait > 2) await sleep(wait);
  };
}
