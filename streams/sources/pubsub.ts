/**
 * Solana PubSub (WebSocket) as an Observable of FeedEvents, through `@solana/kit` subscriptions:
 * accountSubscribe per account, logsSubscribe per program (PubSub allows one mention each) and
 * slotSubscribe. PubSub cannot replay, so after a reconnect the first slot notification tells
 * what was missed: more than one slot on from the last is reported as a `gap` event. Repeated
 * notifications are dropped (same account bytes in the same slot; dedupeFeed for logs and slots),
 * a silent socket is dropped and reconnected, malformed notifications are counted and skipped.
 *
 * Kit hands each subscription its own async iterator, each with its own queue: notifications of
 * different subscriptions are not seen in the order they came over the socket (a subscription
 * with a backlog lags one without). So no single notification, such as a feed's last slot, can
 * tell that every other one has arrived; a finite feed ends on a count instead
 * (`endAfterNotifications`).
 */
import { address, createSolanaRpcSubscriptions } from "@solana/kit";
import { asyncScheduler, defer, Observable, retry, throwError, timer, type SchedulerLike } from "rxjs";
import type { Clock } from "../../core/clock.js";
import { dedupeFeed, type DedupeStats } from "../operators/dedupe-feed.js";
import { PubSubConnectionError, type PubSubDecodeError } from "../pubsub/errors.js";
import { parseAccountNotification, parseLogsNotification, parseSlotNotification, type Parsed } from "../pubsub/parse.js";
import type { FeedEvent } from "../types.js";

export interface PubSubSourceOptions {
  readonly url: string;
  readonly accounts: readonly string[];
  /** Programs whose logs to follow (one logsSubscribe each). */
  readonly logsMentions: readonly string[];
  readonly clock: Clock;
  readonly commitment?: "processed" | "confirmed" | "finalized";
  readonly reconnect?: { readonly maxAttempts?: number; readonly initialDelayMs?: number; readonly maxDelayMs?: number };
  /** A socket with no notification for this long is dropped and reconnected. Default 60 s. */
  readonly staleAfterMs?: number;
  readonly onDecodeError?: (e: PubSubDecodeError) => void;
  /**
   * A finite feed (the loopback server): resolves to the number of notifications the server
   * wrote in all once it has written everything; the source then completes as soon as it has
   * received that many (every one counts, malformed and repeated ones included). Unresolved or
   * rejected: the feed goes on until unsubscribed.
   */
  readonly endAfterNotifications?: PromiseLike<number>;
}

export interface PubSubSourceStats {
  connects: number;
  disconnects: number;
  gaps: number;
  decodeErrors: number;
  duplicates: number;
  stale: number;
  lastSlot: number;
  /** Notifications received, of every subscription and session (malformed and repeated included). */
  notifications: number;
  readonly dedupe: DedupeStats;
}

export const newPubSubSourceStats = (): PubSubSourceStats => ({
  connects: 0,
  disconnects: 0,
  gaps: 0,
  decodeErrors: 0,
  duplicates: 0,
  stale: 0,
  lastSlot: -1,
  notifications: 0,
  dedupe: { duplicates: 0, stale: 0 },
});

export function pubsubSource(opts: PubSubSourceOptions, stats: PubSubSourceStats = newPubSubSourceStats(), scheduler: SchedulerLike = asyncScheduler): Observable<FeedEvent> {
  const commitment = opts.commitment ?? "confirmed";
  const staleMs = opts.staleAfterMs ?? 60_000;
  let writeVersion = 0;
  let attempts = 0;
  /** Last bytes per account, to drop a notification repeated within a slot. */
  const lastData = new Map<string, { slot: number; data: Uint8Array }>();
  /** A finite feed: how many notifications make it whole, once the server has said so. */
  let expected: number | null = null;
  /** Completes the running session if the feed is whole. */
  let endIfWhole: () => void = () => {};
  opts.endAfterNotifications?.then(
    (n) => {
      expected = n;
      endIfWhole();
    },
    () => {},
  );

  const session = (): Observable<FeedEvent> =>
    new Observable<FeedEvent>((subscriber) => {
      // One abort signal per subscription: kit adds listeners to the signal it is given for each
      // subscription, so a shared one would pass Node's default of 10 listeners (and warn of a
      // leak) with a handful of accounts.
      const aborts: AbortController[] = [];
      const signal = (): { abortSignal: AbortSignal } => {
        const c = new AbortController();
        aborts.push(c);
        return { abortSignal: c.signal };
      };
      const abortAll = (): void => {
        for (const c of aborts) c.abort();
      };
      const rpc = createSolanaRpcSubscriptions(opts.url);
      let done = false;
      let lastHeard = scheduler.now();
      let checkGap = stats.connects > 0;
      const fail = (err: unknown): void => {
        if (done) return;
        done = true;
        stats.disconnects++;
        abortAll();
        subscriber.next({ kind: "status", state: "disconnected", detail: String(err), tsInit: opts.clock.now() });
        subscriber.error(err instanceof PubSubConnectionError ? err : new PubSubConnectionError({ detail: String(err), retryable: true }));
      };
      const emit = (p: Parsed): void => {
        if (done) return;
        lastHeard = scheduler.now();
        if (!p.ok) {
          stats.decodeErrors++;
          opts.onDecodeError?.(p.error);
          return;
        }
        const e = p.event;
        if (e.kind === "account") {
          const last = lastData.get(e.update.pubkey);
          if (last !== undefined && last.slot === e.update.slot && Buffer.from(last.data).equals(Buffer.from(e.update.data))) return void stats.duplicates++;
          lastData.set(e.update.pubkey, { slot: e.update.slot, data: e.update.data });
        }
        if (e.kind === "slot" && checkGap) {
          checkGap = false;
          if (stats.lastSlot >= 0 && e.update.slot > stats.lastSlot + 1) {
            stats.gaps++;
            subscriber.next({ kind: "gap", requestedFromSlot: stats.lastSlot + 1, resumedAtSlot: e.update.slot, tsInit: opts.clock.now() });
          }
        }
        if (e.kind === "account" || e.kind === "transaction" || e.kind === "slot") stats.lastSlot = Math.max(stats.lastSlot, e.update.slot);
        attempts = 0;
        subscriber.next(e);
      };
      const complete = (): void => {
        if (done) return;
        done = true;
        abortAll();
        subscriber.complete();
      };
      endIfWhole = () => {
        if (expected !== null && stats.notifications >= expected) complete();
      };
      // Kit drops notifications that arrive before an iterator is being read: read each
      // subscription from the moment it is confirmed, and say "connected" once all are.
      const read = async <T>(it: AsyncIterable<T>, on: (n: T) => void): Promise<void> => {
        for await (const n of it) {
          if (done) return;
          stats.notifications++;
          on(n);
          endIfWhole();
        }
        if (!done) throw new PubSubConnectionError({ detail: "subscription ended", retryable: true });
      };
      const follow = async <T>(subscribing: Promise<AsyncIterable<T>>, on: (n: T) => void): Promise<void> => {
        const it = await subscribing;
        if (!done) read(it, on).catch(fail);
      };
      const start = async (): Promise<void> => {
        await Promise.all([
          ...opts.accounts.map((pk) =>
            follow(rpc.accountNotifications(address(pk), { commitment, encoding: "base64" }).subscribe(signal()), (n) =>
              emit(parseAccountNotification(pk, n, ++writeVersion, opts.clock.now())),
            ),
          ),
          ...opts.logsMentions.map((m) => follow(rpc.logsNotifications({ mentions: [address(m)] }, { commitment }).subscribe(signal()), (n) => emit(parseLogsNotification(m, n, opts.clock.now())))),
          follow(rpc.slotNotifications().subscribe(signal()), (n) => emit(parseSlotNotification(n, opts.clock.now()))),
        ]);
        if (done) return;
        stats.connects++;
        subscriber.next({ kind: "status", state: "connected", detail: opts.url, tsInit: opts.clock.now() });
        endIfWhole();
      };
      start().catch(fail);
      const liveness = scheduler.schedule(function (this: { schedule(s?: unknown, d?: number): void }) {
        if (done) return;
        if (scheduler.now() - lastHeard > staleMs) {
          stats.stale++;
          subscriber.next({ kind: "status", state: "stale", detail: `no notification for ${staleMs} ms`, tsInit: opts.clock.now() });
          return fail(new PubSubConnectionError({ detail: `silent for more than ${staleMs} ms`, retryable: true }));
        }
        this.schedule(undefined, Math.max(10, staleMs / 4));
      }, Math.max(10, staleMs / 4));
      return () => {
        done = true;
        endIfWhole = () => {};
        liveness.unsubscribe();
        abortAll();
      };
    });

  return defer(session).pipe(
    retry({
      delay: (err: unknown) => {
        attempts++;
        if (attempts > (opts.reconnect?.maxAttempts ?? Number.POSITIVE_INFINITY)) return throwError(() => err);
        return timer(Math.min(opts.reconnect?.maxDelayMs ?? 30_000, (opts.reconnect?.initialDelayMs ?? 500) * 2 ** (attempts - 1)), scheduler);
      },
    }),
    dedupeFeed({}, stats.dedupe),
  );
}
