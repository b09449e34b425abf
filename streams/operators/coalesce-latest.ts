/**
 * Per-key coalescing over a bounded buffer: under a burst, droppable events (price ticks) of one
 * key collapse into the latest, flushed every `windowMs`; events that must never be dropped
 * (trades, fills, order events) pass at once, after the pending tick of their key so per-key
 * order holds. Memory is bounded by `maxKeys`: past it the oldest pending tick is emitted early.
 * With `bucket`, ticks are only merged within one bucket (a bar), and every pending tick leaves
 * before the first event of a later bucket: a tick held back by the window can never arrive after
 * the event-time watermark downstream has closed its bar, so bars stay exact.
 */
import { asyncScheduler, Observable, type MonoTypeOperatorFunction, type SchedulerLike, type Subscription } from "rxjs";

export interface CoalesceOptions<T> {
  /** The instrument: ticks with the same key coalesce. */
  readonly key: (e: T) => string;
  /** True for events that may be merged away (price ticks); false for ones never dropped. */
  readonly droppable: (e: T) => boolean;
  /** Merge only ticks of the same bucket (e.g. bar number); a new bucket flushes the old tick. */
  readonly bucket?: (e: T) => number;
  /** How a newer tick absorbs the pending one (default: the newer wins). */
  readonly merge?: (pending: T, next: T) => T;
  /** Pending ticks are flushed this long after the first of a window arrived. */
  readonly windowMs: number;
  /** Bound on pending keys. Default 10,000. */
  readonly maxKeys?: number;
}

export interface CoalesceStats {
  /** Ticks absorbed into a later one. */
  merged: number;
  /** Pending ticks flushed early because the buffer was full. */
  evicted: number;
}

export function coalesceLatest<T>(opts: CoalesceOptions<T>, stats: CoalesceStats = { merged: 0, evicted: 0 }, scheduler: SchedulerLike = asyncScheduler): MonoTypeOperatorFunction<T> {
  const maxKeys = opts.maxKeys ?? 10_000;
  const merge = opts.merge ?? ((_p: T, n: T) => n);
  return (source) =>
    new Observable<T>((subscriber) => {
      const pending = new Map<string, T>();
      let timer: Subscription | null = null;
      let maxBucket = Number.NEGATIVE_INFINITY;

      const flushAll = (): void => {
        timer = null;
        // Emit in arrival order; clear first so a re-entrant next() starts a fresh window.
        const batch = [...pending.values()];
        pending.clear();
        for (const t of batch) subscriber.next(t);
      };
      const take = (k: string): void => {
        const p = pending.get(k);
        if (p !== undefined) {
          pending.delete(k);
          subscriber.next(p);
        }
      };

      const sub = source.subscribe({
        next(e) {
          if (opts.bucket !== undefined) {
            const b = opts.bucket(e);
            if (b > maxBucket) {
              if (pending.size > 0) flushAll();
              maxBucket = b;
            }
          }
          const k = opts.key(e);
          if (!opts.droppable(e)) {
            take(k);
            subscriber.next(e);
            return;
          }
          const p = pending.get(k);
          if (p !== undefined) {
            if (opts.bucket === undefined || opts.bucket(p) === opts.bucket(e)) {
              stats.merged++;
              pending.set(k, merge(p, e));
              return;
            }
            take(k);
          }
          pending.set(k, e);
          if (pending.size > maxKeys) {
            stats.evicted++;
            const oldest = pending.keys().next();
            if (oldest.done !== true) take(oldest.value);
          }
          timer ??= scheduler.schedule(flushAll, opts.windowMs);
        },
        error(err: unknown) {
          timer?.unsubscribe();
          flushAll();
          subscriber.error(err);
        },
        complete() {
          timer?.unsubscribe();
          flushAll();
          subscriber.complete();
        },
      });
      return () => {
        sub.unsubscribe();
        timer?.unsubscribe();
        pending.clear();
      };
    });
}
