import { describe, expect, it } from "vitest";
import { buildPanel } from "./panel.js";
import { barsOf } from "./testing.js";

const f = Math.fround;

describe("buildPanel", () => {
  const bars = [
    ...barsOf("B", [
      [2, 5, 6, 4, 5.5, 10],
      [3, 5.5, 6, 5, 6, 20],
      [4, 6, 7, 5, 6.5, 30],
    ]),
    ...barsOf("A", [
      [0, 1, 1.2, 0.9, 1.1, 100],
      [1, 9, 9, 9, 9, 999], // replaced by the next row: same token and slot
      [1, 1.1, 1.3, 1, 1.2, 300],
      [3, 1.2, 1.25, 0.8, 0.9, 50],
    ]),
    ...barsOf("A", [[4, 0, 1, 1, 1, 1]]), // non-positive price: rejected
  ];
  const p = buildPanel(bars, { intervalS: 60 });

  it("sorts mints and aligns every token on the union grid", () => {
    expect(p.mints).toEqual(["A", "B"]);
    expect(p.nTimes).toBe(5);
    expect([...p.times].map((t) => t - p.times[0]!)).toEqual([0, 60, 120, 180, 240]);
    expect(p.duplicates).toBe(1);
    expect(p.rejected).toBe(1);
  });

  it("marks bars valid and everything else invalid: before the first bar, gaps, after the last", () => {
    expect([...p.valid]).toEqual([1, 1, 0, 1, 0, 0, 0, 1, 1, 1]);
    expect([...p.firstValid]).toEqual([0, 2]);
    expect([...p.lastValid]).toEqual([3, 4]);
  });

  it("carries the last close over gaps and past the end as a flat, untraded bar; zeros before the first", () => {
    // Token A at t=2 (gap) and t=4 (after its last bar).
    expect([p.open[2], p.high[2], p.low[2], p.close[2], p.volume[2]]).toEqual([f(1.2), f(1.2), f(1.2), f(1.2), 0]);
    expect([p.open[4], p.close[4], p.volume[4]]).toEqual([f(0.9), f(0.9), 0]);
    expect(p.close[1]).toBe(f(1.2)); // the later duplicate won
    // Token B before its first bar.
    expect([p.open[5], p.close[6], p.volume[6], p.liquidity[6]]).toEqual([0, 0, 0, 0]);
    expect(p.liquiditySource).toBe("reported liquidity");
    expect(p.fdvSource).toBe("reported FDV");
    expect(p.liquidityWindowBars).toBe(0);
  });

  it("fills a regular grid on request", () => {
    const q = buildPanel(barsOf("A", [[0, 1, 1, 1, 1, 1], [3, 1, 1, 1, 1, 1]]), { intervalS: 60, grid: "regular" });
    expect(q.nTimes).toBe(4);
    expect([...q.valid]).toEqual([1, 0, 0, 1]);
    expect(buildPanel(barsOf("A", [[0, 1, 1, 1, 1, 1], [3, 1, 1, 1, 1, 1]]), { intervalS: 60 }).nTimes).toBe(2);
  });

  it("snaps timestamps to the interval", () => {
    const q = buildPanel([{ ...barsOf("A", [[0, 1, 1, 1, 1, 1]])[0]!, ts: 3_600 * 10 + 59 }], { intervalS: 3_600 });
    expect(q.times[0]).toBe(36_000);
  });

  it("uses the volume proxy where liquidity is missing (causal, floored) and names it", () => {
    const rows = barsOf(
      "A",
      [
        [0, 1, 1, 1, 1, 1_000, null, null],
        [1, 1, 1, 1, 1, 3_000, null, null],
        [2, 1, 1, 1, 1, 0, null, null],
      ],
      3_600,
    );
    const q = buildPanel(rows, { intervalS: 3_600 });
    // Trailing mean hourly volume x 24 bars per day / 2 (daily turnover of liquidity).
    expect([...q.liquidity]).toEqual([12_000, 24_000, 16_000]);
    expect(q.liquiditySource).toBe("volume proxy: trailing 24-bar USD volume per day / 2, floor 1000 USD");
    expect(q.liquidityWindowBars).toBe(24);
    expect(q.fdvSource).toBe("constant 1000000 USD");
    expect([...q.fdv]).toEqual([1e6, 1e6, 1e6]);
    const floor = buildPanel(barsOf("A", [[0, 1, 1, 1, 1, 1, null, null]], 3_600), { intervalS: 3_600 });
    expect(floor.liquidity[0]).toBe(1_000);
  });

  it("takes a constant fallback, and names a mix of reported and fallback", () => {
    const rows = barsOf("A", [
      [0, 1, 1, 1, 1, 1, 50_000, 1e6],
      [1, 1, 1, 1, 1, 1, null, null],
    ]);
    const q = buildPanel(rows, { intervalS: 60, liquidityFallback: { kind: "constant", usd: 5_000 }, fdvFallbackUsd: 2e6 });
    // A missing value inside a token's life carries the last reported one forward.
    expect([...q.liquidity]).toEqual([50_000, 50_000]);
    const none = buildPanel(barsOf("A", [[0, 1, 1, 1, 1, 1, null, null]]), { intervalS: 60, liquidityFallback: { kind: "constant", usd: 5_000 } });
    expect(none.liquidity[0]).toBe(5_000);
    expect(none.liquiditySource).toBe("constant 5000 USD");
    const mixed = buildPanel([...barsOf("A", [[0, 1, 1, 1, 1, 1, 50_000, 1e6]]), ...barsOf("B", [[0, 1, 1, 1, 1, 1, null, null]])], {
      intervalS: 60,
    });
    expect(mixed.liquiditySource).toMatch(/^reported liquidity; volume proxy.* on 1 of 2 bars$/);
  });

  it("shares its arrays through SharedArrayBuffers", () => {
    for (const a of [p.open, p.close, p.liquidity, p.valid, p.times, p.firstValid]) {
      expect(a.buffer).toBeInstanceOf(SharedArrayBuffer);
    }
  });
});
