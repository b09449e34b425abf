/**
 * Yellowstone Geyser as an Observable of FeedEvents, through the real napi client. It resumes
 * after a disconnect from the last processed slot (less a small overlap for updates still in
 * flight), drops what the resume or the provider sends twice (dedupeFeed), reports a resume the
 * provider can no longer serve as an explicit `gap` event, and watches liveness: it pings, and a
 * stream silent for `staleAfterMs` is dropped and reconnected.
 */
import { asyncScheduler, defer, Observable, retry, throwError, timer, type SchedulerLike } from "rxjs";
import type { Clock } from "../../core/clock.js";
import { classifyGeyserError, errorText, FROM_SLOT_UNAVAILABLE, GeyserConnectionError, type GeyserDecodeError } from "../geyser/errors.js";
import { parseSubscribeUpdate } from "../geyser/parse.js";
import { SubscribeRequest, YellowstoneClient, type SubscribeUpdate } from "../geyser/wire.js";
import { dedupeFeed, type DedupeOptions, type DedupeStats } from "../operators/dedupe-feed.js";
import type { FeedEvent } from "../types.js";

export interface GeyserSourceOptions {
  readonly endpoint: string;
  readonly token?: string;
  /** The filters; `fromSlot` is the source's business. */
  readonly request: SubscribeRequest;
  readonly clock: Clock;
  /** First subscription starts here (a restart resuming from storage); default: live. */
  readonly fromSlot?: number;
  /** Slots re-requested before the last processed one on resume. Default 2. */
  readonly resumeOverlapSlots?: number;
  readonly reconnect?: { readonly maxAttempts?: number; readonly initialDelayMs?: number; readonly maxDelayMs?: number };
  readonly liveness?: { readonly pingIntervalMs?: number; readonly staleAfterMs?: number };
  readonly dedupe?: DedupeOptions;
  readonly onDecodeError?: (e: GeyserDecodeError) => void;
}

export interface GeyserSourceStats {
  connects: number;
  disconnects: number;
  gaps: number;
  decodeErrors: number;
  pongs: number;
  stale: number;
  /** Highest slot delivered downstream. */
  lastSlot: number;
  readonly dedupe: DedupeStats;
}

export const newGeyserSourceStats = (): GeyserSourceStats => ({ connects: 0, disconnects: 0, gaps: 0, decodeErrors: 0, pongs: 0, stale: 0, lastSlot: -1, dedupe: { duplicates: 0, stale: 0 } });

function eventSlot(ev: FeedEvent): number {
  return ev.kind === "account" || ev.kind === "transaction" || ev.kind === "slot" ? ev.update.slot : -1;
}

export function geyserSource(opts: GeyserSourceOptions, stats: GeyserSourceStats = newGeyserSourceStats(), scheduler: SchedulerLike = asyncScheduler): Observable<FeedEvent> {
  const overlap = opts.resumeOverlapSlots ?? 2;
  const initialDelay = opts.reconnect?.initialDelayMs ?? 500;
  const maxDelay = opts.reconnect?.maxDelayMs ?? 30_000;
  const pingMs = opts.liveness?.pingIntervalMs ?? 15_000;
  const staleMs = opts.liveness?.staleAfterMs ?? 3 * pingMs;
  /** Set when the provider told us where its buffer starts; wins over the resume slot once. */
  let forcedFrom: number | null = null;
  /** Failed attempts in a row; a session that delivers data resets it. */
  let attempts = 0;
  /**
   * The provider resumes at `first`: slots after the last one we processed and before `first`
   * are lost. Overlap slots (already processed) are not a gap.
   */
  let gapReportedTo = -1;
  const gapTo = (first: number, requested: number): FeedEvent | null => {
    const lastDone = stats.lastSlot >= 0 ? stats.lastSlot : requested - 1;
    // Attempts that fail before any data would report the same loss again: only what is new.
    const from = Math.max(lastDone + 1, gapReportedTo);
    if (first <= from) return null;
    gapReportedTo = first;
    stats.gaps++;
    return { kind: "gap", requestedFromSlot: from, resumedAtSlot: first, tsInit: opts.clock.now() };
  };

  const session = (): Observable<FeedEvent> =>
    new Observable<FeedEvent>((subscriber) => {
      let stream: Awaited<ReturnType<YellowstoneClient["subscribe"]>> | null = null;
      let done = false;
      let lastHeard = scheduler.now();
      let pingId = 0;
      const fail = (err: unknown): void => {
        if (done) return;
        done = true;
        stats.disconnects++;
        subscriber.next({ kind: "status", state: "disconnected", detail: errorText(err), tsInit: opts.clock.now() });
        const m = FROM_SLOT_UNAVAILABLE.exec(errorText(err));
        if (m !== null) {
          // Our resume point fell out of the provider's buffer between asking and subscribing.
          forcedFrom = Number(m[2]);
          const gap = gapTo(forcedFrom, Number(m[1]));
          if (gap !== null) subscriber.next(gap);
        }
        subscriber.error(err instanceof GeyserConnectionError ? err : classifyGeyserError(err));
      };

      const liveness = scheduler.schedule(function (this: { schedule(s?: unknown, d?: number): void }) {
        if (done) return;
        if (scheduler.now() - lastHeard > staleMs) {
          stats.stale++;
          subscriber.next({ kind: "status", state: "stale", detail: `no message for ${staleMs} ms`, tsInit: opts.clock.now() });
          return fail(new GeyserConnectionError({ reason: "stale", detail: `silent for more than ${staleMs} ms`, retryable: true }));
        }
        stream?.write(SubscribeRequest.fromPartial({ ping: { id: ++pingId } }));
        this.schedule(undefined, pingMs);
      }, pingMs);

      const start = async (): Promise<void> => {
        const client = new YellowstoneClient(opts.endpoint, opts.token, undefined);
        await client.connect();
        const resume = forcedFrom ?? (stats.lastSlot >= 0 ? Math.max(0, stats.lastSlot - overlap) : opts.fromSlot);
        forcedFrom = null;
        let fromSlot = resume;
        if (resume !== undefined) {
          // Ask first: a resume point the provider no longer holds is a gap we must report.
          const info = await client.subscribeReplayInfo().catch(() => null);
          const first = info?.firstAvailable === undefined ? null : Number(info.firstAvailable);
          if (first !== null && first > resume) {
            const gap = gapTo(first, resume);
            if (gap !== null) subscriber.next(gap);
            fromSlot = first;
          }
        }
        if (done) return;
        const s = await client.subscribe();
        stream = s;
        if (done) return void s.destroy();
        s.on("data", (u: SubscribeUpdate) => {
          if (done) return;
          lastHeard = scheduler.now();
          const p = parseSubscribeUpdate(u, opts.clock.now());
          if (!p.ok) {
            stats.decodeErrors++;
            opts.onDecodeError?.(p.error);
            return;
          }
          if (p.event === null) {
            if (p.control === "pong") stats.pongs++;
            return;
          }
          const slot = eventSlot(p.event);
          if (slot > stats.lastSlot) stats.lastSlot = slot;
          attempts = 0;
          subscriber.next(p.event);
        });
        s.on("error", fail);
        s.on("close", () => fail(new GeyserConnectionError({ reason: "ended", detail: "stream closed", retryable: true })));
        s.write({ ...opts.request, ...(fromSlot === undefined ? {} : { fromSlot: String(fromSlot) }) } satisfies SubscribeRequest);
        stats.connects++;
        subscriber.next({ kind: "status", state: "connected", detail: fromSlot === undefined ? "live" : `from slot ${fromSlot}`, tsInit: opts.clock.now() });
      };
      start().catch(fail);

      return () => {
        done = true;
        liveness.unsubscribe();
        stream?.destroy();
      };
    });

  return defer(session).pipe(
    retry({
      delay: (err: unknown) => {
        attempts++;
        if ((err instanceof GeyserConnectionError && !err.retryable) || attempts > (opts.reconnect?.maxAttempts ?? Number.POSITIVE_INFINITY)) return throwError(() => err);
        // A provider that told us where to resume gets asked again at once.
        const ms = forcedFrom !== null ? 0 : Math.min(maxDelay, initialDelay * 2 ** (attempts - 1));
        return timer(ms, scheduler);
      },
    }),
    dedupeFeed(opts.dedupe, stats.dedupe),
  );
}
