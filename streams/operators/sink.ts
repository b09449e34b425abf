/**
 * Hands rows to a writer without the decision path waiting: rows are pushed (the BatchedWriter
 * buffers them and resolves once they are in memory) and the event passes on at once. A rejected
 * push (spool full, writer closed) is counted and reported, never thrown into the stream.
 */
import { Observable, type MonoTypeOperatorFunction } from "rxjs";

/** The writer port: `BatchedWriter` from runtime/storage fits it. */
export interface RowWriter<R> {
  push(rows: readonly R[]): unknown;
}

export interface SinkStats {
  rows: number;
  pushes: number;
  failures: number;
}

export interface SinkOptions<T, R> {
  readonly writer: RowWriter<R>;
  /** Rows for one event (none: nothing is written). */
  readonly toRows: (e: T) => readonly R[];
  readonly onError?: (err: unknown) => void;
}

export function sinkTo<T, R>(opts: SinkOptions<T, R>, stats: SinkStats = { rows: 0, pushes: 0, failures: 0 }): MonoTypeOperatorFunction<T> {
  const failed = (err: unknown): void => {
    stats.failures++;
    opts.onError?.(err);
  };
  return (source) =>
    new Observable<T>((subscriber) =>
      source.subscribe({
        next(e) {
          const rows = opts.toRows(e);
          if (rows.length > 0) {
            stats.rows += rows.length;
            stats.pushes++;
            try {
              const r = opts.writer.push(rows);
              if (r instanceof Promise) r.catch(failed);
            } catch (err) {
              failed(err);
            }
          }
          subscriber.next(e);
        },
        error: (err: unknown) => subscriber.error(err),
        complete: () => subscriber.complete(),
      }),
    );
}
