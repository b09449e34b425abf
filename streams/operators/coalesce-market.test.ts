/**
 * Property: coalescing price ticks per mint never changes the bars. Random interleavings of
 * ticks and trades over a few mints, on virtual time with random coalescing windows.
 */
import fc from "fast-check";
import { interval, map, take, toArray, VirtualTimeScheduler } from "rxjs";
import { describe, expect, it } from "vitest";
import type { BarOutput } from "../bars/bar-book.js";
import { price, trade } from "../bars/test-events.js";
import type { MarketEvent } from "../types.js";
import { aggregateBars } from "./aggregate-bars.js";
import { coalesceMarket } from "./coalesce-market.js";

const arbEvents = fc.array(
  fc.record({ mint: fc.constantFrom("a", "b", "c"), dt: fc.integer({ min: 0, max: 400 }), isTrade: fc.boolean(), p: fc.double({ min: 0.5, max: 2, noNaN: true }) }),
  { minLength: 1, maxLength: 120 },
);

function bars(events: readonly MarketEvent[], windowMs: number | null): BarOutput[] {
  // Virtual time, one event per millisecond, run as fast as possible (as replay runs).
  const vts = new VirtualTimeScheduler();
  let out: BarOutput[] = [];
  const src = interval(1, vts).pipe(take(events.length), map((i) => events[i] as MarketEvent));
  const coalesced = windowMs === null ? src : src.pipe(coalesceMarket({ windowMs, barIntervalS: 1 }, undefined, vts));
  coalesced.pipe(aggregateBars({ intervalS: 1, graceMs: 0, usd: () => 1 }, undefined, vts), toArray()).subscribe((o) => (out = o));
  vts.flush();
  return out;
}

describe("coalesceMarket", () => {
  it("gives the same bars as no coalescing, for any window", () => {
    fc.assert(
      fc.property(arbEvents, fc.integer({ min: 1, max: 30 }), (raw, windowMs) => {
        let t = 0;
        const events = raw.map((r) => {
          t += r.dt;
          return r.isTrade ? trade(r.mint, t, r.p) : price(r.mint, t, r.p, r.p * 10, r.p * 100);
        });
        // Same bars; the order in which bars of one close time leave may differ.
        const sorted = (o: BarOutput[]) => [...o].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
        expect(sorted(bars(events, windowMs))).toEqual(sorted(bars(events, null)));
      }),
      { numRuns: 150 },
    );
  });
});
