/**
 * The one time seam. Domain code never reads the wall clock itself: it is handed a Clock
 * (wall time live, virtual time in replay and tests).
 */
export interface Clock {
  /** Milliseconds since the unix epoch. */
  now(): number;
}

/** Wall-clock time; only `runtime/` constructs this. */
export const systemClock: Clock = { now: () => Date.now() };

/** A clock that moves only when told to: replay and tests. */
export class VirtualClock implements Clock {
  #now: number;
  constructor(startMs = 0) {
    this.#now = startMs;
  }
  now(): number {
    return this.#now;
  }
  /** Move to an absolute time; time never runs backwards. */
  set(ms: number): void {
    if (ms > this.#now) this.#now = ms;
  }
  advance(ms: number): void {
    this.#now += Math.max(0, ms);
  }
}
