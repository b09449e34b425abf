/**
 * A paper-trading session on the simulated market, recorded the way the daemon records one:
 * the loopback market's Geyser updates (testkit's SimGeyserFeed, curves registered up front as
 * `startLoopbackMarket` does), parsed by the live Geyser parser in arrival order with their slot
 * updates, each stamped with the clock at receipt; every feed event goes to `record` as the raw
 * `feed_events` rows live ingest writes (`rawFeedRows`, at the ingest child's place: before
 * decoding). The trading composition is the replay's (`runSession`), on a virtual clock paced
 * like the loopback at infinite speed: a message, then everything it caused, then the next.
 *
 * Its recording replayed through `runReplay` must give the same transitions and intents: the
 * parity test (test/e2e/replay-parity.test.ts). What differs between the two runs is what replay
 * reconstructs: events from stored rows, chain order instead of arrival order, slot updates the
 * recording never stored, curve mints from the rows.
 */
import { Observable } from "rxjs";
import { parseSubscribeUpdate } from "../../streams/geyser/parse.js";
import type { FeedEventRow } from "../../streams/sinks/rows.js";
import type { FeedEvent } from "../../streams/types.js";
import { SimGeyserFeed } from "../../testkit/geyser/sim-feed.js";
import { simulateMarket, type SimEvent, type SimOptions } from "../../testkit/sim/index.js";
import { rawFeedRows } from "../ingest/feed-rows.js";
import { runSession, type ReplayResult, type SessionEnv, type SessionOptions } from "./driver.js";

export interface PaperSessionOptions extends SessionOptions {
  readonly sim: SimOptions;
  /** Every raw feed row, in arrival order, as live ingest hands them to its writer. */
  readonly record: (row: FeedEventRow) => void;
}

export async function runPaperSession(o: PaperSessionOptions): Promise<ReplayResult> {
  const market = simulateMarket(o.sim);
  const feed = new SimGeyserFeed();
  let rows: ((e: FeedEvent) => readonly FeedEventRow[]) | null = null;
  return runSession(
    o,
    (env) => {
      for (const p of market.plans) if (!p.direct) env.registry.registerCurve(feed.address(p.launchPool), feed.address(p.mint));
      rows = rawFeedRows("geyser", (pk) => env.registry.mintOfCurve(pk));
      return liveSimFeed(env, market.events(), feed);
    },
    (e) => {
      for (const r of rows?.(e) ?? []) o.record(r);
    },
  );
}

/** The simulated market as Geyser would stream it, on the session's virtual clock. */
function liveSimFeed(env: SessionEnv, events: Iterable<SimEvent>, feed: SimGeyserFeed): Observable<FeedEvent> {
  return new Observable<FeedEvent>((subscriber) => {
    let stopped = false;
    const { clock } = env;
    const run = async (): Promise<void> => {
      const deliver = async (at: number, parse: (tsInit: number) => FeedEvent | null): Promise<void> => {
        // Timers due before the message runs first, each settling (a macrotask each, as live).
        while (!stopped && clock.nextDue() <= at) {
          clock.runNext(at);
          const p = env.pace();
          if (p !== undefined) await p;
        }
        clock.set(at);
        const e = parse(clock.now());
        if (e === null || stopped) return;
        subscriber.next(e);
        const p = env.pace();
        if (p !== undefined) await p;
      };
      const parsed = (u: Parameters<typeof parseSubscribeUpdate>[0]) => (tsInit: number): FeedEvent | null => {
        const r = parseSubscribeUpdate(u, tsInit);
        return r.ok && r.event !== null ? r.event : null;
      };
      try {
        for (const e of events) {
          for (const u of feed.updates(e)) await deliver(u.createdAt instanceof Date ? u.createdAt.getTime() : e.tsMs, parsed(u));
          if (stopped) return;
        }
        for (const u of feed.finish()) await deliver(clock.now(), parsed(u));
        if (!stopped) subscriber.complete();
      } catch (err) {
        if (!stopped) subscriber.error(err);
      }
    };
    void run();
    return () => {
      stopped = true;
    };
  });
}
