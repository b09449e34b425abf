import { TestScheduler } from "rxjs/testing";
import { describe, expect, it } from "vitest";
import { BarBook } from "../bars/bar-book.js";
import { price, trade } from "../bars/test-events.js";
import { aggregateBars } from "./aggregate-bars.js";

const scheduler = (): TestScheduler => new TestScheduler((a, e) => expect(a).toEqual(e));
const row = (o: Partial<Record<string, unknown>>) => ({ interval_s: 1, mint: "x", ts: 0, lowprec: 0, source: "geyser", version: 1, liquidity: null, fdv: null, ...o });

describe("aggregateBars", () => {
  it("emits a bar when the event-time watermark passes its end plus the grace", () => {
    const s = scheduler();
    s.run(({ cold, expectObservable }) => {
      const src = cold("abcd|", { a: trade("x", 100, 1), b: price("x", 200, 1, 5, null), c: trade("x", 1150, 2), d: trade("x", 1300, 3) });
      const bar0 = row({ open: 1, high: 1, low: 1, close: 1, volume: 1, liquidity: 5, trades: 1 });
      const bar1 = row({ ts: 1, open: 2, high: 3, low: 2, close: 3, volume: 2, trades: 2 });
      expectObservable(src.pipe(aggregateBars({ intervalS: 1, graceMs: 200, usd: () => 1 }, undefined, s))).toBe("---a(b|)", {
        a: { kind: "bar", bar: bar0 },
        b: { kind: "bar", bar: bar1 },
      });
    });
  });

  it("with a clock watermark, closes a quiet bar on the scheduler's time", () => {
    const s = scheduler();
    s.run(({ hot, expectObservable, expectSubscriptions }) => {
      const src = hot("a 50ms b 2000ms |", { a: trade("x", 0, 1), b: trade("x", 51, 2) });
      const book = new BarBook({ intervalS: 1, graceMs: 200, usd: () => 1 });
      expectObservable(src.pipe(aggregateBars({ intervalS: 1, graceMs: 200, usd: () => 1, clockWatermark: true }, book, s))).toBe("1200ms x 851ms |", {
        x: { kind: "bar", bar: row({ open: 1, high: 2, low: 1, close: 2, volume: 2, trades: 2 }) },
      });
      expectSubscriptions(src.subscriptions).toBe("^ 2051ms !");
    });
  });

  it("routes a too-late event out as such", () => {
    const s = scheduler();
    s.run(({ cold, expectObservable }) => {
      const src = cold("abc|", { a: trade("x", 100, 1), b: trade("x", 5000, 1), c: trade("y", 10, 1) });
      const out = src.pipe(aggregateBars({ intervalS: 1, graceMs: 0, usd: () => 1 }, undefined, s));
      expectObservable(out).toBe("-xl(y|)", {
        x: { kind: "bar", bar: row({ open: 1, high: 1, low: 1, close: 1, volume: 1, trades: 1 }) },
        l: { kind: "late", event: trade("y", 10, 1) },
        y: { kind: "bar", bar: row({ ts: 5, open: 1, high: 1, low: 1, close: 1, volume: 1, trades: 1 }) },
      });
    });
  });
});
