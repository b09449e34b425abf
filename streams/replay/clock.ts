/**
 * Replay time: an RxJS `VirtualTimeScheduler` whose frame is unix milliseconds, so one object is
 * the scheduler every time-based operator takes (`aggregateBars`, `coalesceMarket`, ...), the
 * domain `Clock` (`now()`), and XState's timer seam (`timers`). It moves only when the replay
 * source advances it to the next event's time; timers due on the way run in time order, one at
 * a time, so whoever drives it can let their effects settle between two of them.
 *
 * `flush()` of the base class would run every action, timers past the next event included;
 * replay calls `runNext(until)` instead (STYLE §4: VirtualTimeScheduler runs replay as fast as
 * possible).
 */
import { VirtualAction, VirtualTimeScheduler, type SchedulerAction, type Subscription } from "rxjs";
import type { Clock } from "../../core/clock.js";

/** XState's `clock` option (setTimeout/clearTimeout), on virtual time. */
export interface VirtualTimers {
  setTimeout(fn: (...args: unknown[]) => void, timeout: number): unknown;
  clearTimeout(id: unknown): void;
}

export class ReplayClock extends VirtualTimeScheduler implements Clock {
  /** Timer callbacks run so far (bar watermarks, machine delays, periodic ticks). */
  timersRun = 0;
  readonly timers: VirtualTimers;

  constructor(startMs = 0) {
    super(VirtualAction, Number.POSITIVE_INFINITY);
    this.frame = startMs;
    this.timers = {
      setTimeout: (fn, timeout) => this.schedule(() => fn(), Math.max(0, timeout)),
      clearTimeout: (id) => (id as Subscription | undefined)?.unsubscribe?.(),
    };
  }

  /** Time of the earliest pending timer, or +Infinity. */
  nextDue(): number {
    return this.actions[0]?.delay ?? Number.POSITIVE_INFINITY;
  }

  /** Run the earliest timer if it is due at or before `until`; false when none is. */
  runNext(until: number): boolean {
    const action = this.actions[0];
    if (action === undefined || !(action.delay <= until)) return false;
    this.actions.shift();
    if (action.delay > this.frame) this.frame = action.delay;
    this.timersRun++;
    const error: unknown = action.execute(action.state, action.delay);
    if (error !== undefined) throw error;
    return true;
  }

  /** Move to `ms` (never backwards). Timers due before it must have been run first. */
  set(ms: number): void {
    if (ms > this.frame) this.frame = ms;
  }

  /** Run every timer due up to `ms`, then move there (no settling between timers). */
  advanceTo(ms: number): void {
    while (this.runNext(ms));
    this.set(ms);
  }

  /**
   * A callback every `periodMs` of virtual time, first at `firstAt`. Returns the subscription;
   * replay-driven only: nothing runs unless the clock is advanced.
   */
  every(periodMs: number, firstAt: number, fn: () => void): Subscription {
    return this.schedule(function (this: SchedulerAction<undefined>) {
      fn();
      this.schedule(undefined, periodMs);
    }, Math.max(0, firstAt - this.frame));
  }
}
