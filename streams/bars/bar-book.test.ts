import { describe, expect, it } from "vitest";
import { BarBook, type BarOutput } from "./bar-book.js";
import { price, trade } from "./test-events.js";

const book = (maxCorrectable?: number) => new BarBook({ intervalS: 1, graceMs: 200, usd: () => 2, ...(maxCorrectable === undefined ? {} : { maxCorrectable }) });
const feed = (b: BarBook, evs: Parameters<BarBook["add"]>[0][]): BarOutput[] => {
  const out: BarOutput[] = [];
  for (const e of evs) b.add(e, out);
  return out;
};

describe("BarBook", () => {
  it("builds OHLCV in USD from trades and liquidity from the newest tick; closes after the grace", () => {
    const b = book();
    const out = feed(b, [trade("x", 100, 1), trade("x", 500, 3), price("x", 600, 3, 10, 50), trade("x", 1100, 2), trade("x", 900, 0.5), trade("x", 1250, 2)]);
    // The 900 ms trade came after the 1100 ms one, but within the grace: it still counts.
    expect(out).toEqual([
      { kind: "bar", bar: { interval_s: 1, mint: "x", ts: 0, open: 2, high: 6, low: 1, close: 1, volume: 6, liquidity: 20, fdv: 100, trades: 3, lowprec: 0, source: "geyser", version: 1 } },
    ]);
    expect(b.stats).toMatchObject({ closed: 1, corrections: 0, late: 0 });
  });

  it("revises a closed bar as a correction with a higher version, then reports what is too old", () => {
    const b = book(1);
    const out = feed(b, [trade("y", 150, 1), trade("x", 100, 1), trade("x", 1300, 1), trade("x", 950, 4), trade("y", 960, 4)]);
    expect(out.map((o) => o.kind)).toEqual(["bar", "bar", "correction", "late"]);
    const corr = out[2] as Extract<BarOutput, { kind: "correction" }>;
    expect(corr.bar).toMatchObject({ mint: "x", ts: 0, high: 8, close: 8, trades: 2, version: 2 });
    expect(b.stats).toMatchObject({ closed: 2, corrections: 1, late: 1 });
  });

  it("orders open and close by event time, not arrival", () => {
    const b = book();
    const out = feed(b, [trade("x", 500, 5), trade("x", 100, 1), trade("x", 700, 7), trade("x", 600, 6)]);
    b.flush(out);
    expect(out[0]).toMatchObject({ kind: "bar", bar: { open: 2, close: 14, high: 14, low: 2, trades: 4 } });
  });

  it("skips bars without trades and counts events it cannot value", () => {
    const b = new BarBook({ intervalS: 60, graceMs: 0, usd: (_q, ts) => (ts < 0 ? null : 1) });
    const out = feed(b, [price("x", 1, 1), trade("y", -5, 1)]);
    b.flush(out);
    expect(out).toEqual([]);
    expect(b.stats.unpriced).toBe(1);
  });
});
