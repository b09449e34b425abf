/**
 * A REST poller as an Observable: run `task` now and every `intervalMs`, never two at once (a
 * slow poll delays the next instead of piling up), each result or failure emitted as a value, so
 * one bad poll never ends the stream. The task is where Promise/Effect work lives (the edge):
 * e.g. `(signal) => runtime.runPromise(requestUniverse(...), { signal })`.
 */
import { asyncScheduler, catchError, defer, exhaustMap, map, Observable, of, timer, type SchedulerLike } from "rxjs";

export type PollResult<A> = { readonly ok: true; readonly value: A; readonly tsInit: number } | { readonly ok: false; readonly error: unknown; readonly tsInit: number };

export interface PollStats {
  polls: number;
  failures: number;
}

export function poll<A>(task: (signal: AbortSignal) => Promise<A>, opts: { readonly intervalMs: number }, stats: PollStats = { polls: 0, failures: 0 }, scheduler: SchedulerLike = asyncScheduler): Observable<PollResult<A>> {
  return timer(0, opts.intervalMs, scheduler).pipe(
    exhaustMap(() =>
      defer(
        () =>
          new Observable<A>((sub) => {
            // Unsubscribing aborts the poll in flight.
            const abort = new AbortController();
            stats.polls++;
            task(abort.signal).then(
              (v) => (sub.next(v), sub.complete()),
              (e: unknown) => sub.error(e),
            );
            return () => abort.abort();
          }),
      ).pipe(
        map((value): PollResult<A> => ({ ok: true, value, tsInit: scheduler.now() })),
        catchError((error: unknown) => {
          stats.failures++;
          return of<PollResult<A>>({ ok: false, error, tsInit: scheduler.now() });
        }),
      ),
    ),
  );
}
