/**
 * Market events → closed bars, corrections and too-late events (see BarBook for the rules).
 * The watermark follows event time; with `clockWatermark` it also follows the scheduler's clock,
 * so bars close on time when a mint goes quiet (live), while replay and tests stay on event time.
 */
import { asyncScheduler, Observable, type OperatorFunction, type SchedulerLike, type Subscription } from "rxjs";
import { BarBook, type BarOptions, type BarOutput } from "../bars/bar-book.js";
import type { MarketEvent } from "../types.js";

export interface AggregateBarsOptions extends BarOptions {
  readonly clockWatermark?: boolean;
}

export function aggregateBars(opts: AggregateBarsOptions, book: BarBook = new BarBook(opts), scheduler: SchedulerLike = asyncScheduler): OperatorFunction<MarketEvent, BarOutput> {
  return (source) =>
    new Observable<BarOutput>((subscriber) => {
      const out: BarOutput[] = [];
      const emit = (): void => {
        for (let i = 0; i < out.length; i++) subscriber.next(out[i] as BarOutput);
        out.length = 0;
      };
      let timer: Subscription | null = null;
      let timerAt = Number.POSITIVE_INFINITY;
      // Wake up when the earliest open bar is due by the clock.
      const arm = (): void => {
        if (opts.clockWatermark !== true) return;
        const at = book.nextCloseAt();
        if (at === null || at >= timerAt) return;
        timer?.unsubscribe();
        timerAt = at;
        timer = scheduler.schedule(() => {
          timer = null;
          timerAt = Number.POSITIVE_INFINITY;
          book.advance(scheduler.now(), out);
          emit();
          arm();
        }, Math.max(0, at - scheduler.now()));
      };
      const sub = source.subscribe({
        next(e) {
          book.add(e, out);
          if (opts.clockWatermark === true) book.advance(scheduler.now(), out);
          if (out.length > 0) emit();
          arm();
        },
        error: (err: unknown) => subscriber.error(err),
        complete() {
          book.flush(out);
          emit();
          subscriber.complete();
        },
      });
      return () => {
        sub.unsubscribe();
        timer?.unsubscribe();
      };
    });
}
