/**
 * The replay source: recorded rows, a page at a time, as the `Observable<FeedEvent>` a live feed
 * would have been, on a virtual clock. Before each event the clock is advanced to the event's
 * venue time, running (in time order, one by one) every timer that falls due on the way: bar
 * watermarks, the position machines' delays, the runtime's periodic ticks. Nothing waits on the
 * wall clock: replay runs as fast as the consumer takes it.
 *
 * Backpressure is pull: the next page is read only after the last one was consumed, and a
 * consumer whose reaction is asynchronous (a paper fill settles in a promise) returns a promise
 * from `pace`, which the source awaits before the next event or timer. Memory is the reader's
 * bound (`pageSize` rows) however long the range.
 *
 * Live feeds close a slot with a slot update; recordings do not store them (feed-rows.ts), so the
 * source emits one (`processed`) when the next slot begins and after the last row, exactly where
 * the live feed put it: two-vault pools tick when their slot is over, as live.
 */
import { Observable } from "rxjs";
import type { FeedEvent } from "../types.js";
import type { ReplayClock } from "./clock.js";
import type { RowReader } from "./readers.js";
import { eventTime, rawRowDecoder, type RecordedRow, type RowDecoder } from "./rows.js";

export interface ReplayStats {
  /** Rows read. */
  rows: number;
  /** Events emitted (slot updates made here included). */
  events: number;
  /** Slot updates made here. */
  slotUpdates: number;
  /** Timers run between events. */
  timers: number;
  /** Times the consumer asked to wait (`pace` returned a promise). */
  waits: number;
  /** Venue time of the first and last event (unix ms); null before the first. */
  firstMs: number | null;
  lastMs: number | null;
  firstSlot: number;
  lastSlot: number;
}

export const newReplayStats = (): ReplayStats => ({ rows: 0, events: 0, slotUpdates: 0, timers: 0, waits: 0, firstMs: null, lastMs: null, firstSlot: -1, lastSlot: -1 });

export interface ReplaySourceOptions {
  readonly reader: RowReader;
  readonly clock: ReplayClock;
  /** Rows to events; default the raw feed rows live ingest writes (`rawRowDecoder()`). */
  readonly decode?: RowDecoder;
  /** Emit a slot update when a slot is over (default true; off for decoders that make their own). */
  readonly slotUpdates?: boolean;
  /**
   * Asked after each event and each timer: a promise makes the source wait for it (the
   * consumer's asynchronous reaction must settle first); undefined goes on at once.
   */
  readonly pace?: () => Promise<unknown> | undefined;
  readonly stats?: ReplayStats;
  /** Timers due after the last event, up to this time, run before completing (default none). */
  readonly drainUntilMs?: number;
}

/** Recorded rows as a feed, on virtual time. Cold: each subscription reads the reader once. */
export function replayFeed(o: ReplaySourceOptions): Observable<FeedEvent> {
  return new Observable<FeedEvent>((subscriber) => {
    const decode = o.decode ?? rawRowDecoder();
    const slots = o.slotUpdates ?? true;
    const stats = o.stats ?? newReplayStats();
    const clock = o.clock;
    let stopped = false;
    let slot = -1;
    let slotMs = 0;

    // Everything below is synchronous until someone asks to wait: an `await` per event would cost
    // more than the event. Each step returns a promise only when it must be waited for.
    const paced = (): Promise<unknown> | undefined => {
      const p = o.pace?.();
      if (p !== undefined) stats.waits++;
      return p;
    };

    /** Timers due up to `t`, one by one, each allowed to settle; then the clock is at `t`. */
    const runTimers = (t: number): Promise<void> | undefined => {
      while (!stopped && clock.nextDue() <= t) {
        clock.runNext(t);
        stats.timers++;
        const p = paced();
        if (p !== undefined) return p.then(() => runTimers(t));
      }
      clock.set(t);
      return undefined;
    };

    const deliver = (e: FeedEvent, t: number): Promise<unknown> | undefined => {
      if (stopped) return undefined;
      stats.events++;
      if (stats.firstMs === null) stats.firstMs = t;
      stats.lastMs = t;
      subscriber.next(e);
      return paced();
    };

    const emit = (e: FeedEvent): Promise<unknown> | undefined => {
      const t = eventTime(e);
      if (clock.nextDue() <= t) {
        const p = runTimers(t);
        if (p !== undefined) return p.then(() => deliver(e, t));
      } else clock.set(t);
      return deliver(e, t);
    };

    const slotOver = (s: number, ms: number): FeedEvent => {
      stats.slotUpdates++;
      return { kind: "slot", update: { slot: s, parent: s - 1, status: "processed", tsEvent: ms, tsInit: ms } };
    };

    /** Emit `events` from `i` on; continues asynchronously after a wait. */
    const emitAll = (events: readonly FeedEvent[], i: number): Promise<unknown> | undefined => {
      for (; i < events.length && !stopped; i++) {
        const p = emit(events[i] as FeedEvent);
        if (p !== undefined) {
          const next = i + 1;
          return p.then(() => emitAll(events, next));
        }
      }
      return undefined;
    };

    // One array for every row's events: the next row is decoded only once the last one's were emitted.
    const events: FeedEvent[] = [];
    const onRow = (row: RecordedRow): Promise<unknown> | undefined => {
      stats.rows++;
      events.length = 0;
      if (slots && row.slot > slot) {
        if (slot >= 0) events.push(slotOver(slot, slotMs));
        slot = row.slot;
      }
      decode(row, events);
      for (const e of events) {
        if (e.kind === "account" || e.kind === "transaction") {
          if (stats.firstSlot < 0) stats.firstSlot = e.update.slot;
          if (e.update.slot > stats.lastSlot) stats.lastSlot = e.update.slot;
          if (e.update.slot === slot && e.update.tsEvent > slotMs) slotMs = e.update.tsEvent;
        }
      }
      return emitAll(events, 0);
    };

    const run = async (): Promise<void> => {
      try {
        for (;;) {
          if (stopped) return;
          const page = await o.reader.next();
          if (page === null) break;
          for (let i = 0; i < page.length && !stopped; i++) {
            const p = onRow(page[i] as RecordedRow);
            if (p !== undefined) await p;
          }
        }
        if (stopped) return;
        if (slots && slot >= 0) await emit(slotOver(slot, slotMs));
        if (o.drainUntilMs !== undefined) await runTimers(o.drainUntilMs);
        if (!stopped) subscriber.complete();
      } catch (e) {
        if (!stopped) subscriber.error(e);
      } finally {
        await o.reader.close().catch(() => undefined);
      }
    };
    void run();
    return () => {
      stopped = true;
    };
  });
}
